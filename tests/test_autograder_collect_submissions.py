"""Finding every submitted file, its student and its notebook, in a folder or a .zip."""

import zipfile
from pathlib import Path, PurePosixPath

import pytest

from autograder.run_state import RunState
from autograder.settings import GradingSettings
from autograder.steps.collect_submissions import CollectSubmissions, identify, normalize_notebook_name
from autograder.template import AssignmentTemplate, NotebookTemplate
from tests.conftest import COURSE

ASSIGNMENT = COURSE.assignment("01_linear_regression")
STEMS = ["01_linear_regression"]


@pytest.mark.parametrize("name", [
    "01_linear_regression.ipynb", "01_linear_regression (1).ipynb", "Copy of 01_linear_regression.ipynb",
    "Copy of 01_linear_regression (2).ipynb", "01_linear_regression-checkpoint.ipynb",
])
def test_renamed_downloads_normalize_to_the_notebook_name(name):
    assert normalize_notebook_name(name) == "01_linear_regression"


@pytest.mark.parametrize("path, student, notebook", [
    ("alice/01_linear_regression.ipynb", "alice", "01_linear_regression"),
    ("alice/Copy of 01_linear_regression (1).ipynb", "alice", "01_linear_regression"),
    ("bob_smith_01_linear_regression.ipynb", "bob_smith", "01_linear_regression"),
    ("carol_01_linear_regression (3).ipynb", "carol", "01_linear_regression"),
    ("dave_Copy of 01_linear_regression.ipynb", "dave", "01_linear_regression"),
    ("erin/notes.txt", "erin", None),
    ("frank notes.pdf", "frank_notes", None),
])
def test_student_and_notebook_come_from_the_path(path, student, notebook):
    assert identify(PurePosixPath(path), STEMS) == (student, notebook)


def collect(path: Path, scratch: Path) -> list:
    template = AssignmentTemplate(ASSIGNMENT.id, {ASSIGNMENT.notebook: NotebookTemplate(ASSIGNMENT.notebook, ())})
    state = RunState(assignment=ASSIGNMENT, submissions_path=path, out=scratch / "out", settings=GradingSettings(),
                     template=template, scratch=scratch)
    CollectSubmissions().run(state)
    return state.submissions


def test_zip_with_a_wrapping_folder_keeps_every_file(tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("batch/alice/01_linear_regression.ipynb", "{}")
        bundle.writestr("batch/bob/readme.md", "hi")
        bundle.writestr("batch/../../evil/01_linear_regression.ipynb", "{}")
        bundle.writestr("__MACOSX/batch/._alice", "")
    found = collect(archive, tmp_path / "scratch")
    assert sorted((s.student_id, s.label) for s in found) == [
        ("alice", "01_linear_regression.ipynb"), ("bob", "bob/readme.md"), ("evil", "01_linear_regression.ipynb")]
    assert all(str(s.path).startswith(str(tmp_path / "scratch")) for s in found)


def test_two_copies_of_one_notebook_are_both_kept_and_the_plain_name_is_recorded(tmp_path):
    folder = tmp_path / "subs" / "alice"
    folder.mkdir(parents=True)
    (folder / "01_linear_regression (1).ipynb").write_text("{}")
    (folder / "01_linear_regression.ipynb").write_text("{}")
    found = collect(tmp_path / "subs", tmp_path / "scratch")
    assert [(s.original_name, s.primary) for s in found] == [
        ("alice/01_linear_regression.ipynb", True), ("alice/01_linear_regression (1).ipynb", False)]
    assert len({s.output_stem for s in found}) == 2


def test_missing_submissions_folder_says_what_to_pass(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder or .zip"):
        collect(tmp_path / "nowhere", tmp_path)
