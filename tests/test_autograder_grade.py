"""End-to-end tests of `python -m autograder grade` on crafted submissions of notebook 01.

One grading run (--jobs 2) of a folder holding every crafted submission is shared by the module;
each test then checks one behaviour on one student's row, files or gradebook entry.
"""

from __future__ import annotations

import copy
import csv
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests.conftest import COURSE, REPO_ROOT, nbgrader_meta, read_notebook

ASSIGNMENT = COURSE.assignment("01_linear_regression")
WRONG_PREDICT = 'def predict(x, phi):\n    """Wrong on purpose."""\n    return phi[1] + phi[0] * x\n'


def solution() -> nbformat.NotebookNode:
    """The instructor notebook: every test passes."""
    return read_notebook(ASSIGNMENT.source_path())


def release() -> nbformat.NotebookNode:
    """The student notebook as released."""
    return read_notebook(ASSIGNMENT.release_path())


def index_of(notebook, grade_id: str) -> int:
    """Position of the cell with this grade_id."""
    return next(i for i, c in enumerate(notebook.cells) if nbgrader_meta(c).get("grade_id") == grade_id)


def with_cell_after(notebook, grade_id: str, source: str) -> nbformat.NotebookNode:
    """A copy with a new code cell inserted right after the cell ``grade_id``."""
    notebook = copy.deepcopy(notebook)
    notebook.cells.insert(index_of(notebook, grade_id) + 1, nbformat.v4.new_code_cell(source))
    return notebook


def wrong_predict(*cheats: str) -> nbformat.NotebookNode:
    """The solution with a wrong predict; each cheat becomes a cell right after the predict cell."""
    notebook = solution()
    notebook.cells[index_of(notebook, "predict")].source = WRONG_PREDICT
    for cheat in reversed(cheats):
        notebook = with_cell_after(notebook, "predict", cheat)
    return notebook


def stripped() -> nbformat.NotebookNode:
    """The solution with all nbgrader metadata removed."""
    notebook = solution()
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    return notebook


def fresh_copy() -> nbformat.NotebookNode:
    """The solution's cells pasted into a brand-new notebook (no metadata at all)."""
    notebook = nbformat.v4.new_notebook()
    for cell in solution().cells:
        make = nbformat.v4.new_code_cell if cell.cell_type == "code" else nbformat.v4.new_markdown_cell
        notebook.cells.append(make(cell.source))
    return notebook


def reshuffled() -> nbformat.NotebookNode:
    """The solution with metadata stripped, the predict cell moved below its tests, a cell added, others deleted."""
    notebook = stripped()
    cells = notebook.cells
    predict = cells.pop(7)                   # the predict solution cell
    cells.insert(9, predict)                 # now after both predict tests
    del cells[3]                             # a Markdown cell
    del cells[3]                             # the cell that makes the data x, y (restored from the release)
    cells.insert(2, nbformat.v4.new_code_cell("scratch = 41 + 1\nprint(scratch)"))
    return notebook


def edited_tests() -> nbformat.NotebookNode:
    """A wrong predict whose visible test was replaced by a print and whose hidden test cell was deleted."""
    notebook = wrong_predict()
    notebook.cells[index_of(notebook, "predict_examples")].source = 'print("[PASS] predict")'
    del notebook.cells[index_of(notebook, "predict_hidden")]
    return notebook


def midtest_patch() -> nbformat.NotebookNode:
    """A wrong predict that disables numpy's comparison while the test calls it."""
    notebook = solution()
    notebook.cells[index_of(notebook, "predict")].source = (
        "def predict(x, phi):\n    import numpy\n    numpy.allclose = lambda *a, **k: True\n"
        "    return phi[1] + phi[0] * x\n")
    return notebook


