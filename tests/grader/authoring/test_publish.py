"""The student edition (`python -m autograder publish`): what students get, and proof that nothing leaks.

The edition is built from a committed copy of this working tree into a temporary folder, then:
its tree and git history hold no solution line, hidden-test line or instructor-only file; a planted
leak of each kind is caught; publishing again commits only what changed and never touches a
student's work/; `make lab` there starts a JupyterLab rooted in work/ without nbgrader's instructor
UI; every Colab link points to the student repository. tests/test_colab.py runs the edition's setup
cell on a Colab-like environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from autograder.authoring import publish as publishing
from tests.conftest import COURSE, REPO_ROOT

pytestmark = pytest.mark.xdist_group("publish")

COPIED = ["release", "utils", "source", ".ci", "course", ".jupyter", "Makefile", "requirements.lock",
          "requirements-light.lock", "environment.yml", "README.md"]
IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *IDENTITY, *args], check=True, capture_output=True,
                          text=True).stdout


def make_course_copy(target: Path) -> Path:
    """A committed git repository holding this working tree's files that publishing reads."""
    listed = subprocess.run(["git", "-C", str(REPO_ROOT), "ls-files", "-co", "--exclude-standard", "-z", "--", *COPIED],
                            check=True, capture_output=True, text=True).stdout.split("\0")
    for relative in filter(None, listed):
        if (REPO_ROOT / relative).is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / relative, target / relative)
    _git(target, "init", "--quiet")
    _git(target, "add", "--all")
    _git(target, "commit", "--quiet", "-m", "course")
    return target


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory) -> Path:
    return make_course_copy(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="module")
