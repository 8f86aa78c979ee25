"""CollectSubmissions: list every file of a submissions folder or .zip, with its student and notebook."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from autograder.grading.roster import platform_name
from autograder.grading.steps.base import Step
from autograder.grading.steps.read_notebook import MAX_NOTEBOOK_BYTES
from autograder.grading.submission import Submission

MAX_ZIP_MEMBERS = 10_000
MAX_MEMBER_BYTES = MAX_NOTEBOOK_BYTES  # larger members could not be graded: not extracted
MAX_ZIP_BYTES = 512 * 2**20          # all members together, counted as extracted
MAX_RATIO = 200                      # uncompressed / compressed, for members over 1 MiB
MAX_ID_LENGTH = 64
MAX_NAME_BYTES = 255                 # one file or folder name, as file systems allow
MAX_PATH_BYTES = 1024                # a whole member path
MAX_DEPTH = 8                        # folders below the submissions root (platforms use one or two)
CHUNK = 2**20
COPY_PREFIX = re.compile(r"^(copy of\s+)+", re.IGNORECASE)
COPY_SUFFIX = re.compile(r"(\s*\(\d+\)|\s*-\s*copy(\s*\d+)?|-checkpoint)+$", re.IGNORECASE)


def clean_student_id(raw: str) -> str:
    """A student id safe as a folder name and gradebook key."""
    return re.sub(r"[^A-Za-z0-9_.@-]+", "_", raw).strip("._") or "unknown"


def normalize_notebook_name(name: str) -> str:
    """`Copy of 01_x (1).ipynb` -> `01_x`: drop the extension and what Colab or browsers add."""
    stem = name[:-6] if name.lower().endswith(".ipynb") else Path(name).stem
    stem = COPY_PREFIX.sub("", stem.strip())
    return COPY_SUFFIX.sub("", stem).strip()


def identify(relative: PurePosixPath, stems: list[str]) -> tuple[str, str | None]:
    """(student id, notebook stem or None) of a file at ``relative`` inside the submissions root."""
    raw, stem = identify_raw(relative, stems)
    return clean_student_id(raw), stem


def identify_raw(relative: PurePosixPath, stems: list[str]) -> tuple[str, str | None]:
    """(student id as written, notebook stem or None) of a file at ``relative``."""
    name = relative.name
    if len(relative.parts) >= 2:
        norm = normalize_notebook_name(name)
        notebook = next((s for s in stems if norm == s or norm.endswith(s)), None)
        return relative.parts[0], notebook
    norm = normalize_notebook_name(name)
    for stem in stems:
        idx = norm.find(stem)
        if idx > 0 and norm[idx - 1] in "_- ":
            student = COPY_PREFIX.sub("", norm[: idx - 1].strip())
            student = re.sub(r"[_\s-]*copy of$", "", student, flags=re.IGNORECASE)
            return student, stem
    return norm.split("_", 1)[0], None


def display(name: str) -> str:
    """A name as text: undecodable bytes (kept by Python as surrogates) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def shown_path(*parts: str) -> str:
    """A path for a message: its parts joined with '/', as text, cut at 120 characters."""
    return "/".join(display(p) for p in parts)[:120]


def _undecodable(name: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in name)


@dataclass
class Entry:
    """One input file, named by data only: ``parts`` is its path inside the submissions, as text.

    ``source`` is where its bytes are (the file itself, or the grader's own copy of a zip member).
    ``name_problem``: the name itself is unsafe or unreadable; the file gets an error row under an
    id of its own, so that it can never be counted as, or replace, a student's file.
    ``problem``: the name is fine but the file could not be extracted (an oversized member).
    """

    parts: tuple[str, ...]
    source: Path
    name_problem: str = ""
    problem: str = ""

    @property
    def shown(self) -> str:
        return "/".join(display(p) for p in self.parts)