CHEATS = {
    "cheat_allclose": ["import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True"],
    "cheat_checks": ["import dlcourse.checks\ndlcourse.checks.check_close = lambda *a, **k: None\n"
                     "check_close = lambda *a, **k: None"],
    "cheat_hooks": ["import sys, io\n"
                    "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n"
                    "sys.excepthook = lambda *a: None\nsys.stderr = io.StringIO()"],
    "cheat_transformer": ["def _swallow(lines):\n"
                          "    return ['try:\\n'] + ['    ' + l for l in lines] + ['\\nexcept BaseException:\\n    pass\\n']\n"
                          "get_ipython().input_transformers_cleanup.append(_swallow)"],
    "cheat_assertion": ["import builtins\nclass Quiet(Exception):\n    pass\nbuiltins.AssertionError = Quiet\n"
                        "get_ipython().set_custom_exc((Quiet,), lambda *a, **k: None)"],
}

SNOOP = """import os
seen = []
for root in {os.getcwd(), os.path.expanduser('~'), os.environ.get('TMPDIR', '')}:
    for folder, _, files in os.walk(root):
        seen += [os.path.join(folder, name) for name in files]
print('CWD', os.getcwd())
print('ENV', dict(os.environ))
print('FILES', seen)
"""

OUTSIDE = {
    "infinite_loop": "while True:\n    pass",
    "ignores_interrupt": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
    "exits": "import os\nos._exit(3)",
    "segfault": "import ctypes\nctypes.string_at(0)",
    "memory_hog": "import numpy as np\nblocks = []\nwhile True:\n    blocks.append(np.ones(10**8))",
    "huge_output": "for i in range(300_000):\n    print('spam spam spam spam spam spam spam spam', i)",
    "snoop": SNOOP,
}


