"""The instructor's semester: rosters from the platforms, Canvas and Moodle downloads, regrades, reports, exports.

Unit tests of the names and rosters first; then the semester end to end (the `semester` fixture):
a Canvas class and a Moodle class hand in notebook 01, graded from a copy of the course, regraded
after the instructor fixes a test, and exported to both platforms.
"""
from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from autograder.grading.roster import (Student, platform_name, read_roster, roster_from_canvas,
                                       roster_from_moodle_worksheet)
from autograder.grading.steps.collect_submissions import CollectSubmissions
from autograder.reports.platforms import CANVAS_COLUMNS, MOODLE_COLUMNS, MOODLE_WORKSHEET_COLUMNS
from tests.attacks import notebooks as nbs
from tests.conftest import REPO_ROOT
from tests.course_copy import copy_course, set_least_squares_test

NB = "01_linear_regression"
CANVAS_GRADEBOOK = (  # Canvas: Grades > Export > CSV File, before grading
    "Student,ID,SIS User ID,SIS Login ID,Section,Linear regression by gradient descent (1201)\n"
    "    Points Possible,,,,,21.00\n"
    '"Lee, Ann",340934,s001,ann@uni.example,DL 2026,\n'
    '"Smith, Bob",334244,s002,bob@uni.example,DL 2026,\n'
    '"Diaz, Cleo",551122,s003,cleo@uni.example,DL 2026,\n'
    '"Wu, Dan",551123,s004,dan@uni.example,DL 2026,\n'
    '"Student, Test",999001,,,DL 2026,\n')
MOODLE_WORKSHEET = (  # Moodle: the assignment's "Download grading worksheet", before grading
    "Identifier,Full name,ID number,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
    "Last modified (submission),Last modified (grade),Feedback comments\n"
    "Participant 2001,Eve Park,m01,eve@uni.example,Submitted for grading,,21.00,Yes,,-,\n"
    "Participant 2002,Finn Cole,m02,finn@uni.example,Submitted for grading,,21.00,Yes,,-,\n"
    "Participant 2003,Gia Rossi,m03,gia@uni.example,Submitted for grading,,21.00,Yes,,-,\n"
    "Participant 2004,Hal Berg,m04,hal@uni.example,No submission,,21.00,Yes,-,-,\n")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, platform, platform_id, student, rest", [
    ("leeann_340934_208490284_01_linear_regression.ipynb", "canvas", "340934", "leeann", "01_linear_regression.ipynb"),
    ("smithbob_LATE_334244_394803489_01_linear_regression-1.ipynb", "canvas", "334244", "smithbob",
     "01_linear_regression-1.ipynb"),
    ("Ann Lee_1001_assignsubmission_file_/01_linear_regression.ipynb", "moodle", "1001", "Ann Lee",
     "01_linear_regression.ipynb"),
    ("Ann Lee_1001_assignsubmission_file_01_linear_regression.ipynb", "moodle", "1001", "Ann Lee",
     "01_linear_regression.ipynb"),
])
def test_platform_names_are_recognised(name, platform, platform_id, student, rest):
    named = platform_name(PurePosixPath(name))
    assert (named.platform, named.platform_id, named.student, named.rest) == (platform, platform_id, student, rest)


@pytest.mark.parametrize("name", ["alice/01_linear_regression.ipynb", "bob_01_linear_regression.ipynb",
                                  "a_1_2.ipynb/x", "Copy of 01_linear_regression (1).ipynb"])
def test_other_names_are_not_taken_for_a_platform(name):
    assert platform_name(PurePosixPath(name)) is None


@pytest.mark.parametrize("text, message", [
    ("name,email\nAnn,a@x\n", "expected a header row with the columns student_id,name,email,platform_id"),
    ("student_id,name\ns1,Ann\n,Bob\n", "line 3: student_id is empty"),
    ("student_id,name\ns1,Ann\ns1,Bob\n", "line 3: student_id 's1' appears twice"),
    ("student_id,platform_id\ns1,7\ns2,7\n", "line 3: platform_id '7' appears twice"),
    ("student_id\n", "has a header but no student"),
])
def test_a_malformed_roster_is_refused_with_the_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        read_roster(_write(tmp_path / "roster.csv", text))


def test_a_roster_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("student_id,name\ns1,Ana Mu\xf1oz\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8 text"):
        read_roster(path)


