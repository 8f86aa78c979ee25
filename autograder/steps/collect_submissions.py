"""CollectSubmissions: list every file of a submissions folder or .zip, with its student and notebook."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from autograder.steps.base import Step
from autograder.submission import Submission

MAX_ZIP_MEMBER_BYTES = 512 * 1024 * 1024
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
    name = relative.name
    if len(relative.parts) >= 2:
        norm = normalize_notebook_name(name)
        notebook = next((s for s in stems if norm == s or norm.endswith(s)), None)
        return clean_student_id(relative.parts[0]), notebook
    norm = normalize_notebook_name(name)
    for stem in stems:
        idx = norm.find(stem)
        if idx > 0 and norm[idx - 1] in "_- ":
            student = COPY_PREFIX.sub("", norm[: idx - 1].strip())
            student = re.sub(r"[_\s-]*copy of$", "", student, flags=re.IGNORECASE)
            return clean_student_id(student), stem
    return clean_student_id(norm.split("_", 1)[0]), None


def unpack_zip(archive: Path, target: Path) -> Path:
    """Extract ``archive`` under ``target``, refusing absolute or parent paths and oversized members."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            parts = [p for p in PurePosixPath(info.filename.replace("\\", "/")).parts if p not in ("", "/", "..", ".")]
            if info.is_dir() or not parts:
                continue
            destination = target.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(info) as source, destination.open("wb") as sink:
                sink.write(source.read(MAX_ZIP_MEMBER_BYTES + 1)[: MAX_ZIP_MEMBER_BYTES + 1])
    return target


def submission_root(folder: Path) -> Path:
    """Skip wrapping folders: a root holding only one folder (e.g. `submissions/`) is descended into."""
    while True:
        entries = [p for p in folder.iterdir() if p.name not in ("__MACOSX",)]
        if len(entries) == 1 and entries[0].is_dir() and any(e.is_dir() for e in entries[0].iterdir()):
            folder = entries[0]
        else:
            return folder


class CollectSubmissions(Step):
    """Collect submissions: one entry per file, never dropping one, with student and notebook identified."""

    requires = ("submissions_path", "template", "scratch")
    provides = ("submissions",)

    def run(self, state) -> None:
        path = state.submissions_path
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist; pass the folder or .zip of downloaded notebooks")
        if path.is_file() and zipfile.is_zipfile(path):
            path = unpack_zip(path, state.scratch / "unzipped")
        elif path.is_file():
            raise ValueError(f"{path} is neither a folder nor a .zip; put the submitted notebooks in a folder")
        root = submission_root(path)
        names = {normalize_notebook_name(n): n for n in state.template.notebooks}
        stems = sorted(names, key=len, reverse=True)
        only = next(iter(names)) if len(names) == 1 else None
        found = []
        for file in sorted(p for p in root.rglob("*") if p.is_file() and "__MACOSX" not in p.parts):
            relative = PurePosixPath(file.relative_to(root).as_posix())
            student, stem = identify(relative, stems)
            if stem is None and relative.name.lower().endswith(".ipynb"):
                stem = only
            found.append((student, stem, relative, file))
        # The file whose name is exactly the notebook's comes first, so it is the one recorded.
        found.sort(key=lambda f: (f[0], f[1] or "", normalize_notebook_name(f[2].name) != f[2].name.removesuffix(".ipynb"), str(f[2])))
        seen: dict[tuple[str, str], int] = {}
        for student, stem, relative, file in found:
            key = (student, stem or relative.name)
            seen[key] = seen.get(key, 0) + 1
            output_stem = (stem or clean_student_id(relative.stem)) + ("" if seen[key] == 1 else f" ({seen[key]})")
            state.submissions.append(Submission(
                student_id=student, path=file, original_name=str(relative),
                notebook=names[stem] if stem else None, output_stem=output_stem, primary=seen[key] == 1,
            ))