def _name_problem(parts: list[str], raw: str) -> str:
    """Why a path made of ``parts`` cannot name a submission ('' when it can)."""
    shown = shown_path(raw)
    if any(_undecodable(p) for p in parts):
        return f"{shown} has a name that is not valid UTF-8; rename the file and submit it again"
    if any(len(p.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for p in parts) or \
            len(raw.encode("utf-8", "surrogateescape")) > MAX_PATH_BYTES:
        return (f"{shown}... has a name longer than {MAX_NAME_BYTES} bytes (or a path longer than "
                f"{MAX_PATH_BYTES}); rename the file and submit it again")
    if len(parts) > MAX_DEPTH:
        return f"{shown} is nested more than {MAX_DEPTH} folders deep, so it was not read"
    return ""


def _member_parts(name: str) -> tuple[list[str], str]:
    """(path parts, problem) of a zip member name; '..', absolute paths and drive letters are problems."""
    unified = name.replace("\\", "/")
    shown = shown_path(name)
    if unified.startswith("/") or re.match(r"^[A-Za-z]:", unified):
        return [], f"{shown} is an absolute path in the archive, so it was not extracted"
    raw_parts = unified.split("/")
    if ".." in raw_parts:
        return [], f"{shown} points outside the archive ('..'), so it was not extracted"
    parts = [p for p in raw_parts if p not in ("", ".")]
    if not parts:
        return [], f"{shown!r} is not a file name, so it was not extracted"
    return parts, _name_problem(parts, name)


class _Overlay(io.RawIOBase):
    """A read-only view of a file with ``data`` read in place of the bytes at ``start`` (no copy on disk)."""

    def __init__(self, path: Path, start: int, data: bytes) -> None:
        super().__init__()
        self._file = path.open("rb")
        self._start, self._data, self._position = start, data, 0
        self._size = path.stat().st_size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position, 2: self._size}[whence]
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def readinto(self, buffer) -> int:
        self._file.seek(self._position)
        chunk = bytearray(self._file.read(len(buffer)))
        low = max(self._position, self._start)
        high = min(self._position + len(chunk), self._start + len(self._data))
        if low < high:
            chunk[low - self._position:high - self._position] = self._data[low - self._start:high - self._start]
        buffer[:len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)

    def close(self) -> None:
        self._file.close()
        super().close()


def _end_record(archive: Path) -> list:
    """The archive's end-of-central-directory record (place, size and count of the members)."""
    with archive.open("rb") as handle:
        end = zipfile._EndRecData(handle)  # noqa: SLF001
    if not end:
        raise ValueError(f"{archive} is not a readable .zip (no central directory); download it again")
    return end


def _open_archive(archive: Path, end: list) -> tuple[zipfile.ZipFile, set[int]]:
    """The archive opened, with members flagged UTF-8 whose names are not valid UTF-8 unflagged.

    Python's zipfile cannot open an archive with such a member at all; unflagged, the name reads
    as CP437 and the member becomes an error row. The central directory is patched in memory.
    Returns (the open archive, indexes of those members).
    """
    with archive.open("rb") as handle:
        size, offset = end[zipfile._ECD_SIZE], end[zipfile._ECD_OFFSET]  # noqa: SLF001
        # As zipfile does: data prepended to the archive shifts every offset; zip64 adds two records.
        concat = end[zipfile._ECD_LOCATION] - size - offset  # noqa: SLF001
        if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:  # noqa: SLF001
            concat -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
        start = offset + concat
        handle.seek(start)
        data = bytearray(handle.read(size))
    bad, position, index = set(), 0, 0
    while position + 46 <= len(data) and data[position:position + 4] == b"PK\x01\x02":
        flags, = struct.unpack_from("<H", data, position + 8)
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        if flags & 0x800:
            try:
                bytes(data[position + 46:position + 46 + name_length]).decode("utf-8")
            except UnicodeDecodeError:
                struct.pack_into("<H", data, position + 8, flags & ~0x800)
                bad.add(index)
        position += 46 + name_length + extra_length + comment_length
        index += 1
    if not bad:
        return zipfile.ZipFile(archive), set()
    return zipfile.ZipFile(_Overlay(archive, start, bytes(data))), bad