def test_a_roster_is_built_from_canvass_gradebook_export(tmp_path):
    roster = roster_from_canvas(_write(tmp_path / "export.csv", CANVAS_GRADEBOOK))
    assert [(s.student_id, s.name, s.email, s.platform_id) for s in roster.students][:2] == [
        ("s001", "Lee, Ann", "ann@uni.example", "340934"), ("s002", "Smith, Bob", "bob@uni.example", "334244")]
    assert len(roster.students) == 4, "the Points Possible row and Canvas's test student are left out"
    no_sis = roster_from_canvas(_write(tmp_path / "no_sis.csv", "Student,ID,SIS User ID,SIS Login ID\nAnn,77,,\n"))
    assert no_sis.students[0].student_id == "canvas-77"


def test_a_roster_is_built_from_a_moodle_grading_worksheet(tmp_path):
    roster = roster_from_moodle_worksheet(_write(tmp_path / "worksheet.csv", MOODLE_WORKSHEET))
    assert roster.students[0] == Student("m01", "Eve Park", "eve@uni.example", "2001")
    no_id_number = _write(tmp_path / "plain.csv", "Identifier,Full name,Email address\nParticipant 5,Ann,a@x.example\n")
    assert roster_from_moodle_worksheet(no_id_number).students[0].student_id == "a@x.example"


@pytest.mark.parametrize("maker, text, message", [
    ("canvas", "Name,Email\nAnn,a@x\n", "expected Canvas's gradebook export, with the columns Student, ID, SIS User "
     "ID, SIS Login ID; missing Student, ID, SIS User ID, SIS Login ID"),
    ("moodle", "Identifier,Full name,Email address\nAnn,Ann,a@x\n", "expected Identifier values like 'Participant "
     "1001'; got 'Ann'"),
    ("moodle", "Identifier,Full name,Email address\nParticipant 1,A,a@x\nParticipant 2,B,a@x\n",
     "student_id 'a@x' appears twice"),
    ("canvas", "Student,ID,SIS User ID,SIS Login ID\n    Points Possible,,,\n", "lists no student"),
])
def test_a_platform_export_that_is_not_one_is_refused_saying_what_was_expected(tmp_path, maker, text, message):
    read = roster_from_canvas if maker == "canvas" else roster_from_moodle_worksheet
    with pytest.raises(ValueError, match=re.escape(message)):
        read(_write(tmp_path / "export.csv", text))


