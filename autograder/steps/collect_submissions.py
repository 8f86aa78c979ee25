"""CollectSubmissions: list every file of a submissions folder or .zip, with its student and notebook."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path, PurePosixPath

from autograder.steps.base import Step
from autograder.steps.read_notebook import MAX_NOTEBOOK_BYTES
from autograder.submission import Submission

MAX_ZIP_MEMBERS = 10_000
MAX_MEMBER_BYTES = MAX_NOTEBOOK_BYTES  # larger members could not be graded: not extracted
MAX_ZIP_BYTES = 512 * 2**20          # all members together, counted as extracted
MAX_RATIO = 200                      # uncompressed / compressed, for members over 1 MiB
MAX_ID_LENGTH = 64
CHUNK = 2**20
COPY_PREFIX = re.compile(r"^(copy of\s+)+", re.IGNORECASE)
COPY_SUFFIX = re.compile(r"(\s*\(\d+\)|\s*-\s*copy(\s*\d+)?|-checkpoint)+$", re.IGNORECASE)


def clean_student_id(raw: str) -> str:
    """A student id safe as a folder name and gradebook key."""
    return re.sub(r"[^A-Za-z0-9_.@-]+", "_", raw).strip("._") or "unknown"


def distinct_ids(raw_ids: set[str]) -> dict[str, str]:
    """raw id -> clean id, different raw ids always getting different clean ids.

    A raw id that is already clean (and short) keeps it; others that would collide, or are too
    long, get a suffix from a hash of the raw id.
    """
    clean = {raw: clean_student_id(raw) for raw in raw_ids}
    taken = {c for raw, c in clean.items() if raw == c and len(c) <= MAX_ID_LENGTH}
    result = {}
    for raw in sorted(raw_ids):
        cid = clean[raw]
        clash = sum(clean[other] == cid for other in raw_ids) > 1
        if (raw == cid and len(cid) <= MAX_ID_LENGTH) or (not clash and len(cid) <= MAX_ID_LENGTH and cid not in taken):
            result[raw] = cid
        else:
            result[raw] = f"{cid[:MAX_ID_LENGTH - 9]}-{hashlib.sha256(raw.encode()).hexdigest()[:8]}"
    return result


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


def unpack_zip(archive: Path, target: Path) -> tuple[Path, dict[str, str]]:
    """Extract ``archive`` under ``target`` within bounds; return the folder and {relative path: problem}.

    Absolute and parent paths are flattened. A member over MAX_MEMBER_BYTES, compressed more than
    MAX_RATIO times, or past MAX_ZIP_BYTES in all is not extracted: it gets an empty placeholder and
    a problem, so that it still becomes an error row. Sizes are counted as bytes come out, not taken
    from the archive's headers.
    """
    target.mkdir(parents=True, exist_ok=True)
    problems: dict[str, str] = {}
    total = 0
    with zipfile.ZipFile(archive) as bundle:
        members = [info for info in bundle.infolist() if not info.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise ValueError(f"{archive} holds {len(members)} files, more than the {MAX_ZIP_MEMBERS} the grader "
                             "extracts; split it into several archives")
        for info in members:
            parts = [p for p in PurePosixPath(info.filename.replace("\\", "/")).parts if p not in ("", "/", "..", ".")]
            if not parts:
                continue
            destination = target.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            relative = "/".join(parts)
            if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                problems[relative] = (f"{relative} is compressed {info.file_size // max(info.compress_size, 1)} times "
                                      "in the archive (a zip bomb?), so it was not extracted")
                destination.write_bytes(b"")
                continue
            written = 0
            with bundle.open(info) as source, destination.open("wb") as sink:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > MAX_MEMBER_BYTES or total + written > MAX_ZIP_BYTES:
                        break
                    sink.write(chunk)
            if written > MAX_MEMBER_BYTES or total + written > MAX_ZIP_BYTES:
                destination.write_bytes(b"")
                limit = (f"over the {MAX_MEMBER_BYTES // 2**20} MiB limit per file" if written > MAX_MEMBER_BYTES
                         else f"past the {MAX_ZIP_BYTES // 2**20} MiB the grader extracts from one archive")
                problems[relative] = f"{relative} is too large to extract ({limit}); ask for the notebook alone"
                continue
            total += written
    return target, problems


def submission_root(folder: Path) -> Path:
    """Skip wrapping folders: a root holding only one folder (e.g. `submissions/`) is descended into."""
    while True:
        entries = [p for p in folder.iterdir() if p.name not in ("__MACOSX",)]
        if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink() and any(
                e.is_dir() for e in entries[0].iterdir()):
            folder = entries[0]
        else:
            return folder


def list_files(root: Path) -> list[Path]:
    """Everything under ``root`` but folders: files, and links or special files (they become error rows)."""
    return [path for path in sorted(root.rglob("*"))
            if "__MACOSX" not in path.parts and (path.is_symlink() or not path.is_dir())]


class CollectSubmissions(Step):
    """Collect submissions: one entry per file, never dropping one, with distinct student ids and the notebook identified."""

    requires = ("submissions_path", "template", "scratch")
    provides = ("submissions",)

    def run(self, state) -> None:
        path = state.submissions_path
        problems: dict[str, str] = {}
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist; pass the folder or .zip of downloaded notebooks")
        if path.is_file() and zipfile.is_zipfile(path):
            path, problems = unpack_zip(path, state.scratch / "unzipped")
        elif path.is_file():
            raise ValueError(f"{path} is neither a folder nor a .zip; put the submitted notebooks in a folder")
        root = submission_root(path)
        names = {normalize_notebook_name(n): n for n in state.template.notebooks}
        stems = sorted(names, key=len, reverse=True)
        only = next(iter(names)) if len(names) == 1 else None
        found = []
        for file in list_files(root):
            relative = PurePosixPath(file.relative_to(root).as_posix())
            raw, stem = identify_raw(relative, stems)
            if stem is None and relative.name.lower().endswith(".ipynb"):
                stem = only
            problem = problems.get(str(PurePosixPath(file.relative_to(path).as_posix())), "")
            if file.is_symlink():
                problem = f"{relative} is a symbolic link, not a file; ask for the notebook itself"
            found.append((raw, stem, relative, file, problem))
        ids = distinct_ids({raw for raw, *_ in found})
        found = [(ids[raw], *rest) for raw, *rest in found]
        # The file whose name is exactly the notebook's comes first, so it is the one recorded.
        found.sort(key=lambda f: (f[0], f[1] or "", normalize_notebook_name(f[2].name) != f[2].name.removesuffix(".ipynb"), str(f[2])))
        seen: dict[tuple[str, str], int] = {}
        for student, stem, relative, file, problem in found:
            key = (student, stem or relative.name)
            seen[key] = seen.get(key, 0) + 1
            output_stem = (stem or clean_student_id(relative.stem)) + ("" if seen[key] == 1 else f" ({seen[key]})")
            state.submissions.append(Submission(
                student_id=student, path=file, original_name=str(relative),
                notebook=names[stem] if stem else None, output_stem=output_stem, primary=seen[key] == 1,
                problem=problem,
            ))
