"""Finding every submitted file, its student and its notebook, in a folder or a .zip."""

import os
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from autograder.execution.settings import GradingSettings
from autograder.grading.run_state import RunState
from autograder.grading.steps import collect_submissions
from autograder.grading.steps.collect_submissions import CollectSubmissions, assign_ids, identify, normalize_notebook_name
from autograder.grading.template import AssignmentTemplate, NotebookTemplate
from tests.attacks.catalog import flag_utf8_with_bad_bytes
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
    rows = sorted((s.student_id, s.label) for s in found)
    assert rows[:2] == [("alice", "01_linear_regression.ipynb"), ("bob", "bob/readme.md")], rows
    assert rows[2][0].startswith("invalid-name-") and rows[2][1] == "batch/../../evil/01_linear_regression.ipynb"
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
    keys = [("folder", raw) for raw in ("a_b", "a b", "a/b", "x" * 100, "plain")]
    ids, notes = assign_ids(keys)
    ids = {raw: cid for (_, raw), cid in ids.items()}
    assert ids["a_b"] == "a_b" and ids["plain"] == "plain"
    assert len(set(ids.values())) == 5 and len(notes) == 2
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


# --- names are data, never paths (issue: hostile names, zips and ids) -------------------------

NB = "01_linear_regression.ipynb"


def _zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members:
            bundle.writestr(name, data)
    return path


def test_traversal_and_absolute_members_get_rows_of_their_own_and_never_replace_a_student(tmp_path):
    archive = _zip(tmp_path / "class.zip", [
        (f"submissions/alice/{NB}", b"honest alice"),
        (f"submissions/bob/{NB}", b"honest bob"),
        (f"../alice/{NB}", b"attacker"),
        (f"/tmp/alice/{NB}", b"attacker"),
        (f"submissions/alice/../bob/{NB}", b"attacker"),
        (f"C:\\alice\\{NB}", b"attacker"),
    ])
    found = collect(archive, tmp_path / "scratch")
    assert len(found) == 6
    honest = {s.student_id: s for s in found if not s.problem}
    assert set(honest) == {"alice", "bob"}, [(s.student_id, s.problem) for s in found]
    assert honest["alice"].path.read_bytes() == b"honest alice" and honest["bob"].path.read_bytes() == b"honest bob"
    attackers = [s for s in found if s.problem]
    assert all(s.student_id.startswith("invalid-name-") and not s.primary and s.notebook is None for s in attackers)
    assert len({s.student_id for s in attackers}) == 4
    assert sum("outside the archive" in s.problem for s in attackers) == 2
    assert sum("absolute path" in s.problem for s in attackers) == 2
    assert not list((tmp_path / "scratch").rglob("alice")), "a member name became a path"


def test_a_second_member_of_the_same_name_is_an_error_row_and_the_first_is_graded(tmp_path):
    with zipfile.ZipFile(tmp_path / "dup.zip", "w") as bundle:
        bundle.writestr(f"alice/{NB}", b"first")
        with pytest.warns(UserWarning, match="Duplicate name"):
            bundle.writestr(f"alice/{NB}", b"second")
    found = collect(tmp_path / "dup.zip", tmp_path / "scratch")
    assert len(found) == 2
    first = next(s for s in found if s.student_id == "alice")
    assert first.path.read_bytes() == b"first" and first.primary and not first.problem
    second = next(s for s in found if s is not first)
    assert "appears twice" in second.problem and second.student_id != "alice" and not second.primary


def test_odd_zip_names_each_get_a_row_and_never_stop_the_run(tmp_path):
    members = [
        (f"alice/{NB}", b"honest"),
        ("x" * 300 + ".ipynb", b"long"),
        ("/".join(["d"] * 1100) + f"/{NB}", b"very deep"),
        ("/".join(["e"] * 20) + f"/{NB}", b"deep"),
        ("carol", b"a file where a folder is"),
        (f"carol/{NB}", b"honest carol"),
        (f"mallory/{NB}", b"x"),
    ]
    archive = _zip(tmp_path / "odd.zip", members)
    archive.write_bytes(flag_utf8_with_bad_bytes(archive.read_bytes(), f"mallory/{NB}".encode(),
                                                  b"mall\xffry/" + NB.encode()))
    found = collect(archive, tmp_path / "scratch")
    assert len(found) == 7, [(s.original_name[:40], s.problem[:60]) for s in found]
    problems = " | ".join(s.problem for s in found)
    assert "not valid UTF-8" in problems and "longer than 255 bytes" in problems and "nested more than" in problems
    good = {s.student_id: s.path.read_bytes() for s in found if not s.problem and s.notebook}
    assert good["alice"] == b"honest" and b"honest carol" in good.values()
    carols = [s for s in found if s.original_name.startswith("carol")]
    assert len({s.student_id for s in carols}) == 2, "a flat file and a folder of the same name share an id"


def test_odd_folder_names_each_get_a_row(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "alice" / NB).write_text("honest")
    weird = os.fsdecode(b"mall\xffry")
    (subs / weird).mkdir()
    (subs / weird / NB).write_text("x")
    (subs / os.fsdecode(b"n\xfe_" + NB.encode())).write_text("x")
    deep = subs / "deep"
    path = deep
    for _ in range(40):  # deeper than the grader reads; os.makedirs handles the long path
        path = path / "d"
    path.mkdir(parents=True)
    (path / NB).write_text("x")
    found = collect(subs, tmp_path / "scratch")
    assert len(found) == 4, [(s.original_name[:40], s.problem[:60]) for s in found]
    alice = next(s for s in found if s.student_id == "alice")
    assert not alice.problem and alice.primary
    assert sum("not valid UTF-8" in s.problem for s in found) == 2
    assert sum("nested more than" in s.problem for s in found) == 1
    assert not any("\udc80" <= ch <= "\udcff" for s in found for ch in s.original_name)  # shown as text


def test_ids_never_merge_across_layouts_or_with_a_hashed_id(tmp_path):
    subs = tmp_path / "subs"
    (subs / "bob").mkdir(parents=True)
    (subs / "bob" / NB).write_text("honest bob")
    (subs / f"bob-{NB}").write_text("attacker")  # flat name naming the same student
    (subs / "ann lee").mkdir()
    (subs / "ann lee" / NB).write_text("honest ann")
    (subs / "ann_lee").mkdir()
    (subs / "ann_lee" / NB).write_text("another ann")
    first = collect(subs, tmp_path / "scratch1")
    hashed = next(s.student_id for s in first if s.path.read_text() == "honest ann")
    assert hashed.startswith("ann_lee-")
    (subs / f"{hashed}_{NB}").write_text("attacker copying ann's hashed id")
    found = collect(subs, tmp_path / "scratch2")
    ids = [s.student_id for s in found]
    assert len(ids) == len(set(ids)) == 5, ids
    by_text = {s.path.read_text(): s for s in found}
    assert by_text["honest bob"].student_id == "bob"
    assert by_text["attacker"].student_id != "bob" and "also claimed" in by_text["attacker"].note
    assert by_text["attacker copying ann's hashed id"].student_id != by_text["honest ann"].student_id