def test_the_roster_command_never_replaces_a_file(tmp_path):
    existing = _write(tmp_path / "roster.csv", "student_id\nkeep\n")
    export = _write(tmp_path / "export.csv", CANVAS_GRADEBOOK)
    result = subprocess.run([sys.executable, "-m", "autograder", "roster", "canvas", str(export), "--to", str(existing)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "never replaces a file" in result.stderr
    assert existing.read_text(encoding="utf-8") == "student_id\nkeep\n"


def _collect_ids(names: list[str], roster) -> tuple[dict, dict]:
    """file name -> (student id, note), as CollectSubmissions gives them, without grading."""
    from autograder.grading.steps.collect_submissions import assign_ids

    found = {name: CollectSubmissions.identify(PurePosixPath(name), [NB]) for name in names}
    platform_ids = {key: pid for key, _, pid in found.values() if pid}
    ids, notes = assign_ids([key for key, _, _ in found.values()])
    if roster is not None:
        CollectSubmissions.apply_roster(roster, platform_ids, ids, notes)
    return {name: (ids[key], notes.get(key, "")) for name, (key, _, _) in found.items()}


def test_moodle_folders_map_to_roster_students_by_participant_id(tmp_path):
    roster = read_roster(_write(tmp_path / "roster.csv", "student_id,name,platform_id\ns1,Ann Lee,1001\n"))
    ann, zed = f"Ann Lee_1001_assignsubmission_file_/{NB}.ipynb", f"Zed Ray_1002_assignsubmission_file_/{NB}.ipynb"
    assert CollectSubmissions.identify(PurePosixPath(ann), [NB]) == (("moodle", "Ann Lee_1001"), NB, "1001")
    found = _collect_ids([ann, zed], roster)
    assert found[ann] == ("s1", "")
    assert found[zed] == ("Zed_Ray_1002", "Zed_Ray_1002 is not on the roster")
    assert _collect_ids([ann], None)[ann] == ("Ann_Lee_1001", ""), "without a roster, Moodle's suffix never stays"


def test_a_name_that_borrows_a_classmates_platform_id_takes_no_ones_id(tmp_path):
    """A self-named file with Ann's Canvas id must not become Ann's recorded file: neither claimant gets s1."""
    roster = read_roster(_write(tmp_path / "roster.csv", "student_id,name,platform_id\ns1,Ann Lee,340934\n"))
    honest, forged = f"leeann_340934_208490284_{NB}.ipynb", f"aaa_340934_1_{NB}.ipynb"
    found = _collect_ids([honest, forged], roster)
    assert found[honest][0] == "leeann_340934" and found[forged][0] == "aaa_340934"
    assert all("claims the platform id of roster student s1, as another input does" in note for _, note in found.values())
    folder = _collect_ids([f"s1/{NB}.ipynb", honest], roster)
    assert folder[f"s1/{NB}.ipynb"][0] == "s1" and folder[honest][0] == "leeann_340934", \
        "a folder already named s1 keeps it; the platform file does not merge into it"


# The semester, end to end: a Canvas class and a Moodle class hand in notebook 01, graded from a copy
# of the course in an ordinary folder. Each class has a roster (built by `python -m autograder roster`
# from the platform's own export), a student who handed nothing in, a
# planted copy (a classmate's answers with names changed) and an independent correct solution that
# uses np.polyfit. The instructor's first version of the least_squares_fit test compares exactly
# (rtol=0, atol=0), a slip that fails the polyfit student; the instructor fixes the test, and the next
# `grade` regrades everyone on its own. Then the reports and both platforms' exports.

CANVAS_FILES = {  # Canvas's "Download Submissions" names: login_id_submissionid_filename
    f"leeann_340934_208490284_{NB}.ipynb": "full",
    f"smithbob_334244_394803480_{NB}.ipynb": "alternative",
    f"smithbob_LATE_334244_394803489_{NB}-1.ipynb": "partial",   # a second upload: same student, second file
    f"rayzed_999999_394803999_{NB}.ipynb": "copy",               # not on the roster, and Ann's answers disguised
}
MOODLE_FILES = {  # Moodle's "Download all submissions": one folder per student
    f"Eve Park_2001_assignsubmission_file_/{NB}.ipynb": "full",
    f"Finn Cole_2002_assignsubmission_file_/{NB}.ipynb": "alternative",
    f"Gia Rossi_2003_assignsubmission_file_/{NB}.ipynb": "copy",
}


def _dumps(notebook) -> str:
    import nbformat

    return nbformat.writes(notebook)


def _notebook(kind: str):
    return {"full": nbs.full, "alternative": nbs.alternative, "partial": nbs.partial,
            "copy": lambda: nbs.disguised_copy(nbs.full())}[kind]()


def _make_roster(course: Path, platform: str, export: Path, to: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "autograder", "roster", platform, str(export), "--to", str(to)],
                            cwd=course, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _grade(course: Path, download: Path, roster: Path, out: Path) -> str:
    # Limits well above what notebook 01 needs (about 10 s), so that a kernel that hangs (seen once in a
    # CI run, never reproduced) costs two minutes and a retry, not the test's whole timeout.
    grade = subprocess.run([sys.executable, "-m", "autograder", "grade", str(download), "--assignment", NB,
                            "--jobs", "2", "--roster", str(roster), "--out", str(out),
                            "--cell-timeout", "60", "--notebook-timeout", "120"],
                           cwd=course, capture_output=True, text=True, timeout=900)
    assert grade.returncode == 0, grade.stdout[-3000:] + grade.stderr[-3000:]
    return grade.stdout


def _export(course: Path, out: Path, roster: Path, fmt: str, to: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "autograder", "export", "--out", str(out), "--format", fmt,
                             "--roster", str(roster), "--to", str(to)], cwd=course, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def semester(tmp_path_factory):
    """Both classes graded, the test fixed, both graded again, then exported: the folders and what was printed."""
    root = tmp_path_factory.mktemp("semester")
    course = copy_course(root / "course")
    set_least_squares_test(course, exact=True)
    classes = {}
    for platform, files, export in (("canvas", CANVAS_FILES, CANVAS_GRADEBOOK),
                                    ("moodle", MOODLE_FILES, MOODLE_WORKSHEET)):
        roster = root / f"{platform}_roster.csv"
        _make_roster(course, "canvas" if platform == "canvas" else "moodle-worksheet",
                     _write(root / f"{platform}_export.csv", export), roster)
        download = root / f"{platform}_download.zip"
        with zipfile.ZipFile(download, "w") as archive:
            for name, kind in files.items():
                archive.writestr(name, _dumps(_notebook(kind)))
        out = root / f"{platform}_grading"
        printed = _grade(course, download, roster, out)
        classes[platform] = {"roster": roster, "download": download, "out": out, "printed": printed,
                             "first_rows": _rows(out / "grades.csv")}
    set_least_squares_test(course, exact=False)  # the instructor fixes the test
    for platform, run in classes.items():
        run["regrade_printed"] = _grade(course, run["download"], run["roster"], run["out"])
        run["rows"] = _rows(run["out"] / "grades.csv")
        run["changes"] = _rows(run["out"] / "changes.csv")
    canvas, moodle = classes["canvas"], classes["moodle"]
    canvas["export_printed"] = _export(course, canvas["out"], canvas["roster"], "canvas", root / "canvas_import.csv")
    moodle["export_printed"] = _export(course, moodle["out"], moodle["roster"], "moodle", root / "moodle_import.csv")
    moodle["worksheet_printed"] = _export(course, moodle["out"], moodle["roster"], "moodle-worksheet",
                                          root / "moodle_worksheet.csv")
    return root, classes


def _by_student(rows: list[dict]) -> dict[str, list[dict]]:
    found = {}
    for row in rows:
        found.setdefault(row["student_id"], []).append(row)
    return found


def test_both_downloads_are_graded_under_the_rosters_ids(semester):
    _, classes = semester
    canvas = _by_student(classes["canvas"]["first_rows"])
    assert set(canvas) == {"s001", "s002", "s003", "s004", "rayzed_999999"}
    assert [r["notebook"] for r in canvas["s002"]] == [f"{NB}.ipynb", f"smithbob_LATE_334244_394803489_{NB}-1.ipynb"], \
        "Bob's second upload is the same student's second file, named as uploaded"
    assert "rayzed_999999 is not on the roster" in canvas["rayzed_999999"][0]["message"]
    moodle = _by_student(classes["moodle"]["first_rows"])
    assert set(moodle) == {"m01", "m02", "m03", "m04"}, "Moodle's folder names map to the roster, suffix and all"
    maximum = nbs.max_score()
    assert float(canvas["s001"][0]["score"]) == float(moodle["m01"][0]["score"]) == maximum


def test_roster_students_without_a_file_get_a_missing_row(semester):
    _, classes = semester
    for platform, expected in (("canvas", ["s003", "s004"]), ("moodle", ["m04"])):
        rows = classes[platform]["rows"]
        assert sorted(r["student_id"] for r in rows if r["status"] == "missing") == expected
        assert all(float(r["score"]) == 0 for r in rows if r["status"] == "missing")


def test_the_instructors_slip_fails_only_the_independent_solution(semester):
    _, classes = semester
    lost = nbs.points_of("least_squares_fit_hidden")
    for platform, student in (("canvas", "s002"), ("moodle", "m02")):
        first = _by_student(classes[platform]["first_rows"])[student][0]
        assert float(first["score"]) == nbs.max_score() - lost, "np.polyfit differs from the reference in the last bits"


def test_fixing_the_test_regrades_everyone_and_keeps_the_earlier_results(semester):
    _, classes = semester
    for run in classes.values():
        (history,) = sorted((run["out"] / "history").iterdir())
        assert len(list(history.glob("*.json"))) == len(run["first_rows"]) - sum(
            r["status"] == "missing" for r in run["first_rows"]), "every earlier result is kept"
        assert f"earlier results kept in {history}" in run["regrade_printed"]
        assert "changed score" in run["regrade_printed"]


def test_the_change_report_names_the_test_that_changed(semester):
    _, classes = semester
    for platform, student in (("canvas", "s002"), ("moodle", "m02")):
        changes = classes[platform]["changes"]
        moved = [c for c in changes if c["old_score"] != c["new_score"]]
        assert [(c["student_id"], c["tests_changed"]) for c in moved] == \
            [(student, "least_squares_fit_hidden: failed -> passed")], platform
        assert float(moved[0]["new_score"]) == nbs.max_score()
        assert all(c["tests_changed"] == "" for c in changes if c not in moved), "no one else changed"
        page = (classes[platform]["out"] / "changes.html").read_text(encoding="utf-8")
        assert "default-src 'none'" in page and "<script" not in page and 'class="moved"' in page


def test_the_planted_copies_are_flagged_and_the_independent_solutions_are_not(semester):
    _, classes = semester
    for platform, pair in (("canvas", {"s001", "rayzed_999999"}), ("moodle", {"m01", "m03"})):
        out = classes[platform]["out"]
        flagged = [{row["student_a"], row["student_b"]} for row in _rows(out / "similarity.csv")]
        assert pair in flagged, platform
        assert not any("s002" in p or "m02" in p for p in flagged), "the np.polyfit student copied no one"
        assert "answer cells compared pairwise" in (out / "similarity.html").read_text(encoding="utf-8")


def test_the_class_report_shows_the_regraded_run(semester):
    _, classes = semester
    canvas = (classes["canvas"]["out"] / "class_report.html").read_text(encoding="utf-8")
    assert "<h2>Missing</h2><p>s003, s004</p>" in canvas
    assert re.search(r"<h2>Names to check</h2>.*<td>rayzed_999999</td><td>rayzed_999999_394803999_01_linear_regression"
                     r"\.ipynb</td><td>rayzed_999999 is not on the roster</td>", canvas)
    assert "<td>least_squares_fit_hidden</td><td>3 of 3 (100%)</td>" in canvas, "after the fix, over the recorded files"
    assert "<td>predict_hidden</td><td>3 of 3 (100%)</td>" in canvas, "Bob's second upload is not the recorded file"
    moodle = (classes["moodle"]["out"] / "class_report.html").read_text(encoding="utf-8")
    assert "<h2>Missing</h2><p>m04</p>" in moodle and "<td>least_squares_fit_hidden</td><td>3 of 3 (100%)</td>" in moodle


def test_the_canvas_import_has_the_documented_columns_and_the_regraded_scores(semester):
    root, classes = semester
    assert "no grade (no file, or not graded): s003, s004" in classes["canvas"]["export_printed"]
    table = _table(root / "canvas_import.csv")
    assert tuple(table[0][:5]) == CANVAS_COLUMNS and table[0][5] == "Linear regression by gradient descent"
    maximum = nbs.max_score()
    assert table[1][0] == "Points Possible" and float(table[1][5]) == maximum
    lines = {line[2]: line for line in table[2:]}
    assert set(lines) == {"s001", "s002", "s003", "s004"}, "one row per roster student, no one else"
    assert lines["s001"][:4] == ["Lee, Ann", "340934", "s001", "ann@uni.example"]
    assert float(lines["s001"][5]) == float(lines["s002"][5]) == maximum, "Bob's score after the fix"
    assert lines["s003"][5] == "" and lines["s004"][5] == ""


def test_the_moodle_imports_have_the_documented_columns_and_the_regraded_scores(semester):
    root, classes = semester
    maximum = nbs.max_score()
    table = _table(root / "moodle_import.csv")
    assert tuple(table[0][:3]) == MOODLE_COLUMNS and table[0][3] == "Linear regression by gradient descent"
    lines = {line[2]: line for line in table[1:]}
    assert set(lines) == {"m01", "m02", "m03", "m04"}
    assert lines["m02"][:2] == ["Finn Cole", "finn@uni.example"] and float(lines["m02"][3]) == maximum
    assert lines["m04"][3] == ""
    worksheet = _table(root / "moodle_worksheet.csv")
    assert tuple(worksheet[0]) == MOODLE_WORKSHEET_COLUMNS
    rows = {line[0]: line for line in worksheet[1:]}
    assert set(rows) == {"Participant 2001", "Participant 2002", "Participant 2003", "Participant 2004"}
    assert rows["Participant 2002"][1:3] == ["Finn Cole", "finn@uni.example"]
    assert float(rows["Participant 2002"][3]) == float(rows["Participant 2002"][4]) == maximum


def test_an_export_for_a_platform_without_a_roster_says_what_it_needs(semester):
    root, classes = semester
    result = subprocess.run([sys.executable, "-m", "autograder", "export", "--out", str(classes["canvas"]["out"]),
                             "--format", "canvas"], cwd=root / "course", capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--format canvas needs --roster roster.csv" in result.stderr
