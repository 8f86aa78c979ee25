"""`make check-work`: the visible checks of a student's notebooks, one progress table, files only read."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

NB = "01_linear_regression"


def _student_checkout(root: Path, work_copy: Path | None) -> Path:
    """A student edition's layout: tools/check_work.py, release/ and (optionally) one notebook in work/."""
    (root / "tools").mkdir(parents=True)
    shutil.copy(REPO_ROOT / ".ci" / "check_work.py", root / "tools" / "check_work.py")
    for folder in ("01_linear_regression", "02_logistic_regression"):
        shutil.copytree(REPO_ROOT / "release" / folder, root / "release" / folder)
    if work_copy is not None:
        (root / "work" / NB).mkdir(parents=True)
        shutil.copy(work_copy, root / "work" / NB / f"{NB}.ipynb")
    return root


def _check_work(root: Path, *names: str) -> str:
    result = subprocess.run([sys.executable, str(root / "tools" / "check_work.py"), *names], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _rows(printed: str) -> list[str]:
    """The printed lines with runs of spaces (the table's padding) reduced to one."""
    return [" ".join(line.split()) for line in printed.splitlines()]


@pytest.mark.parametrize("work_copy, expected", [
    (REPO_ROOT / "source" / NB / f"{NB}.ipynb", f"{NB} 7 of 7 all visible checks pass"),
    (REPO_ROOT / "release" / NB / f"{NB}.ipynb", f"{NB} 0 of 7 predict (fails its check)"),
])
def test_the_table_counts_passing_exercises_and_names_the_next_one(tmp_path, work_copy, expected):
    root = _student_checkout(tmp_path / "student", work_copy)
    mine = root / "work" / NB / f"{NB}.ipynb"
    before = hashlib.sha256(mine.read_bytes()).hexdigest(), mine.stat().st_mtime_ns
    printed = _check_work(root, NB, "02_logistic_regression")
    assert expected in _rows(printed), printed
    assert "02_logistic_regression - not started: `make lab` creates work/02_logistic_regression" in _rows(printed)
    assert (hashlib.sha256(mine.read_bytes()).hexdigest(), mine.stat().st_mtime_ns) == before, "the work copy was written"
    assert sorted(p.name for p in mine.parent.iterdir()) == [mine.name], "nothing may be left beside the work copy"


def test_a_half_done_notebook_names_the_first_failing_exercise(tmp_path):
    """Notebook 01 solved but with loss_gradient's sign flipped: the two exercises built on it fail too (4 of 7)."""
    import nbformat

    notebook = nbformat.read(REPO_ROOT / "source" / NB / f"{NB}.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "loss_gradient")
    body = cell.source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
    assert "return" in body
    cell.source = cell.source.replace(body, body.replace("return ", "return -", 1))
    wrong = tmp_path / "wrong.ipynb"
    nbformat.write(notebook, wrong)
    root = _student_checkout(tmp_path / "student", wrong)
    printed = _check_work(root, NB)
    assert f"{NB} 4 of 7 loss_gradient (fails its check)" in _rows(printed), printed


def test_an_unknown_notebook_name_lists_the_ones_that_exist(tmp_path):
    root = _student_checkout(tmp_path / "student", None)
    result = subprocess.run([sys.executable, str(root / "tools" / "check_work.py"), "01_linear"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "no notebook named 01_linear; the course has: 01_linear_regression, 02_logistic_regression" in result.stdout