def read_zip(archive: Path, target: Path) -> list[Entry]:
    """Every member of ``archive`` as an Entry; files are extracted to names the grader chooses.

    Member names are data: they only ever become ``parts``, never a path to write. A member with an
    unsafe name (absolute, '..', undecodable, over-long, too deep), a link, or a second member of
    the same name is not extracted and gets an error row of its own. A member over
    MAX_MEMBER_BYTES, compressed more than MAX_RATIO times, or past MAX_ZIP_BYTES in all is not
    extracted either: it gets an empty placeholder and a problem. Sizes are counted as bytes come
    out, not taken from the archive's headers.
    """
    target.mkdir(parents=True, exist_ok=True)
    end = _end_record(archive)
    count = end[zipfile._ECD_ENTRIES_TOTAL]  # noqa: SLF001
    if count > MAX_ZIP_MEMBERS:
        raise ValueError(f"{archive} holds {count} files, more than the {MAX_ZIP_MEMBERS} the grader "
                         "extracts; split it into several archives")
    bundle, undecodable = _open_archive(archive, end)
    entries: list[Entry] = []
    seen: set[tuple[str, ...]] = set()
    total = 0
    placeholder = target / "empty"
    placeholder.write_bytes(b"")
    with bundle:
        for index, info in enumerate(bundle.infolist()):
            if info.is_dir() or info.filename.replace("\\", "/").startswith("__MACOSX/"):
                continue
            destination = target / f"member-{index:05d}"
            if index in undecodable:
                entries.append(Entry((info.filename,), placeholder, f"{shown_path(info.filename)} has a name marked UTF-8 that is not "
                                     "valid UTF-8; rename the file and submit it again"))
                continue
            parts, problem = _member_parts(info.filename)
            if not problem and stat.S_ISLNK(info.external_attr >> 16):
                problem = f"{shown_path(info.filename)} is a symbolic link, not a file; ask for the notebook itself"
            if not problem and tuple(parts) in seen:
                problem = (f"{shown_path(info.filename)} appears twice in the archive; the first copy is graded, "
                           "this one is not")
            if problem:
                entries.append(Entry(tuple(parts) or (info.filename,), placeholder, problem))
                continue
            seen.add(tuple(parts))
            entry = Entry(tuple(parts), destination)
            if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                entry.problem = (f"{entry.shown} is compressed {info.file_size // max(info.compress_size, 1)} times "
                                 "in the archive (a zip bomb?), so it was not extracted")
                destination.write_bytes(b"")
                entries.append(entry)
                continue
            written = 0
            try:
                with bundle.open(info) as source, destination.open("wb") as sink:
                    while chunk := source.read(CHUNK):
                        written += len(chunk)
                        if written > MAX_MEMBER_BYTES or total + written > MAX_ZIP_BYTES:
                            break
                        sink.write(chunk)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError,
                    EOFError, zlib.error) as error:
                destination.write_bytes(b"")
                entry.problem = (f"{entry.shown} could not be extracted ({type(error).__name__}: damaged, encrypted "
                                 "or in an unsupported format); ask for the notebook alone")
                entries.append(entry)
                continue
            if written > MAX_MEMBER_BYTES or total + written > MAX_ZIP_BYTES:
                destination.write_bytes(b"")
                limit = (f"over the {MAX_MEMBER_BYTES // 2**20} MiB limit per file" if written > MAX_MEMBER_BYTES
                         else f"past the {MAX_ZIP_BYTES // 2**20} MiB the grader extracts from one archive")
                entry.problem = f"{entry.shown} is too large to extract ({limit}); ask for the notebook alone"
            else:
                total += written
            entries.append(entry)
    return entries


