"""release/ is generated from source/ and leaks nothing."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.authoring.release import generate_release
from tests.conftest import COURSE, REPO_ROOT, nbgrader_meta, read_notebook

ASSIGNMENTS = [pytest.param(a, id=a.id) for a in COURSE.assignments]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_in_sync_with_source(assignment, tmp_path):
    fresh = generate_release(assignment, destination=tmp_path)
    committed = assignment.release_path()
    assert json.loads(fresh.read_text()) == json.loads(committed.read_text()), (
        f"release/{assignment.id} is out of date with source/: run `make release` and commit")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_stubs_instead_of_solutions(assignment):
    notebook = read_notebook(assignment.release_path())
    solutions = [c for c in notebook.cells if nbgrader_meta(c).get("solution")]
    assert solutions and all("raise NotImplementedError()" in c.source for c in solutions)
    assert not any("BEGIN SOLUTION" in c.source or "BEGIN HIDDEN TESTS" in c.source for c in notebook.cells)


def _course_check() -> Path:
    """The shared checker when this checkout sits beside shared/, else the vendored copy."""
    shared = REPO_ROOT.parent / "shared" / "tools" / "course_check.py"
    return shared if shared.is_file() else REPO_ROOT / ".ci" / "course_check.py"


def test_course_check_passes():
    result = subprocess.run([sys.executable, str(_course_check()), str(REPO_ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(COURSE.assignments)} source notebooks, 0 problems" in result.stdout


def test_vendored_course_check_matches_the_shared_one():
    shared = REPO_ROOT.parent / "shared" / "tools" / "course_check.py"
    vendored = REPO_ROOT / ".ci" / "course_check.py"
    if shared.is_file():  # outside this workspace only the vendored copy exists
        assert shared.read_text() == vendored.read_text(), "copy ../shared/tools/course_check.py to .ci/"
    assert "leak" in vendored.read_text()