def write(notebook, path: Path) -> None:
    """Write a notebook, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def build_submissions(folder: Path) -> None:
    """Write every crafted submission under ``folder``, one student each."""
    name = ASSIGNMENT.notebook
    write(solution(), folder / "full" / name)
    write(release(), folder / "untouched" / name)
    write(stripped(), folder / "stripped" / name)
    write(fresh_copy(), folder / "fresh" / name)
    write(reshuffled(), folder / "reshuffled" / name)
    write(edited_tests(), folder / "edited" / name)
    write(wrong_predict(), folder / "wrong" / name)
    write(midtest_patch(), folder / "midtest" / name)
    for student, cells in CHEATS.items():
        write(wrong_predict(*cells), folder / student / name)
    for student, source in OUTSIDE.items():
        write(with_cell_after(solution(), "predict_hidden", source), folder / student / name)
    write(solution(), folder / f"renamed_{ASSIGNMENT.id} (1).ipynb")
    write(solution(), folder / "copied" / f"Copy of {name}")
    (folder / "broken").mkdir()
    (folder / "broken" / name).write_text('{"cells": [', encoding="utf-8")
    (folder / "empty").mkdir()
    (folder / "empty" / name).write_text("", encoding="utf-8")
    (folder / "notjson").mkdir()
    (folder / "notjson" / name).write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    (folder / "picture").mkdir()
    (folder / "picture" / "screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))

LIMITS = ["--cell-timeout", "10", "--notebook-timeout", "45", "--memory-mb", "2048"]


def run_grader(submissions: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run the command line as an instructor would, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(submissions), "--assignment", ASSIGNMENT.id,
         "--out", str(out), *extra],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=900,
    )


def read_rows(out: Path) -> list[dict]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every crafted submission once with two workers; yield (rows by student, out dir, stdout)."""
    submissions = tmp_path_factory.mktemp("crafted")
    build_submissions(submissions)
    out = tmp_path_factory.mktemp("graded")
    result = run_grader(submissions, out, "--jobs", "2", *LIMITS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    files = sum(1 for path in submissions.rglob("*") if path.is_file())
    assert len(read_rows(out)) == files == 26
    return {row["student_id"]: row for row in read_rows(out)}, out, result.stdout


def score(rows, student: str) -> float:
    return float(rows[student]["score"])


def test_every_input_file_gets_exactly_one_row(graded):
    rows, out, _ = graded
    assert len(read_rows(out)) == len(rows) == 26
    assert set(rows) >= {"full", "untouched", "broken", "empty", "notjson", "picture", "renamed", "copied"}


def test_solution_scores_full_marks_and_release_zero(graded):
    rows, _, _ = graded
    assert rows["full"]["status"] == "graded" and score(rows, "full") == float(rows["full"]["max_score"]) == 18
    assert rows["untouched"]["status"] == "graded" and score(rows, "untouched") == 0


@pytest.mark.parametrize("student", ["stripped", "fresh", "reshuffled"])
def test_cells_without_metadata_or_in_another_order_still_grade_fully(graded, student):
    rows, _, _ = graded
    assert rows[student]["status"] == "graded", rows[student]["message"]
    assert score(rows, student) == 18


def test_reshuffled_submission_reports_what_was_put_back(graded):
    rows, _, _ = graded
    message = rows["reshuffled"]["message"]
    assert "deleted cell(s) restored" in message and "added cell(s) kept" in message and "moved" in message


@pytest.mark.parametrize("student", ["renamed", "copied"])
def test_renamed_downloads_are_matched_to_the_notebook(graded, student):
    rows, _, _ = graded
    assert rows[student]["notebook"] == ASSIGNMENT.notebook
    assert score(rows, student) == 18


def test_edited_and_deleted_test_cells_are_restored_with_hidden_tests(graded):
    rows, out, _ = graded
    assert score(rows, "edited") == score(rows, "wrong") == 15
    assert "edited test cell(s) restored" in rows["edited"]["message"]
    executed = read_notebook(out / "autograded" / "edited" / ASSIGNMENT.notebook)
    hidden = next(c for c in executed.cells if nbgrader_meta(c).get("grade_id") == "predict_hidden")
    assert "BEGIN HIDDEN TESTS" in hidden.source


@pytest.mark.parametrize("student", sorted(CHEATS) + ["midtest"])
def test_student_code_cannot_turn_a_failing_test_into_a_passing_one(graded, student):
    rows, _, _ = graded
    assert score(rows, student) == score(rows, "wrong") == 15, rows[student]["message"]
    assert "predict_examples" in rows[student]["message"] and "predict_hidden" in rows[student]["message"]


def test_changing_numpy_during_a_test_is_named_in_the_message(graded):
    rows, _, _ = graded
    assert "numpy.allclose" in rows["midtest"]["message"]


@pytest.mark.parametrize("student, words", [
    ("infinite_loop", "10 s limit"),
    ("ignores_interrupt", "notebook limit of 45 s"),
    ("exits", "exited with status 3"),
    ("segfault", "SIGSEGV"),
    ("memory_hog", "MiB limit"),
])
def test_runaway_notebooks_get_an_error_status_with_the_reason(graded, student, words):
    rows, _, _ = graded
    assert rows[student]["status"] == "error"
    assert words in rows[student]["message"]


def test_tests_that_ran_before_a_crash_still_count(graded):
    rows, out, _ = graded
    assert score(rows, "exits") == 3  # predict's two tests ran before os._exit
    assert score(rows, "infinite_loop") == 18  # the loop was interrupted, later cells ran
    page = (out / "feedback" / "exits" / "01_linear_regression.html").read_text(encoding="utf-8")
    assert "Grading stopped early" in page and "exited with status 3" in page


def test_enormous_output_is_truncated(graded):
    rows, out, _ = graded
    assert score(rows, "huge_output") == 18
    assert "truncated" in rows["huge_output"]["message"]
    assert (out / "autograded" / "huge_output" / ASSIGNMENT.notebook).stat().st_size < 2_000_000


@pytest.mark.parametrize("student, words", [
    ("broken", "not valid JSON"), ("empty", "empty file"), ("notjson", "not a Jupyter notebook"),
    ("picture", "not a notebook"),
])
def test_unreadable_files_get_an_error_row_and_a_feedback_page(graded, student, words):
    rows, out, _ = graded
    assert rows[student]["status"] == "error" and score(rows, student) == 0
    assert words in rows[student]["message"]
    pages = list((out / "feedback" / student).glob("*.html"))
    assert pages and words in pages[0].read_text(encoding="utf-8")


def test_kernel_sees_only_its_own_sandbox(graded):
    rows, out, _ = graded
    executed = read_notebook(out / "autograded" / "snoop" / ASSIGNMENT.notebook)
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    cwd = re.search(r"CWD (\S+)", text).group(1)
    files = re.search(r"FILES (.*)", text).group(1)
    environment = re.search(r"ENV (.*)", text).group(1)
    assert not cwd.startswith(str(REPO_ROOT)) and not cwd.startswith(str(out))
    assert ".ipynb" not in files and ".db" not in files and "submission" not in files.lower()
    assert str(out) not in environment and str(REPO_ROOT / "source") not in environment
    assert "'DLCOURSE_FAST': '1'" in environment


def test_feedback_shows_fail_messages_but_never_hidden_tests(graded):
    rows, out, _ = graded
    wrong = (out / "feedback" / "wrong" / "01_linear_regression.html").read_text(encoding="utf-8")
    assert "[FAIL] predict: got" in wrong
    hidden_names = set()
    for cell in read_notebook(ASSIGNMENT.source_path()).cells:
        if "### BEGIN HIDDEN TESTS" in cell.source:
            region = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            hidden_names |= set(re.findall(r"^(\w+)\s*=", region, re.MULTILINE))
    released = nbformat.writes(read_notebook(ASSIGNMENT.release_path()))
    # Names made up inside hidden regions (a [FAIL] hint may still use plain words such as "swapped").
    hidden_names = {name for name in hidden_names if "_" in name and not re.search(rf"\b{name}\b", released)}
    assert {"rng_hidden", "x_hidden", "expected_grad"} <= hidden_names
    for page in (out / "feedback").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in text, page
        leaked = sorted(name for name in hidden_names if re.search(rf"\b{name}\b", text))
        assert not leaked, f"{page} shows names from hidden tests: {leaked}"


def test_test_cells_of_the_solution_write_nothing_to_stderr(graded):
    _, out, _ = graded
    executed = read_notebook(out / "autograded" / "full" / ASSIGNMENT.notebook)
    grade_cells = [c for c in executed.cells if nbgrader_meta(c).get("grade")]
    assert len(grade_cells) == 12
    for cell in grade_cells:
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], nbgrader_meta(cell)["grade_id"]
        assert not any("autograder-done" in o.get("text", "") for o in cell.outputs)


