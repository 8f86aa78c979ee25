"""End-to-end tests of `python -m autograder grade` and `merge` on crafted submissions of notebook 01.

One grading run (--jobs 2) of a folder holding every crafted submission is shared by the module;
each test then checks one behaviour on one student's row, files or gradebook entry. Other tests
grade a few files to check resuming, killing, sharding and --no-sandbox.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import psutil
import pytest

import dlcourse

from tests.conftest import COURSE, REPO_ROOT, nbgrader_meta, read_notebook

ASSIGNMENT = COURSE.assignment("01_linear_regression")
WRONG_PREDICT = 'def predict(x, phi):\n    """Wrong on purpose."""\n    return phi[1] + phi[0] * x\n'
MARKER = f"crafted-{secrets.token_hex(4)}"


def solution() -> nbformat.NotebookNode:
    """The instructor notebook, hidden tests and all (what the test_roundtrip 'full' student sends)."""
    return read_notebook(ASSIGNMENT.source_path())


def student_solution() -> nbformat.NotebookNode:
    """A perfect student: the release with the instructor's answers pasted in (no hidden test in the file)."""
    notebook = read_notebook(ASSIGNMENT.release_path())
    answers = {nbgrader_meta(c)["grade_id"]: c.source for c in solution().cells if nbgrader_meta(c).get("solution")}
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = answers[nbgrader_meta(cell)["grade_id"]]
    return notebook


def release() -> nbformat.NotebookNode:
    return read_notebook(ASSIGNMENT.release_path())


def max_score() -> float:
    return float(sum(nbgrader_meta(c).get("points", 0) for c in solution().cells if nbgrader_meta(c).get("grade")))


def points_of(grade_id: str) -> float:
    return float(next(nbgrader_meta(c)["points"] for c in solution().cells if nbgrader_meta(c).get("grade_id") == grade_id))


def index_of(notebook, grade_id: str) -> int:
    return next(i for i, c in enumerate(notebook.cells) if nbgrader_meta(c).get("grade_id") == grade_id)


def with_cell_after(notebook, grade_id: str, source: str) -> nbformat.NotebookNode:
    notebook = copy.deepcopy(notebook)
    notebook.cells.insert(index_of(notebook, grade_id) + 1, nbformat.v4.new_code_cell(source))
    return notebook


def wrong_predict(*cells: str) -> nbformat.NotebookNode:
    """A student solution with a wrong predict; each extra cell goes right after the predict cell."""
    notebook = student_solution()
    notebook.cells[index_of(notebook, "predict")].source = WRONG_PREDICT
    for source in reversed(cells):
        notebook = with_cell_after(notebook, "predict", source)
    return notebook


def stripped() -> nbformat.NotebookNode:
    notebook = student_solution()
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    return notebook


CHEATS = {
    # Patch what the visible checks use: the hidden test records values, the grader compares them.
    "cheat_patch": ["import numpy as np, dlcourse.checks\nnp.allclose = lambda *a, **k: True\n"
                    "dlcourse.checks.check_close = lambda *a, **k: None"],
    # Record forged values from a background thread while the hidden test runs.
    "cheat_thread": ["import threading, time\nimport numpy as np\nfrom dlcourse import grading\n"
                     "def spam():\n    for _ in range(400):\n"
                     "        grading.record('predict(x, phi)', np.zeros(7))\n        time.sleep(0.01)\n"
                     "threading.Thread(target=spam, daemon=True).start()"],
    # Leak hidden tests: print IPython's input history and the calling test's source into outputs.
    "leak_history": ["import inspect\ndef predict(x, phi):\n"
                     "    print(get_ipython().user_ns['In'][-1])\n"
                     "    print(inspect.getsource(inspect.currentframe().f_back))\n"
                     "    raise ValueError(get_ipython().user_ns['In'][-1])"],
}

SNOOP = f"""import json, os
seen = {{"cwd": os.getcwd(), "env": dict(os.environ), "root": sorted(os.listdir("/")),
        "repo": os.path.exists({str(REPO_ROOT / 'source')!r}), "uid": os.getuid()}}
try:
    open({str(Path(sys.prefix) / 'pwned')!r}, "w")
    seen["venv_written"] = True
except OSError:
    seen["venv_written"] = False
print("SNOOP" + json.dumps(seen))
"""