def read_folder(root: Path) -> list[Entry]:
    """Every file, link or special file under ``root`` as an Entry (folders are walked, never followed).

    Walks at most MAX_DEPTH levels: a deeper folder gets one error row instead of its files.
    """
    entries: list[Entry] = []

    def walk(folder: Path, parts: tuple[str, ...]) -> None:
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            entries.append(Entry(parts, folder, _name_problem(list(parts), "/".join(parts)) or
                                 f"{shown_path(*parts)} could not be read "
                                 f"({error.strerror}); check its permissions"))
            return
        for child in children:
            if child.name == "__MACOSX":
                continue
            path = parts + (child.name,)
            if child.is_dir(follow_symlinks=False):
                if len(path) >= MAX_DEPTH:
                    entries.append(Entry(path, Path(child.path), f"{shown_path(*path)} "
                                         f"is nested more than {MAX_DEPTH} folders deep; its files were not read"))
                else:
                    walk(Path(child.path), path)
                continue
            problem = _name_problem(list(path), "/".join(path))
            if not problem and child.is_symlink():
                problem = f"{shown_path(*path)} is a symbolic link, not a file; ask for the notebook itself"
            entries.append(Entry(path, Path(child.path), problem))

    walk(root, ())
    return entries


def unwrap(entries: list[Entry]) -> list[Entry]:
    """Drop wrapping folders (`submissions/...`), as learning platforms' archives add.

    The common first folder of every well-named entry is dropped while some entry lies two levels
    below it; entries with name problems neither count nor change.
    """
    while True:
        named = [e for e in entries if not e.name_problem]
        firsts = {e.parts[0] for e in named}
        if (len(firsts) == 1 and all(len(e.parts) >= 2 for e in named) and any(len(e.parts) >= 3 for e in named)):
            entries = [Entry(e.parts[1:], e.source, e.name_problem, e.problem) if not e.name_problem else e
                       for e in entries]
        else:
            return entries


def assign_ids(keys: list[tuple[str, str]]) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """(layout, raw id) -> distinct student id, and a note for each key whose name was taken.

    Folders name a student by the documented rule (``alice/...``), flat files by what comes before
    ``_<notebook>``: each (layout, raw id) is one student. A key keeps its cleaned name when it is
    the first to claim it (folders first, names that need no cleaning first); the others get a
    hash suffix, so two inputs never share an id unless they are the same student's files.
    """
    order = sorted(set(keys), key=lambda k: (k[0] != "folder", clean_student_id(k[1]) != k[1], k[1]))
    ids: dict[tuple[str, str], str] = {}
    notes: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for layout, raw in order:
        wanted = clean_student_id(raw)
        cid = wanted if len(wanted) <= MAX_ID_LENGTH else ""
        digest = hashlib.sha256(f"{layout}\0{raw}".encode("utf-8", "surrogateescape")).hexdigest()
        length = 8
        while not cid or cid in taken:
            cid = f"{wanted[:MAX_ID_LENGTH - length - 1]}-{digest[:length]}"
            length += 4
        if cid != wanted and wanted in taken:
            notes[(layout, raw)] = (f"the student id {wanted} is also claimed by another submission's "
                                    f"{'folder' if layout == 'flat' else 'file'} name; this file is graded as {cid}")
        taken.add(cid)
        ids[(layout, raw)] = cid
    return ids, notes