def test_gradebook_written_by_parallel_workers_matches_the_csv(graded):
    rows, out, _ = graded
    result = subprocess.run([sys.executable, "-m", "autograder", "export", "--out", str(out)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    with open(out / "gradebook_export.csv", newline="") as handle:
        exported = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}
    for student, row in rows.items():
        assert exported[student] == float(row["score"]), student


def test_summary_prints_pass_rates_and_saves_a_histogram(graded):
    _, out, stdout = graded
    assert re.search(r"predict_hidden\s+\d+\.\d%", stdout)
    assert (out / "score_histogram.png").read_bytes()[:4] == b"\x89PNG"


def test_grading_twice_gives_identical_grades(tmp_path):
    submissions = tmp_path / "subs"
    write(solution(), submissions / "full" / ASSIGNMENT.notebook)
    write(wrong_predict(), submissions / "wrong" / ASSIGNMENT.notebook)
    with zipfile.ZipFile(tmp_path / "subs.zip", "w") as bundle:
        for path in submissions.rglob("*.ipynb"):
            bundle.write(path, path.relative_to(tmp_path).as_posix())
    out = tmp_path / "out"
    first = run_grader(tmp_path / "subs.zip", out, *LIMITS)
    assert first.returncode == 0, first.stderr[-2000:]
    rows_first = read_rows(out)
    second = run_grader(tmp_path / "subs.zip", out, *LIMITS)
    assert second.returncode == 0, second.stderr[-2000:]
    assert read_rows(out) == rows_first
    assert [float(r["score"]) for r in rows_first] == [18.0, 15.0]
