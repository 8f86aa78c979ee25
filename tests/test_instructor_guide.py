"""Every command of README's Instructor guide works as written.

The commands are read from the guide itself (its ```bash blocks and the inline `make ...`,
`python ...`, `git ...` commands of its text) and run in document order in a temporary copy of
the repository (the working tree, committed into a fresh git repository, using this checkout's
environment). A few are not run here, each for a stated reason; a command that no rule below
knows fails the test, so a new command in the guide must be classified (and then works or fails).
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import COURSE, REPO_ROOT

NOT_RUN = {
    r"^make .*NN_slug": "NN_slug stands for the instructor's notebook id",
    r"^make lab( |$)": "starts a server; tests/test_student_work.py tests its build step",
    r"^make test( |$)": "the whole suite: what CI runs",
    r"^make venv$": "installs the environment: .ci/run (CI) runs it on a fresh clone",
    r"^\. \.venv/bin/activate$": "changes the calling shell only",
    r"^make timings( |$)": "executes every notebook: minutes; prints the README's timings",
    r"^make lock$": "re-pins from PyPI; tests/test_pins.py checks the result",
    r"^python3? -m autograder roster ": "needs the platform's export; tests/grader/grading/test_semester.py builds "
                                        "rosters from a Canvas gradebook export and a Moodle worksheet with it",
    r"--shard \d+/\d+|^python3? -m autograder merge ": "sharding example, shards run on other machines; "
                                                         "tests/grader/grading/test_grade.py grades shards and merges them",
}
RUN = [
    r"^make (check|release|readme|install-url|work|help|publish)( |$)",
    r"^make release readme$",
    r"^python3? \.ci/course_check\.py( |$)",
    r"^python3? -m autograder (release|readme|grade|export)( |$)",
    r"^git (add|commit) ",
    r"^nbgrader export ",
]


def guide_text() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Instructor guide")
    end = readme.find("\n## ", start + 1)
    return readme[start:end if end != -1 else None]


def guide_commands(text: str) -> list[str]:
    """Shell commands of the guide, in order, each once: lines of ```bash blocks, `make ...` and `nbgrader ...` in the prose.

    Other inline code in the prose (``python -m autograder grade``) names a command rather than
    giving one to run.
    """
    commands = []
    for match in re.finditer(r"```bash\n(.*?)```|`((?:make|nbgrader) [^`]+)`", text, re.S):
        lines = match.group(1).splitlines() if match.group(1) is not None else [" ".join(match.group(2).split())]
        for line in lines:
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#") and line not in commands:
                commands.append(line)
    return commands


def classify(command: str) -> str | None:
    """'run', or the reason it is not run here; None when no rule knows the command."""
    for pattern, reason in NOT_RUN.items():
        if re.search(pattern, command):
            return reason
    for part in re.split(r"\s*&&\s*", command):
        if not any(re.search(pattern, part) for pattern in RUN):
            return None
    return "run"


def test_every_command_of_the_guide_is_known():
    commands = guide_commands(guide_text())
    assert any(c.startswith("make check NB=") for c in commands), "the guide offers the quick check"
    unknown = [c for c in commands if classify(c) is None]
    assert not unknown, f"add these guide commands to tests/test_instructor_guide.py (RUN or NOT_RUN): {unknown}"


def test_the_guide_names_no_path_outside_the_repository():
    text = guide_text()
    assert "../shared" not in text, "a clone has no ../shared: use the vendored .ci/course_check.py"
    assert "tests/test_course.py prints" not in text.replace("`", "")


@pytest.fixture(scope="module")
def copy_of_the_repository():
    """The working tree in a fresh git repository, with this checkout's environment linked in.

    It lives in the repository's git-ignored .cache/, not under /tmp: the grader's sandbox mounts
    its own /tmp, which would hide an environment linked from there.
    """
    (REPO_ROOT / ".cache").mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="guide-", dir=REPO_ROOT / ".cache"))
    root = scratch / "course"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)  # keeps mtimes: make sees nothing newer than the venv
    stamp = REPO_ROOT / ".venv" / ".installed"
    inputs = [REPO_ROOT / "requirements.lock", REPO_ROOT / "utils" / "pyproject.toml"]
    if not stamp.is_file() or any(p.stat().st_mtime > stamp.stat().st_mtime for p in inputs):
        pytest.fail("the environment is older than requirements.lock: run `make venv` (`make test` does) first")
    (root / ".venv").symlink_to(REPO_ROOT / ".venv")  # copies keep their mtimes: make sees it up to date
    git = ["git", "-c", "user.name=Guide Test", "-c", "user.email=guide@example.invalid"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "copy"], cwd=root, check=True)
    yield root
    shutil.rmtree(scratch, ignore_errors=True)


def _prepare(command: str, root: Path) -> None:
    """What the guide has the instructor do before a command: an edit to commit, submissions to grade."""
    if command.startswith("git add "):
        with open(root / "course" / "course.toml", "a") as handle:
            handle.write("# an edit to commit\n")
    words = shlex.split(command)
    if words[:4] == ["python", "-m", "autograder", "grade"] or words[:4] == ["python3", "-m", "autograder", "grade"]:
        assignment = COURSE.assignment(words[words.index("--assignment") + 1])
        folder = root / words[4]
        for student in ("alice", "bob"):
            (folder / student).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(assignment.release_path(root), folder / student / assignment.notebook)


def test_the_guide_commands_run_as_written(copy_of_the_repository):
    root = copy_of_the_repository
    environment = dict(os.environ, GIT_AUTHOR_NAME="Guide Test", GIT_AUTHOR_EMAIL="guide@example.invalid",
                       GIT_COMMITTER_NAME="Guide Test", GIT_COMMITTER_EMAIL="guide@example.invalid")
    environment["PATH"] = f"{root / '.venv' / 'bin'}{os.pathsep}{environment['PATH']}"  # `. .venv/bin/activate`
    environment.pop("PYTHONPATH", None)
    ran = []
    for command in guide_commands(guide_text()):
        if classify(command) != "run":
            continue
        targets = command.split()[1:] if command.startswith("make ") else []
        if len(targets) > 1 and all(f"make {target}" in dict(ran) for target in targets):
            continue  # e.g. `make release readme`: each target has run as written above
        _prepare(command, root)
        result = subprocess.run(command, shell=True, cwd=root, env=environment, capture_output=True, text=True,
                                timeout=900)
        assert result.returncode == 0, f"`{command}` failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        ran.append((command, result.stdout))
    outputs = dict(ran)
    assert any(c.startswith("make check NB=") for c in outputs)
    url = next((out for c, out in ran if c == "make install-url"), None)
    if url is not None:
        assert url.strip() == COURSE.package_pip_spec()
    # Grading inputs and outputs stay out of git (whether release/ is in sync is tests/grader/authoring/test_release.py's job).
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True).stdout
    assert not [line for line in status.splitlines() if not line[3:].startswith(("release/", "README.md"))], status
    for command, _ in ran:
        if " grade " in command:
            out = root / shlex.split(command)[shlex.split(command).index("--out") + 1]
            with open(out / "grades.csv", newline="") as handle:
                assert len(list(csv.DictReader(handle))) == 2


def test_vendored_course_check_runs_without_the_shared_folder(tmp_path):
    """A clone has only .ci/course_check.py; it must work on its own (stdlib only)."""
    result = subprocess.run([sys.executable, "-I", str(REPO_ROOT / ".ci" / "course_check.py"), str(REPO_ROOT)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert "source notebooks" in result.stdout, result.stdout + result.stderr
