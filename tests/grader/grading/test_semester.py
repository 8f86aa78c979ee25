"""The instructor's semester: rosters, Canvas and Moodle downloads, platform exports, regrades that say what changed.

One grading run of a Canvas-style "Download Submissions" zip of notebook 01 (a full solution, a
partial one, a late resubmission, one student not on the roster) with a roster that also lists
students who handed nothing in; the Canvas and Moodle import files are written from its gradebook.
Then the same folder is graded again with --regrade after one student's file changed: the earlier
results are kept and the change report names the tests that changed verdict.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from autograder.grading.roster import platform_name, read_roster
from autograder.grading.steps.collect_submissions import CollectSubmissions
from autograder.reports.platforms import CANVAS_COLUMNS, MOODLE_COLUMNS, MOODLE_WORKSHEET_COLUMNS
from tests.attacks import notebooks as nbs
from tests.conftest import REPO_ROOT

NB = "01_linear_regression"
ROSTER = ("student_id,name,email,platform_id\n"
          "s001,Ann Lee,ann@uni.example,340934\n"
          "s002,Bob Smith,bob@uni.example,334244\n"
          "s003,Cleo Diaz,cleo@uni.example,551122\n"
          "s004,Dan Wu,dan@uni.example,\n")


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


@pytest.fixture(scope="module")
def canvas_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("canvas")
    roster = _write(root / "roster.csv", ROSTER)
    download = root / "submissions.zip"
    with zipfile.ZipFile(download, "w") as archive:
        archive.writestr(f"leeann_340934_208490284_{NB}.ipynb", _dumps(nbs.full()))
        archive.writestr(f"smithbob_334244_394803480_{NB}.ipynb", _dumps(nbs.partial()))
        archive.writestr(f"smithbob_LATE_334244_394803489_{NB}-1.ipynb", _dumps(nbs.full()))
        archive.writestr(f"rayzed_999999_394803999_{NB}.ipynb", _dumps(nbs.release()))
    out = root / "grading"
    grade = subprocess.run([sys.executable, "-m", "autograder", "grade", str(download), "--assignment", NB,
                            "--jobs", "2", "--roster", str(roster), "--out", str(out)],
                           cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
    assert grade.returncode == 0, grade.stdout[-3000:] + grade.stderr[-3000:]
    with (out / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return root, out, roster, rows


def _dumps(notebook) -> str:
    import nbformat

    return nbformat.writes(notebook)


def test_canvas_files_are_graded_under_the_rosters_ids(canvas_run):
    _, _, _, rows = canvas_run
    by_student = {}
    for row in rows:
        by_student.setdefault(row["student_id"], []).append(row)
    assert set(by_student) == {"s001", "s002", "s003", "s004", "rayzed_999999"}
    assert [float(r["score"]) for r in by_student["s001"]] == [float(by_student["s001"][0]["max_score"])]
    assert len(by_student["s002"]) == 2, "the late resubmission is the same student's second file"
    assert "rayzed_999999 is not on the roster" in by_student["rayzed_999999"][0]["message"]


def test_roster_students_without_a_file_get_a_missing_row(canvas_run):
    _, _, _, rows = canvas_run
    missing = sorted((r["student_id"], r["status"], r["score"]) for r in rows if r["status"] == "missing")
    assert missing == [("s003", "missing", "0.0"), ("s004", "missing", "0.0")]


def test_canvas_gradebook_import_has_the_documented_columns_and_the_recorded_scores(canvas_run):
    root, out, roster, rows = canvas_run
    result = subprocess.run([sys.executable, "-m", "autograder", "export", "--out", str(out), "--format", "canvas",
                             "--roster", str(roster)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no grade (no file, or not graded): s003, s004" in result.stdout
    with (out / "canvas_grades.csv").open(encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0][:5]) == CANVAS_COLUMNS and table[0][5] == "Linear regression by gradient descent"
    maximum = float(rows[0]["max_score"])
    assert table[1][0] == "Points Possible" and float(table[1][5]) == maximum
    lines = {line[2]: line for line in table[2:]}
    assert set(lines) == {"s001", "s002", "s003", "s004"}, "one row per roster student, no one else"
    assert lines["s001"][:4] == ["Ann Lee", "340934", "s001", "ann@uni.example"] and float(lines["s001"][5]) == maximum
    s002 = [r for r in rows if r["student_id"] == "s002"]
    assert float(lines["s002"][5]) in {float(r["score"]) for r in s002}
    assert lines["s003"][5] == "" and lines["s004"][5] == ""


def test_moodle_grading_worksheet_has_the_documented_columns(canvas_run):
    """The assignment's own worksheet, keyed by the participant id of Moodle's download."""
    root, out, _, rows = canvas_run
    roster = _write(root / "moodle_roster.csv", "student_id,name,email,platform_id\n"
                                                "s001,Ann Lee,ann@uni.example,1001\ns004,Dan Wu,dan@uni.example,\n")
    to = root / "worksheet.csv"
    result = subprocess.run([sys.executable, "-m", "autograder", "export", "--out", str(out), "--format",
                             "moodle-worksheet", "--roster", str(roster), "--to", str(to)], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "left out, no platform_id in the roster: s004" in result.stdout
    with to.open(encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == MOODLE_WORKSHEET_COLUMNS
    assert len(table) == 2 and table[1][:3] == ["Participant 1001", "Ann Lee", "ann@uni.example"]
    assert float(table[1][3]) == float(table[1][4]) == float(rows[0]["max_score"])


def test_moodle_gradebook_import_has_an_identifier_column_and_the_assignments(canvas_run):
    _, out, roster, rows = canvas_run
    result = subprocess.run([sys.executable, "-m", "autograder", "export", "--out", str(out), "--format", "moodle",
                             "--roster", str(roster)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    with (out / "moodle_grades.csv").open(encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0][:3]) == MOODLE_COLUMNS and table[0][3] == "Linear regression by gradient descent"
    lines = {line[2]: line for line in table[1:]}
    assert set(lines) == {"s001", "s002", "s003", "s004"}
    assert lines["s001"][:2] == ["Ann Lee", "ann@uni.example"] and float(lines["s001"][3]) == float(rows[0]["max_score"])
    assert lines["s003"][3] == ""


def test_an_export_for_a_platform_without_a_roster_says_what_it_needs(canvas_run):
    _, out, _, _ = canvas_run
    result = subprocess.run([sys.executable, "-m", "autograder", "export", "--out", str(out), "--format", "canvas"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--format canvas needs --roster roster.csv" in result.stderr


@pytest.fixture(scope="module")
def regraded(canvas_run):
    root, out, roster, rows = canvas_run
    before = {p.name: p.read_bytes() for p in (out / "results").glob("[0-9a-f]*.json")}
    download = root / "submissions.zip"
    with zipfile.ZipFile(download) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members[f"rayzed_999999_394803999_{NB}.ipynb"] = _dumps(nbs.partial()).encode()  # Zed hands in again
    with zipfile.ZipFile(download, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    grade = subprocess.run([sys.executable, "-m", "autograder", "grade", str(download), "--assignment", NB,
                            "--jobs", "2", "--roster", str(roster), "--out", str(out), "--regrade"],
                           cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
    assert grade.returncode == 0, grade.stdout[-3000:] + grade.stderr[-3000:]
    with (out / "changes.csv").open(encoding="utf-8") as handle:
        changes = list(csv.DictReader(handle))
    return out, before, changes, grade.stdout, rows


def test_a_regrade_keeps_every_earlier_result(regraded):
    out, before, _, printed, _ = regraded
    (history,) = sorted((out / "history").iterdir())
    assert {p.name: p.read_bytes() for p in history.glob("*.json")} == before, "each replaced result is kept as it was"
    assert f"earlier results kept in {history}" in printed


def test_the_change_report_gives_old_and_new_scores_and_the_tests_that_changed(regraded):
    _, _, changes, _, rows = regraded
    by_student = {}
    for change in changes:
        by_student.setdefault(change["student_id"], []).append(change)
    assert set(by_student) == {"s001", "s002", "rayzed_999999"}, "every regraded file, missing students aside"
    (zed,) = by_student["rayzed_999999"]
    assert float(zed["old_score"]) == 0.0 and float(zed["new_score"]) > 0
    assert zed["tests_changed"] and all(t.endswith("failed -> passed") for t in zed["tests_changed"].split("; "))
    (ann,) = by_student["s001"]
    assert ann["old_score"] == ann["new_score"] and ann["tests_changed"] == "", "same file, same seed: no change"


def test_the_change_page_is_escaped_and_self_contained(regraded):
    out, *_ = regraded
    page = (out / "changes.html").read_text(encoding="utf-8")
    assert "default-src 'none'" in page and "<script" not in page
    assert "rayzed_999999" in page and 'class="moved"' in page


def test_the_class_report_shows_the_run(canvas_run):
    _, out, _, rows = canvas_run
    page = (out / "class_report.html").read_text(encoding="utf-8")
    assert "<h2>Missing</h2><p>s003, s004</p>" in page
    assert re.search(r"<td>predict_hidden</td><td>\d of 3 \(\d+%\)</td>", page), "a pass rate over the 3 students with a file"


def test_the_similarity_report_compares_the_graded_answers(canvas_run):
    _, out, _, _ = canvas_run
    page = (out / "similarity.html").read_text(encoding="utf-8")
    assert "3 students' answer cells compared pairwise" in page
    with (out / "similarity.csv").open(encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["student_a", "student_b", "share_of_a", "share_of_b"]
    assert all(max(float(row[2]), float(row[3])) >= 0.6 for row in table[1:])