def own_id(entry: Entry) -> str:
    """The id of an input whose name is unusable: its own, derived from the name, never a student's."""
    digest = hashlib.sha256("/".join(entry.parts).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"invalid-name-{digest}"


class CollectSubmissions(Step):
    """Collect submissions: one entry per file, never dropping one, with distinct student ids and the notebook identified."""

    requires = ("submissions_path", "template", "scratch", "roster")
    provides = ("submissions",)

    @staticmethod
    def identify(relative: PurePosixPath, stems: list[str]) -> tuple[tuple[str, str], str | None, str]:
        """((layout, raw student id), notebook stem or None, platform id or '') of one file.

        A Canvas or Moodle name gives the student as the name and the platform's id written in it
        (``Ann Lee_1001``): two spellings of a name never merge, even with the same platform id.
        """
        named = platform_name(relative)
        if named is None:
            raw, stem = identify_raw(relative, stems)
            return ("folder" if len(relative.parts) >= 2 else "flat", raw), stem, ""
        uploaded = normalize_notebook_name(named.rest or relative.name)
        stem = next((s for s in stems if uploaded == s or uploaded.startswith(s) or uploaded.endswith(s)), None)
        return (named.platform, f"{named.student}_{named.platform_id}"), stem, named.platform_id

    @staticmethod
    def apply_roster(roster, platform_ids: dict, ids: dict, notes: dict) -> None:
        """Give each platform name its roster student's id; flag what the roster does not know.

        A roster id is taken only by the one name that claims its platform id, and only when no
        other input already has that id; otherwise every claimant keeps its own id, with a note.
        """
        claims: dict[str, list] = {}
        for key, platform_id in platform_ids.items():
            student = roster.by_platform_id(platform_id)
            if student is not None:
                claims.setdefault(student.student_id, []).append(key)
        taken = set(ids.values())
        for student_id, keys in claims.items():
            if len(keys) == 1 and student_id not in taken:
                ids[keys[0]] = student_id
                taken.add(student_id)
                continue
            for key in keys:
                notes[key] = "; ".join(filter(None, [notes.get(key), (
                    f"this name claims the platform id of roster student {student_id}, as another input does; "
                    "graded under its own id, check by hand")]))
        for key, student_id in ids.items():
            if roster.by_student_id(student_id) is None:
                notes[key] = "; ".join(filter(None, [notes.get(key), f"{student_id} is not on the roster"]))

    def run(self, state) -> None:
        path = state.submissions_path
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist; pass the folder or .zip of downloaded notebooks")
        if path.is_file() and zipfile.is_zipfile(path):
            entries = read_zip(path, state.scratch / "unzipped")
        elif path.is_file():
            raise ValueError(f"{path} is neither a folder nor a .zip; put the submitted notebooks in a folder")
        else:
            entries = read_folder(path)
        entries = unwrap(entries)
        names = {normalize_notebook_name(n): n for n in state.template.notebooks}
        stems = sorted(names, key=len, reverse=True)
        only = next(iter(names)) if len(names) == 1 else None
        found, platform_ids = [], {}
        for entry in entries:
            relative = PurePosixPath(*[display(p) for p in entry.parts]) if entry.parts else PurePosixPath("unnamed")
            if entry.name_problem:
                found.append((("invalid", own_id(entry)), None, relative, entry))
                continue
            key, stem, platform_id = self.identify(relative, stems)
            if stem is None and relative.name.lower().endswith(".ipynb"):
                stem = only
            found.append((key, stem, relative, entry))
            if platform_id:
                platform_ids[key] = platform_id
        ids, notes = assign_ids([key for key, *_ in found if key[0] != "invalid"])
        if state.roster is not None:
            self.apply_roster(state.roster, platform_ids, ids, notes)
        ids.update({key: key[1] for key, *_ in found if key[0] == "invalid"})
        rows = [(ids[key], stem, relative, entry, notes.get(key, "")) for key, stem, relative, entry in found]
        # The file whose name is exactly the notebook's comes first, so it is the one recorded.
        rows.sort(key=lambda f: (f[0], f[1] or "", normalize_notebook_name(f[2].name) != f[2].name.removesuffix(".ipynb"),
                                 str(f[2])))
        seen: dict[tuple[str, str], int] = {}
        for student, stem, relative, entry, note in rows:
            key = (student, stem or relative.name)
            seen[key] = seen.get(key, 0) + 1
            output_stem = (stem or clean_student_id(relative.stem)) + ("" if seen[key] == 1 else f" ({seen[key]})")
            state.submissions.append(Submission(
                student_id=student, path=entry.source, original_name=str(relative),
                notebook=names[stem] if stem and not entry.name_problem else None, output_stem=output_stem[:100],
                primary=seen[key] == 1 and not entry.name_problem, problem=entry.name_problem or entry.problem,
                note=note,
            ))
