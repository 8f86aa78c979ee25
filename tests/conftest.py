"""Shared fixtures: the course definition and notebook readers."""

from pathlib import Path

import nbformat
import pytest

from autograder.authoring.course import REPO_ROOT, load_course

COURSE = load_course()


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook as nbformat v4."""
    return nbformat.read(path, as_version=4)


def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata, or an empty dict."""
    return cell.get("metadata", {}).get("nbgrader", {})


@pytest.fixture(scope="session")
def course():
    return COURSE


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