def edition(course_copy, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("edition") / "course-students"
    publishing.publish(COURSE, dest, course_copy)
    return dest


def test_the_edition_holds_what_students_need_and_nothing_else(edition):
    files = set(_git(edition, "ls-files").split())
    for assignment in COURSE.assignments:
        assert f"release/{assignment.id}/{assignment.notebook}" in files
    assert {"README.md", "Makefile", "requirements.lock", "requirements-light.lock", "environment.yml",
            "utils/pyproject.toml", "utils/dlcourse/checks.py", "tools/student_work.py", "tools/check_work.py",
            ".jupyter/labconfig/page_config.json", ".gitignore"} <= files
    assert not [f for f in files if f.split("/")[0] in {"source", "autograder", "tests", "bench", "docs", ".ci"}]
    targets = set(re.findall(r"^([a-z-]+):", (edition / "Makefile").read_text(), re.M))
    assert {"lab", "check-work"} <= targets and "test" not in targets and "apt-get" not in (edition / "Makefile").read_text()


def test_the_leak_check_finds_nothing_in_the_edition(edition, course_copy):
    assert publishing.find_leaks(edition, course_copy) == []


def test_one_commit_per_publish_names_the_course_commit(edition, course_copy):
    log = _git(edition, "log", "--format=%s").splitlines()
    head = _git(course_copy, "rev-parse", "HEAD").strip()
    assert log == [f"Publish the student edition from course commit {head}"]


@pytest.mark.parametrize("where, kind", [("release/01_linear_regression", "solution"), ("utils", "hidden-test")])
def test_a_planted_leak_stops_publishing_before_anything_is_written(course_copy, tmp_path, where, kind):
    solutions, hidden = publishing.secret_lines(course_copy)
    secret = sorted((solutions - set(publishing.known_overlaps())) if kind == "solution" else hidden,
                    key=len)[-1]  # a long, specific line
    leaking = course_copy / where / "LEAK.md"
    leaking.write_text(f"notes\n{secret}\n")
    _git(course_copy, "add", "--all")
    _git(course_copy, "commit", "--quiet", "-m", "leak")
    try:
        dest = tmp_path / "edition"
        with pytest.raises(publishing.PublishError, match=f"{kind} line in the edition: {re.escape(secret)}"):
            publishing.publish(COURSE, dest, course_copy)
        assert not dest.exists()
    finally:
        leaking.unlink()
        _git(course_copy, "add", "--all")
        _git(course_copy, "commit", "--quiet", "-m", "unleak")


def test_a_leak_in_the_editions_history_is_found_after_the_file_is_gone(course_copy, tmp_path):
    dest = tmp_path / "edition"
    publishing.publish(COURSE, dest, course_copy)
    _, hidden = publishing.secret_lines(course_copy)
    secret = sorted(hidden, key=len)[-1]
    (dest / "notes.txt").write_text(secret + "\n")
    _git(dest, "add", "notes.txt")
    _git(dest, "commit", "--quiet", "-m", "oops")
    _git(dest, "rm", "--quiet", "notes.txt")
    _git(dest, "commit", "--quiet", "-m", "remove")
    (dest / "source").mkdir()
    (dest / "source" / "seed").write_text("secret")  # untracked, but in the tree a student would see
    findings = publishing.find_leaks(dest, course_copy)
    assert f"hidden-test line in the edition: {secret}" in findings
    assert "instructor-only file in the edition: source/seed" in findings


def test_publishing_again_changes_only_what_changed_and_never_touches_work(course_copy, tmp_path):
    dest = tmp_path / "edition"
    publishing.publish(COURSE, dest, course_copy)
    own = dest / "work" / "01_linear_regression" / "01_linear_regression.ipynb"
    own.parent.mkdir(parents=True)
    own.write_text("my answers")
    (dest / "my-notes.txt").write_text("mine")
    changed, committed = publishing.publish(COURSE, dest, course_copy)
    assert (changed, committed) == ([], False)
    readme = course_copy / "utils" / "README.md"
    readme.write_text(readme.read_text() + "\nOne more line.\n")
    _git(course_copy, "commit", "--quiet", "-am", "utils README")
    changed, committed = publishing.publish(COURSE, dest, course_copy)
    assert (changed, committed) == (["utils/README.md"], True)
    assert _git(dest, "show", "--stat", "--format=", "HEAD").split()[0] == "utils/README.md"
    assert own.read_text() == "my answers" and (dest / "my-notes.txt").read_text() == "mine"
    assert len(_git(dest, "log", "--format=%H").split()) == 2


@pytest.mark.parametrize("prepare, message", [
    (lambda d: (d / "thesis.tex").write_text("x"), "not empty and is not a git repository"),
    (lambda d: (subprocess.run(["git", "init", "-q", str(d)], check=True), (d / "a").write_text("x"),
                _git(d, "add", "a"), _git(d, "commit", "-qm", "other")), "not a student edition"),
])
def test_publish_refuses_a_folder_that_is_not_a_student_edition(course_copy, tmp_path, prepare, message):
    dest = tmp_path / "dest"
    dest.mkdir()
    prepare(dest)
    before = sorted(p.name for p in dest.iterdir())
    with pytest.raises(publishing.PublishError, match=message):
        publishing.publish(COURSE, dest, course_copy)
    assert sorted(p.name for p in dest.iterdir()) == before


def test_publish_refuses_to_overwrite_an_edit_to_a_published_file(course_copy, tmp_path):
    dest = tmp_path / "edition"
    publishing.publish(COURSE, dest, course_copy)
    (dest / "README.md").write_text("edited by hand")
    with pytest.raises(publishing.PublishError, match="would be lost"):
        publishing.publish(COURSE, dest, course_copy)
    assert (dest / "README.md").read_text() == "edited by hand"


def test_publish_refuses_uncommitted_course_changes(course_copy, tmp_path):
    notebook = course_copy / "release" / "01_linear_regression" / "01_linear_regression.ipynb"
    original = notebook.read_bytes()
    notebook.write_bytes(original + b"\n")
    try:
        with pytest.raises(publishing.PublishError, match="commit these changes first"):
            publishing.publish(COURSE, tmp_path / "edition", course_copy)
    finally:
        notebook.write_bytes(original)


def test_every_colab_link_points_to_the_student_repository(edition):
    slug = COURSE.student_repository.removeprefix("https://github.com/")
    texts = {p: p.read_text(encoding="utf-8") for p in edition.rglob("*") if p.is_file() and ".git" not in p.parts}
    links = [link for text in texts.values() for link in re.findall(r"https://colab\.research\.google\.com/github/[^)\s\"]+", text)]
    assert len(links) == len(COURSE.assignments)
    assert all(link.startswith(f"https://colab.research.google.com/github/{slug}/blob/{COURSE.branch}/release/") for link in links)
    for link in links:  # each opens a notebook that is in the edition
        assert (edition / link.split(f"/blob/{COURSE.branch}/", 1)[1]).is_file()
    private = [p for p, text in texts.items() if re.search(re.escape(COURSE.repository) + r"(?![-\w])", text)]
    assert not private, f"the instructor repository is named in {private}"


# --- JupyterLab, as a student and as an instructor ------------------------------------------------


def _lab(folder: Path) -> tuple[subprocess.Popen, str]:
    """Start `make lab` in ``folder`` with this checkout's environment; return (process, base URL with token)."""
    venv = Path(sys.executable).parent.parent
    for name in ("requirements.lock", "requirements-light.lock", "utils/pyproject.toml"):
        os.utime(folder / name, (946684800, 946684800))  # older than the environment: make installs nothing
    process = subprocess.Popen(["make", "lab", f"VENV={venv}"], cwd=folder, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline, seen = time.monotonic() + 120, []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        match = re.search(r"(http://127\.0\.0\.1:\d+/)lab\?token=(\w+)", line)
        if match:
            return process, match.group(1), match.group(2)
        if not line and process.poll() is not None:
            break
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("JupyterLab did not start:\n" + "".join(seen[-40:]))


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def _lab_state(folder: Path) -> dict:
    process, base, token = _lab(folder)
    try:
        for _ in range(60):  # the URL is printed a moment before the server listens
            try:
                _get(f"{base}api/status?token={token}")
                break
            except urllib.error.URLError:
                time.sleep(0.5)
        _, page = _get(f"{base}lab?token={token}")
        config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S).group(1))
        _, listing = _get(f"{base}api/contents/?token={token}")
        return {"disabled": set(config["disabledExtensions"]), "root": config["serverRoot"],
                "top": sorted(item["name"] for item in json.loads(listing)["content"]),
                "formgrader": _get(f"{base}formgrader?token={token}")[0],
                "assignments": _get(f"{base}assignments?token={token}")[0]}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


