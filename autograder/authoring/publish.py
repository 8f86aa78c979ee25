"""Write the student edition: a git repository with what students need, and nothing else.

    python -m autograder publish DEST        # or: make publish DEST=...

The edition holds the release notebooks, the helper package, the pins, a student README and
Makefile, the two student tools (``tools/``) and a JupyterLab configuration without nbgrader's
instructor UI. Each publish is one commit in DEST naming the course commit it came from; publishing
again rewrites only what changed and never touches an untracked file (a student's ``work/``).
``find_leaks`` proves that no solution, hidden test or instructor-only file is in the edition's
tree or history.

Steps: source_commit -> collect_files -> scan -> check_destination -> write_files -> commit -> find_leaks.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
from pathlib import Path, PurePosixPath
from string import Template

from autograder.authoring.course import REPO_ROOT, Course
from autograder.authoring.readme import notebook_table

TEMPLATES = Path(__file__).resolve().parent / "student_edition"
MARKER = ".student-edition.json"  # tells a student edition apart from any other repository
PINS = ("requirements.lock", "requirements-light.lock", "environment.yml")
STUDENT_TOOLS = {"tools/student_work.py": ".ci/student_work.py", "tools/check_work.py": ".ci/check_work.py"}
# Paths of the instructor repository that must never reach students, and names of grading outputs.
INSTRUCTOR_ONLY_TOP = {"source", "autograder", "tests", "bench", "docs", "course", ".ci", "submissions", "grading"}
GRADING_OUTPUT_NAMES = {"seed", "gradebook.db", "grades.csv", "autograded", "results", "feedback", "inputs.json"}


class PublishError(ValueError):
    """The edition cannot be written as asked; the message says why and what to do."""


def _git(folder: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-C", str(folder), *args], input=input_bytes, capture_output=True)
    if result.returncode != 0:
        raise PublishError(f"git {' '.join(args[:2])} in {folder} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def _tracked(folder: Path, *paths: str) -> list[str]:
    """Files git tracks in ``folder`` (under ``paths`` when given)."""
    listing = _git(folder, "ls-files", "-z", "--", *paths).decode("utf-8", errors="surrogateescape")
    return [p for p in listing.split("\0") if p]


def source_commit(root: Path) -> str:
    """The course commit being published; refuses when what is published has uncommitted changes."""
    if not (root / ".git").exists():
        raise PublishError(f"{root} is not a git repository: publish names the course commit it came from")
    inputs = ["release", "utils", *PINS, *STUDENT_TOOLS.values(), "autograder/student_edition", "course/course.toml"]
    dirty = _git(root, "status", "--porcelain", "--", *inputs).decode(errors="replace").strip()
    if dirty:
        raise PublishError("commit these changes first, so that the edition names the commit it came from:\n" + dirty)
    return _git(root, "rev-parse", "HEAD").decode().strip()


def student_readme(course: Course) -> str:
    """The student README, with the notebook table and Colab badges of the student repository."""
    template = Template((TEMPLATES / "README.md").read_text(encoding="utf-8"))
    return template.substitute(title=course.title, notebook_table=notebook_table(course))


def collect_files(course: Course, root: Path = REPO_ROOT) -> dict[str, bytes]:
    """Every file of the edition: its path there and its content."""
    files: dict[str, bytes] = {}
    for assignment in course.assignments:
        for path in _tracked(root, f"release/{assignment.id}"):
            files[path] = (root / path).read_bytes()
    for path in _tracked(root, course.package_directory):
        files[path] = (root / path).read_bytes()
    for name in PINS:
        files[name] = (root / name).read_bytes()
    for target, origin in STUDENT_TOOLS.items():
        text = (root / origin).read_text(encoding="utf-8").replace(".ci/", "tools/")
        files[target] = text.encode()
    files["README.md"] = student_readme(course).encode()
    files["Makefile"] = (TEMPLATES / "Makefile").read_bytes()
    files[".gitignore"] = (TEMPLATES / "gitignore").read_bytes()
    for path in sorted((TEMPLATES / "jupyter").rglob("*.json")):
        files[".jupyter/" + path.relative_to(TEMPLATES / "jupyter").as_posix()] = path.read_bytes()
    files[MARKER] = (json.dumps({"course_id": course.course_id, "generated_by": "python -m autograder publish"},
                                indent=1) + "\n").encode()
    return files


def check_destination(dest: Path, root: Path, branch: str) -> None:
    """Make ``dest`` a student edition repository, or refuse to touch what is not one."""
    if dest.resolve() == root.resolve() or dest.resolve().is_relative_to(root.resolve()):
        raise PublishError(f"{dest} is inside the course repository: publish to a folder of its own")
    if dest.exists() and not dest.is_dir():
        raise PublishError(f"{dest} exists and is not a folder")
    if not dest.exists() or not any(dest.iterdir()):
        dest.mkdir(parents=True, exist_ok=True)
        _git(dest, "init", "--quiet", f"--initial-branch={branch}")
        return
    if not (dest / ".git").exists():
        raise PublishError(f"{dest} is not empty and is not a git repository: choose a new folder or a student edition")
    has_commits = subprocess.run(["git", "-C", str(dest), "rev-parse", "--verify", "--quiet", "HEAD"],
                                 capture_output=True).returncode == 0
    if has_commits and MARKER not in _tracked(dest, MARKER):
        raise PublishError(f"{dest} is a git repository but not a student edition (no {MARKER}): refusing to change it")
    changed = _git(dest, "status", "--porcelain", "--untracked-files=no").decode(errors="replace").strip()
    if changed:
        raise PublishError(f"{dest} has changes to published files that would be lost:\n{changed}\n"
                           "commit or discard them there first")


def _safe_target(dest: Path, relative: str) -> Path:
    """``dest/relative``, refusing a path that leaves ``dest`` or passes through a symbolic link."""
    parts = PurePosixPath(relative).parts
    if PurePosixPath(relative).is_absolute() or ".." in parts or parts[0] in {".git", "work"}:
        raise PublishError(f"refusing to publish to {relative!r}")
    target = dest
    for part in parts:
        target = target / part
        if target.is_symlink():
            raise PublishError(f"{target} is a symbolic link: refusing to write through it")
    return target


def write_files(dest: Path, files: dict[str, bytes]) -> list[str]:
    """Write what changed, remove what is no longer published; untracked files are never touched.

    Returns the paths that changed.
    """
    previously = set(_tracked(dest))
    untracked = set(_git(dest, "ls-files", "-z", "--others").decode(errors="surrogateescape").split("\0")) - {""}
    collisions = sorted(set(files) & untracked)
    if collisions:
        raise PublishError(f"{dest} has files that are not in its history where the edition would write: "
                           f"{', '.join(collisions[:5])}; move them away first")
    changed = []
    for relative in sorted(previously - set(files)):
        target = _safe_target(dest, relative)
        if target.exists() or target.is_symlink():
            target.unlink()
        changed.append(relative)
    for relative, content in sorted(files.items()):
        target = _safe_target(dest, relative)
        if target.is_file() and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        changed.append(relative)
    if changed:
        _git(dest, "add", "--all", "--pathspec-from-file=-", "--pathspec-file-nul",
             input_bytes="\0".join(changed).encode("utf-8", errors="surrogateescape"))
    return changed


def commit(dest: Path, root: Path, course_commit: str) -> bool:
    """One commit naming the course commit; False when nothing changed."""
    if subprocess.run(["git", "-C", str(dest), "diff", "--cached", "--quiet"]).returncode == 0:
        return False
    identity = []
    for key, fallback in (("user.name", "Course publisher"), ("user.email", "publisher@localhost")):
        configured = subprocess.run(["git", "-C", str(root), "config", key], capture_output=True, text=True).stdout.strip()
        identity += ["-c", f"{key}={configured or fallback}"]
    _git(dest, *identity, "commit", "--quiet", "-m", f"Publish the student edition from course commit {course_commit}")
    return True


def released_through(course: Course, last: str | None) -> Course:
    """The course with its notebooks up to ``last`` (an assignment id, included); all of them when None.

    Real classes release one notebook at a time: a later notebook may show an earlier one's answer.
    """
    if last is None:
        return course
    ids = [a.id for a in course.assignments]
    if last not in ids:
        raise PublishError(f"--through {last!r} is not an assignment of course/course.toml; known: {', '.join(ids)}")
    return dataclasses.replace(course, assignments=course.assignments[:ids.index(last) + 1])


def publish(course: Course, dest: Path, root: Path = REPO_ROOT, through: str | None = None) -> tuple[list[str], bool]:
    """Write or update the student edition at ``dest``; return (changed paths, whether a commit was made).

    ``through``: publish the notebooks up to this assignment id only (default: all).
    """
    course_commit = source_commit(root)
    files = collect_files(released_through(course, through), root)
    leaks = scan(set(files), list(files.values()), root)
    if leaks:
        raise PublishError("the edition would leak; nothing was written:\n" + "\n".join(leaks[:20]))
    check_destination(dest, root, course.branch)
    changed = write_files(dest, files)
    return changed, commit(dest, root, course_commit)


# --- The leak check -----------------------------------------------------------------------------


def _course_checker(root: Path):
    """The course's own leak checker (``.ci/course_check.py``), which decides what a secret line is."""
    spec = importlib.util.spec_from_file_location("course_check", root / ".ci" / "course_check.py")
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    return checker