OUTSIDE = {
    "infinite_loop": "while True:\n    pass",
    "ignores_interrupt": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
    "exits": "import os\nos._exit(3)",
    "segfault": "import ctypes\nctypes.string_at(0)",
    "memory_hog": "import numpy as np\nblocks = []\nwhile True:\n    blocks.append(np.ones(10**8))",
    "huge_output": "for i in range(300_000):\n    print('spam spam spam spam spam spam spam spam', i)",
    "stops_itself": "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)",
    "survivor": (f"import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                 f"        os.execvp('sleep', ['sleep', '600', '{MARKER}'])\n    os._exit(0)"),
    "snoop": SNOOP,
}


def write(notebook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


RULE_ANSWERS = {  # predict must be written without a Python loop (its visible test says so)
    "looped": "def predict(x, phi):\n    return np.array([phi[0] + phi[1] * value for value in x])\n",
    "loop_free": "def predict(x, phi):\n    return np.add(phi[0], np.multiply(phi[1], x))\n",
}
WRONG_GRADIENT = ("def loss_gradient(x, y, phi):\n    residuals = phi[0] + phi[1] * x - y\n"
                  "    return -np.array([2.0 * np.sum(residuals), 2.0 * np.sum(residuals * x)])\n")


def build_submissions(folder: Path) -> None:
    name = ASSIGNMENT.notebook
    write(student_solution(), folder / "full" / name)
    write(release(), folder / "untouched" / name)
    write(stripped(), folder / "stripped" / name)
    write(wrong_predict(), folder / "wrong" / name)
    for student, answer in RULE_ANSWERS.items():
        notebook = student_solution()
        notebook.cells[index_of(notebook, "predict")].source = answer
        write(notebook, folder / student / name)
    wrong_gradient = student_solution()
    wrong_gradient.cells[index_of(wrong_gradient, "loss_gradient")].source = WRONG_GRADIENT
    write(wrong_gradient, folder / "wrong_gradient" / name)
    edited = wrong_predict()
    edited.cells[index_of(edited, "predict_examples")].source = 'print("[PASS] predict")'
    del edited.cells[index_of(edited, "predict_hidden")]
    write(edited, folder / "edited" / name)
    for student, cells in CHEATS.items():
        write(wrong_predict(*cells), folder / student / name)
    for student, source in OUTSIDE.items():
        write(with_cell_after(student_solution(), "predict_hidden", source), folder / student / name)
    after_tests = student_solution()
    after_tests.cells.append(nbformat.v4.new_code_cell("print('AFTER-THE-TESTS')\nwhile True:\n    pass"))
    write(after_tests, folder / "after_tests" / name)
    markup = student_solution()
    markup.cells.insert(1, nbformat.v4.new_markdown_cell("<script>alert('owned')</script><img src=http://evil/x>"))
    write(markup, folder / "markup" / name)
    write(student_solution(), folder / f"renamed_{ASSIGNMENT.id} (1).ipynb")
    (folder / "broken").mkdir()
    (folder / "broken" / name).write_text('{"cells": [', encoding="utf-8")
    (folder / "picture").mkdir()
    (folder / "picture" / "screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (folder / "ansi\x1b[2Jname").mkdir()
    (folder / "ansi\x1b[2Jname" / name).write_text("{}", encoding="utf-8")


LIMITS = ["--cell-timeout", "15", "--notebook-timeout", "40", "--memory-mb", "512"]


def run_grader(submissions: Path, out: Path, *extra: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(submissions), "--assignment", ASSIGNMENT.id,
         "--out", str(out), *extra], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)


def read_rows(out: Path) -> list[dict]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def running(process: psutil.Process) -> bool:
    """Alive and not a zombie; False for a process that ends while it is looked at."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def survivors(marker: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if any(marker in part for part in process.info["cmdline"] or []):
            found.append(process)
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every crafted submission once with two workers; yield (rows by student, out dir, stdout)."""
    submissions = tmp_path_factory.mktemp("crafted")
    build_submissions(submissions)
    out = tmp_path_factory.mktemp("graded")
    result = run_grader(submissions, out, "--jobs", "2", "--seed", "fixed-seed", *LIMITS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    files = sum(1 for path in submissions.rglob("*") if path.is_file())
    assert len(read_rows(out)) == files
    return {row["student_id"]: row for row in read_rows(out)}, out, result.stdout


def score(rows, student: str) -> float:
    return float(rows[student]["score"])


def test_solution_scores_full_marks_and_release_zero(graded):
    rows, _, _ = graded
    assert rows["full"]["status"] == "graded" and score(rows, "full") == float(rows["full"]["max_score"]) == max_score()
    assert rows["untouched"]["status"] == "graded" and score(rows, "untouched") == 0


def test_a_rule_of_the_exercise_is_checked_on_the_code_and_a_correct_alternative_keeps_it(graded):
    rows, out, _ = graded
    assert score(rows, "looped") == max_score() - points_of("predict_hidden"), "right values, but written with a loop"
    assert ("predict_hidden (predict: got code that uses a list comprehension, expected an answer without a Python "
            "loop. Hint: NumPy applies + and * to whole arrays, so no loop is needed.)") in rows["looped"]["message"]
    assert score(rows, "loop_free") == max_score()
    page = (out / "feedback" / "looped" / f"{ASSIGNMENT.id}.html").read_text(encoding="utf-8")
    assert "[FAIL] predict: got code that uses a list comprehension" in page, "the visible check said it first"


def test_a_wrong_gradient_costs_its_own_exercise_only(graded):
    """gradient_descent_step and fit_gradient_descent are graded with stand-ins for the functions they call."""
    rows, _, _ = graded
    assert score(rows, "wrong_gradient") == max_score() - points_of("loss_gradient_hidden")
    assert "loss_gradient_hidden" in rows["wrong_gradient"]["message"]
    assert "gradient_descent_step_hidden" not in rows["wrong_gradient"]["message"]


def test_cells_without_metadata_and_renamed_downloads_still_grade_fully(graded):
    rows, _, _ = graded
    assert score(rows, "stripped") == score(rows, "renamed") == max_score()


def test_wrong_answer_loses_that_exercise_s_points_with_the_grader_s_diagnosis(graded):
    rows, _, _ = graded
    assert score(rows, "wrong") == max_score() - points_of("predict_hidden")
    assert "predict_hidden (predict(x, phi)" in rows["wrong"]["message"]


def test_edited_and_deleted_test_cells_are_restored(graded):
    rows, out, _ = graded
    assert score(rows, "edited") == score(rows, "wrong")
    assert "edited test cell(s) restored" in rows["edited"]["message"]


@pytest.mark.parametrize("student", sorted(CHEATS))
def test_code_in_the_kernel_cannot_turn_a_failing_test_into_a_passing_one(graded, student):
    rows, _, _ = graded
    assert score(rows, student) == max_score() - points_of("predict_hidden"), rows[student]["message"]
    assert "predict_hidden" in rows[student]["message"]


def test_no_feedback_page_shows_hidden_tests_or_run_output(graded):
    _, out, _ = graded
    hidden = [c.source.split("### BEGIN HIDDEN TESTS")[1] for c in solution().cells if "BEGIN HIDDEN TESTS" in c.source]
    lines = {line.strip() for region in hidden for line in region.splitlines() if len(line.strip()) > 12}
    assert lines
    pages = list((out / "feedback").rglob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and "DLCOURSE_GRADING_SEED" not in text, page
        assert not [line for line in lines if line in text], page
        assert "fixed-seed" not in text and "SNOOP{" not in text, page


def test_feedback_is_escaped_text_with_a_strict_content_policy(graded):
    _, out, _ = graded
    page = (out / "feedback" / "markup" / f"{ASSIGNMENT.id}.html").read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;" in page and "default-src 'none'" in page


@pytest.mark.parametrize("student, pattern", [
    ("infinite_loop", re.escape("15 s limit")),
    ("ignores_interrupt", re.escape("notebook limit of 40 s")),
    ("exits", re.escape("exited with status 3")),
    ("segfault", "SIGSEGV"),
    # Whichever stops it first: the watchdog's poll, or the kernel's memory cgroup (reported by the watchdog).
    ("memory_hog", r"over the \d+ MiB limit|used more than the \d+ MiB memory limit"),
    ("stops_itself", re.escape("stopped (SIGSTOP")),
])
def test_runaway_notebooks_get_an_error_status_with_the_reason(graded, student, pattern):
    rows, _, _ = graded
    assert rows[student]["status"] == "error"
    assert re.search(pattern, rows[student]["message"]), rows[student]["message"]


def test_tests_that_ran_before_a_crash_still_count(graded):
    rows, out, _ = graded
    assert score(rows, "exits") == points_of("predict_hidden")
    assert score(rows, "infinite_loop") == max_score()
    page = (out / "feedback" / "exits" / f"{ASSIGNMENT.id}.html").read_text(encoding="utf-8")
    assert "Grading stopped early" in page and "exited with status 3" in page


def test_cells_after_the_last_test_are_not_run(graded):
    rows, out, _ = graded
    assert rows["after_tests"]["status"] == "graded" and score(rows, "after_tests") == max_score(), rows["after_tests"]
    executed = read_notebook(out / "autograded" / "after_tests" / ASSIGNMENT.notebook)
    assert executed.cells[-1].outputs == [] and executed.cells[-1].execution_count is None


def test_enormous_output_is_truncated(graded):
    rows, out, _ = graded
    assert score(rows, "huge_output") == max_score()
    assert "truncated" in rows["huge_output"]["message"]
    assert (out / "autograded" / "huge_output" / ASSIGNMENT.notebook).stat().st_size < 12_000_000


def test_no_process_of_a_sandbox_outlives_the_run(graded):
    rows, _, _ = graded
    assert score(rows, "survivor") == max_score()
    assert not survivors(MARKER)


def test_the_kernel_sees_only_its_sandbox(graded):
    _, out, _ = graded
    executed = read_notebook(out / "autograded" / "snoop" / ASSIGNMENT.notebook)
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", []))
    seen = json.loads(re.search(r"SNOOP(\{.*\})", text).group(1))
    assert seen["cwd"] == "/home/student" and not seen["repo"] and not seen["venv_written"] and seen["uid"] == 1000
    assert str(out) not in json.dumps(seen) and seen["env"]["DLCOURSE_FAST"] == "1"
    # The system folders, the sandbox's /data (datasets), and the top folder of the read-only Python
    # environment (CI clones the repository elsewhere)
    system = {"bin", "data", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "proc", "run", "sbin", "sys", "tmp", "usr"}
    environment = {Path(p).resolve().parts[1] for p in (sys.prefix, sys.base_prefix, dlcourse.__file__)}
    assert set(seen["root"]) <= system | environment, f"visible at /: {sorted(set(seen['root']) - system)}"


@pytest.mark.parametrize("student, words", [("broken", "not valid JSON"), ("picture", "not a notebook")])
def test_unreadable_files_get_an_error_row_and_a_feedback_page(graded, student, words):
    rows, out, _ = graded
    assert rows[student]["status"] == "error" and score(rows, student) == 0
    assert words in rows[student]["message"]
    pages = list((out / "feedback" / student).glob("*.html"))
    assert pages and words in pages[0].read_text(encoding="utf-8")


def test_csv_and_console_carry_no_control_characters(graded):
    rows, out, stdout = graded
    assert "\x1b" not in (out / "grades.csv").read_text(encoding="utf-8") and "\x1b" not in stdout
    assert any(student.startswith("ansi") for student in rows)
    assert all(row["sandboxed"] == "yes" for row in rows.values())


def test_gradebook_matches_the_csv_and_the_summary_prints_pass_rates(graded):
    rows, out, stdout = graded
    result = subprocess.run([sys.executable, "-m", "autograder", "export", "--out", str(out)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    with open(out / "gradebook_export.csv", newline="") as handle:
        exported = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}
    for student, row in rows.items():
        assert exported[student] == float(row["score"]), student
    assert re.search(r"predict_hidden\s+\d+\.\d%", stdout)
    assert (out / "score_histogram.png").read_bytes()[:4] == b"\x89PNG"


def test_every_file_has_a_stored_result_and_the_seed_is_saved(graded):
    rows, out, _ = graded
    assert len(list((out / "results").glob("[0-9a-f]*.json"))) == len(rows)
    assert (out / "seed").read_text().strip() == "fixed-seed" and (out / "seed").stat().st_mode & 0o077 == 0


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Three students: right, wrong, untouched (as a zip)."""
    folder = tmp_path_factory.mktemp("small")
    for student, notebook in (("ann", student_solution()), ("ben", wrong_predict()), ("cat", release())):
        write(notebook, folder / "subs" / student / ASSIGNMENT.notebook)
    with zipfile.ZipFile(folder / "subs.zip", "w") as bundle:
        for path in sorted((folder / "subs").rglob("*.ipynb")):
            bundle.write(path, path.relative_to(folder).as_posix())
    return folder / "subs.zip"


@pytest.fixture(scope="module")
def small_graded(small, tmp_path_factory):
    """One run over the three small submissions with a shared seed: what resuming and sharding must reproduce."""
    out = tmp_path_factory.mktemp("small-graded") / "out"
    result = run_grader(small, out, "--seed", "shared", *LIMITS)
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def test_grading_again_resumes_and_gives_identical_grades(small, small_graded, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(small_graded, out)
    rows = read_rows(out)
    assert [float(r["score"]) for r in rows] == [max_score(), max_score() - points_of("predict_hidden"), 0.0]
    second = run_grader(small, out, *LIMITS)  # the seed saved in OUT/seed
    assert second.returncode == 0, second.stderr[-2000:]
    assert "3 file(s) already graded" in second.stdout
    assert read_rows(out) == rows
    third = run_grader(small, out, "--seed", "another", *LIMITS)  # a new seed regrades everything
    assert "already graded" not in third.stdout
    assert [r["score"] for r in read_rows(out)] == [r["score"] for r in rows]


def test_a_killed_run_leaves_no_process_or_scratch_and_resumes(small, tmp_path):
    out = tmp_path / "out"
    scratch = tmp_path / "scratch"  # this run's own temp folder: other tests grade in parallel under xdist
    scratch.mkdir()
    before = set(scratch.glob("autograder-run-*"))
    grader = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(small), "--assignment", ASSIGNMENT.id,
                               "--out", str(out), "--jobs", "2", *LIMITS], cwd=REPO_ROOT,
                              env={**os.environ, "TMPDIR": str(scratch)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not list((out / "results").glob("[0-9a-f]*.json")) and time.monotonic() < deadline:
            time.sleep(0.1)
        tree = psutil.Process(grader.pid).children(recursive=True)
        assert any(p.name() == "bwrap" for p in tree)
        os.kill(grader.pid, signal.SIGKILL)
        grader.wait()
    finally:
        grader.kill()

    def left() -> list:  # the tree seen before the kill, and any sandbox started since (its binds name scratch)
        alive = [p for p in tree if running(p)]
        return alive + [p for p in survivors(str(scratch)) if p not in alive and running(p)]

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (left() or set(scratch.glob("autograder-run-*")) - before):
        time.sleep(0.1)
    assert not left()
    assert not set(scratch.glob("autograder-run-*")) - before
    stored = len(list((out / "results").glob("[0-9a-f]*.json")))
    assert stored >= 1
    resumed = run_grader(small, out, *LIMITS)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"{stored} file(s) already graded" in resumed.stdout
    assert len(read_rows(out)) == 3


def test_two_shards_merged_equal_a_single_run(small, small_graded, tmp_path):
    single, merged = tmp_path / "single", tmp_path / "merged"
    shutil.copytree(small_graded, single)
    shards = [tmp_path / f"shard{k}" for k in range(2)]
    for k, folder in enumerate(shards):
        result = run_grader(small, folder, "--seed", "shared", "--shard", f"{k}/2", *LIMITS)
        assert result.returncode == 0, result.stderr[-2000:]
    assert sum(len(read_rows(folder)) for folder in shards) == 3
    result = subprocess.run([sys.executable, "-m", "autograder", "merge", *map(str, shards), "--out", str(merged)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (merged / "grades.csv").read_bytes() == (single / "grades.csv").read_bytes()
    exports = []
    for folder in (single, merged):
        subprocess.run([sys.executable, "-m", "autograder", "export", "--out", str(folder)], cwd=REPO_ROOT, check=True,
                       capture_output=True, timeout=120)
        exports.append((folder / "gradebook_export.csv").read_text())
    assert exports[0] == exports[1]
    assert sorted(p.relative_to(merged).as_posix() for p in (merged / "feedback").rglob("*.html")) == \
        sorted(p.relative_to(single).as_posix() for p in (single / "feedback").rglob("*.html"))


def test_shards_without_a_shared_seed_are_refused(small, tmp_path):
    result = run_grader(small, tmp_path / "out", "--shard", "0/2")
    assert result.returncode == 2 and "--seed" in result.stderr


def test_no_sandbox_grades_but_marks_every_row_and_the_summary(small, tmp_path):
    out = tmp_path / "out"
    result = run_grader(small, out, "--no-sandbox", *LIMITS)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = read_rows(out)
    assert [float(r["score"]) for r in rows] == [max_score(), max_score() - points_of("predict_hidden"), 0.0]
    assert all(r["sandboxed"].startswith("NO") for r in rows) and "WITHOUT the sandbox" in result.stdout
