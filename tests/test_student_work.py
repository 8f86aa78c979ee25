"""Students never lose work: `make lab` copies release notebooks into work/ once and never touches a copy again."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A repository with the Makefile, the scripts and the committed release/ of the course."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy2(REPO_ROOT / "Makefile", root / "Makefile")
    shutil.copytree(REPO_ROOT / ".ci", root / ".ci")
    shutil.copytree(REPO_ROOT / "release", root / "release", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


def make_work(root: Path) -> str:
    """The lab build step of `make lab` (its `work` prerequisite), with this Python."""
    result = subprocess.run(["make", "--no-print-directory", "work", f"PYTHON={sys.executable}"], cwd=root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def release_ids(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "release").iterdir() if p.is_dir())


def test_an_edited_notebook_survives_the_lab_build_step_and_course_updates(course_copy):
    first = release_ids(course_copy)[0]
    copy = course_copy / "work" / first / f"{first}.ipynb"
    output = make_work(course_copy)
    assert copy.is_file() and f"created work/{first}/{first}.ipynb" in output
    for assignment in release_ids(course_copy):  # every release notebook got its copy
        assert (course_copy / "work" / assignment / f"{assignment}.ipynb").is_file()

    # The student works: an answer, and a Jupyter checkpoint.
    notebook = nbformat.read(copy, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("my_answer = 42  # written by the student"))
    nbformat.write(notebook, copy)
    checkpoint = copy.parent / ".ipynb_checkpoints" / f"{first}-checkpoint.ipynb"
    checkpoint.parent.mkdir()
    shutil.copy2(copy, checkpoint)
    edited = copy.read_bytes()

    # The lab build step again; then a course update changes that notebook and adds a new one.
    make_work(course_copy)
    assert copy.read_bytes() == edited and checkpoint.is_file()
    release_notebook = course_copy / "release" / first / f"{first}.ipynb"
    updated = nbformat.read(release_notebook, as_version=4)
    updated.cells.append(nbformat.v4.new_markdown_cell("A correction from the instructor."))
    nbformat.write(updated, release_notebook)
    shutil.copytree(course_copy / "release" / first, course_copy / "release" / "99_new_notebook")
    (course_copy / "release" / "99_new_notebook" / f"{first}.ipynb").rename(
        course_copy / "release" / "99_new_notebook" / "99_new_notebook.ipynb")
    output = make_work(course_copy)

    assert copy.read_bytes() == edited and checkpoint.is_file(), "make lab changed a student's notebook"
    assert (course_copy / "work" / "99_new_notebook" / "99_new_notebook.ipynb").is_file(), "a new notebook gets its copy"
    assert f"release/{first}/{first}.ipynb has changed since your copy was made" in output
    assert "rename yours" in output

    # Renaming their copy is how a student gets a fresh one; the renamed file stays.
    copy.rename(copy.with_name(f"{first}-mine.ipynb"))
    make_work(course_copy)
    assert copy.with_name(f"{first}-mine.ipynb").read_bytes() == edited
    assert json.loads(copy.read_text()) == json.loads(release_notebook.read_text())


def test_make_lab_no_longer_rebuilds_the_release():
    """`make lab` = install + work/ copies + JupyterLab; regenerating release/ is the instructor's `make release`."""
    dry = subprocess.run(["make", "-n", "lab"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    assert "autograder release" not in dry and "student_work.py" in dry
    assert "preferred_dir=work" in dry


def test_work_is_git_ignored():
    result = subprocess.run(["git", "check-ignore", "-q", "work/01_linear_regression/01_linear_regression.ipynb"],
                            cwd=REPO_ROOT)
    assert result.returncode == 0, "work/ must be git-ignored so that `git pull` never touches students' copies"


def test_make_clean_leaves_work_alone():
    dry = subprocess.run(["make", "-n", "clean"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    touched = [line for line in dry.splitlines() if re.search(r"(^|[\s/'\"])work(/|\s|$)", line)]
    assert not touched, f"`make clean` would touch work/: {touched}"