def secret_lines(root: Path) -> tuple[set[str], set[str]]:
    """(solution lines, hidden-test lines) of every source notebook."""
    checker = _course_checker(root)
    hidden_only = _course_checker(root)
    hidden_only.MARKERS = checker.MARKERS[1:]  # the hidden-test markers alone
    notebooks = sorted((root / "source").glob("*/*.ipynb"))
    every = set().union(*(checker.secret_lines(p) for p in notebooks))
    hidden = set().union(*(hidden_only.secret_lines(p) for p in notebooks))
    return every - hidden, hidden & every


def known_overlaps() -> dict[str, str]:
    """Reviewed solution lines the edition may hold (``student_edition/known_overlaps.txt``): line -> reason."""
    allowed = {}
    for raw in (TEMPLATES / "known_overlaps.txt").read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            line, _, reason = raw.partition("  # ")
            allowed[line.strip()] = reason.strip()
    return allowed


def _instructor_only(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and (parts[0] in INSTRUCTOR_ONLY_TOP or any(p in GRADING_OUTPUT_NAMES for p in parts))


def _history(dest: Path) -> tuple[set[str], list[bytes]]:
    """Every path and every file content ever committed in ``dest``, plus the files on disk that git sees."""
    paths = set(_git(dest, "log", "--all", "--format=", "--name-only", "-z").decode(errors="replace").split("\0"))
    objects = _git(dest, "rev-list", "--all", "--objects").decode(errors="replace").split()
    blobs = []
    if objects:
        kinds = _git(dest, "cat-file", "--batch-check=%(objectname) %(objecttype)",
                     input_bytes="\n".join(objects).encode()).decode().split("\n")
        wanted = [line.split()[0] for line in kinds if line.endswith(" blob")]
        batch = _git(dest, "cat-file", "--batch", input_bytes="\n".join(wanted).encode())
        while batch:
            header, _, rest = batch.partition(b"\n")
            size = int(header.split()[2])
            blobs.append(rest[:size])
            batch = rest[size + 1:]
    on_disk = set(_tracked(dest)) | set(_git(dest, "ls-files", "-z", "--others", "--exclude-standard")
                                        .decode(errors="replace").split("\0"))
    for relative in on_disk - {""}:
        paths.add(relative)
        if (dest / relative).is_file():
            blobs.append((dest / relative).read_bytes())
    return paths - {""}, blobs


def scan(paths: set[str], blobs: list[bytes], root: Path = REPO_ROOT) -> list[str]:
    """Every instructor-only path among ``paths``, and every hidden-test line or unreviewed solution line in ``blobs``."""
    findings = [f"instructor-only file in the edition: {p}" for p in sorted(paths) if _instructor_only(p)]
    texts = [blob.decode("utf-8", errors="replace") for blob in blobs]
    solutions, hidden = secret_lines(root)
    allowed = known_overlaps()
    checked = sorted(hidden) + sorted(solutions - set(allowed))
    for line in checked:
        escaped = json.dumps(line)[1:-1]  # as it is written inside a notebook's JSON
        if any(line in text or escaped in text for text in texts):
            kind = "hidden-test" if line in hidden else "solution"
            findings.append(f"{kind} line in the edition: {line}")
    return findings


def find_leaks(dest: Path, root: Path = REPO_ROOT) -> list[str]:
    """Every instructor-only path, solution line or hidden-test line in ``dest``'s tree or history."""
    return scan(*_history(dest), root)