NBGRADER = "@jupyter/nbgrader:"


def test_the_students_jupyterlab_has_no_instructor_ui_and_opens_in_work(edition):
    state = _lab_state(edition)
    assert (edition / "work" / "01_linear_regression" / "01_linear_regression.ipynb").is_file()
    assert Path(state["root"]) == edition / "work"
    assert state["top"] == sorted(a.id for a in COURSE.assignments)
    assert {NBGRADER + p for p in ("formgrader", "create-assignment", "assignment-list", "course-list", "menu")} <= state["disabled"]
    assert state["formgrader"] == 404 and state["assignments"] == 404


def test_the_instructors_jupyterlab_keeps_create_assignment_and_drops_what_only_shows_errors(course_copy):
    state = _lab_state(course_copy)
    assert {NBGRADER + p for p in ("assignment-list", "course-list", "menu", "formgrader")} <= state["disabled"]
    assert NBGRADER + "create-assignment" not in state["disabled"]
    assert "source" in state["top"] and state["assignments"] == 404


def test_notebooks_are_released_one_at_a_time_with_through(course_copy, tmp_path):
    dest = tmp_path / "edition"
    publishing.publish(COURSE, dest, course_copy, through="02_logistic_regression")
    released = sorted(p.name for p in (dest / "release").iterdir())
    assert released == ["01_linear_regression", "02_logistic_regression"]
    readme = (dest / "README.md").read_text()
    assert "03_backpropagation" not in readme and readme.count("colab.research.google.com/github/") == 2
    changed, _ = publishing.publish(COURSE, dest, course_copy, through="03_backpropagation")
    assert "release/03_backpropagation/03_backpropagation.ipynb" in changed and "README.md" in changed
    assert not [p for p in changed if p.startswith(("release/01", "release/02", "utils/"))]
    with pytest.raises(publishing.PublishError, match="'3' is not an assignment"):
        publishing.publish(COURSE, dest, course_copy, through="3")


def test_the_student_makefile_installs_exactly_as_this_one_does():
    """The edition's Makefile repeats the install recipes (it must stand alone): they may not drift apart."""

    def recipes(text: str) -> dict[str, str]:
        blocks = re.findall(r"^(\$\((?:STAMP|LIGHT_STAMP)\)):.*\n((?:\t.*\n)+)", text, re.M)
        return dict(blocks)

    ours = recipes((REPO_ROOT / "Makefile").read_text())
    theirs = recipes((REPO_ROOT / "autograder" / "authoring" / "student_edition" / "Makefile").read_text())
    assert set(ours) == {"$(STAMP)", "$(LIGHT_STAMP)"} and ours.keys() == theirs.keys()
    for target, recipe in ours.items():
        assert [l for l in theirs[target].splitlines() if not l.startswith("\t@echo")] == \
            [l for l in recipe.splitlines() if not l.startswith("\t@echo")], target
