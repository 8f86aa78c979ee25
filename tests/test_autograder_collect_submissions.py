"""Finding every submitted file, its student and its notebook, in a folder or a .zip."""

import zipfile
from pathlib import Path, PurePosixPath

import pytest

from autograder.run_state import RunState
from autograder.settings import GradingSettings
from autograder.steps import collect_submissions
from autograder.steps.collect_submissions import CollectSubmissions, distinct_ids, identify, normalize_notebook_name
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


def test_student_ids_that_clean_to_the_same_name_stay_distinct():
    ids = distinct_ids({"a_b", "a b", "a/b", "x" * 100, "plain"})
    assert ids["a_b"] == "a_b" and ids["plain"] == "plain"
    assert len(set(ids.values())) == 5
    assert all(len(i) <= 64 and i.replace("-", "_").replace("_", "").isalnum() for i in ids.values())


def test_zip_members_of_students_whose_names_collide_get_different_ids(tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("ann lee/01_linear_regression.ipynb", "{}")
        bundle.writestr("ann_lee/01_linear_regression.ipynb", "{}")
        bundle.writestr("ann\x1b[2Jlee/01_linear_regression.ipynb", "{}")
    found = collect(archive, tmp_path / "scratch")
    assert len({s.student_id for s in found}) == 3 and all(s.primary for s in found)
    assert "ann_lee" in {s.student_id for s in found}


def test_zip_bomb_members_are_not_extracted_but_listed_with_the_reason(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("mallory/01_linear_regression.ipynb", b"\0" * (20 * 2**20))
        bundle.writestr("alice/01_linear_regression.ipynb", "{}")
    found = {s.student_id: s for s in collect(archive, tmp_path / "scratch")}
    assert "zip bomb" in found["mallory"].problem and found["mallory"].path.stat().st_size == 0
    assert found["alice"].problem == "" and found["alice"].path.read_text() == "{}"


def test_members_past_the_size_limits_are_cut_off_while_extracting(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_submissions, "MAX_MEMBER_BYTES", 1000)
    monkeypatch.setattr(collect_submissions, "MAX_ZIP_BYTES", 1500)
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w") as bundle:  # stored: no ratio to give it away
        bundle.writestr("a/01_linear_regression.ipynb", b"x" * 2000)
        bundle.writestr("b/01_linear_regression.ipynb", b"y" * 900)
        bundle.writestr("c/01_linear_regression.ipynb", b"z" * 900)
    found = {s.student_id: s for s in collect(archive, tmp_path / "scratch")}
    assert "limit per file" in found["a"].problem and found["a"].path.stat().st_size == 0
    assert found["b"].problem == "" and found["b"].path.stat().st_size == 900
    assert "grader extracts from one archive" in found["c"].problem


def test_archives_with_too_many_members_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_submissions, "MAX_ZIP_MEMBERS", 3)
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for i in range(4):
            bundle.writestr(f"s{i}/01_linear_regression.ipynb", "{}")
    with pytest.raises(ValueError, match="holds 4 files"):
        collect(archive, tmp_path / "scratch")


def test_symbolic_links_in_a_folder_become_error_rows_and_are_not_followed(tmp_path):
    folder = tmp_path / "subs" / "eve"
    folder.mkdir(parents=True)
    (folder / "01_linear_regression.ipynb").symlink_to("/etc/hostname")
    found = collect(tmp_path / "subs", tmp_path / "scratch")
    assert len(found) == 1 and "symbolic link" in found[0].problem
