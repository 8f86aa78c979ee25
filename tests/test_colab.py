"""Colab: the setup cell adds dlcourse and changes no preinstalled package; widgets and [FAIL] lines work there.

A fresh virtual environment gets a Colab-like runtime (tests/data/colab_like.txt: ipywidgets 7.7.1,
IPython 7.34, ipykernel 6.17, ...). Then notebook 01's setup cell, taken from a freshly published
student edition, runs in a kernel of that environment as on Colab, installing dlcourse from that
edition (a local git repository in place of the GitHub URL). ``pip freeze`` before and after must
differ by the added dlcourse line only, and the cell prints no restart note. A kernel of that environment then runs an
``explore`` cell in full mode and a stub exercise with its visible test. Needs PyPI.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.publish import publish
from tests.conftest import COURSE, REPO_ROOT
from tests.grader.authoring.test_publish import make_course_copy
from tests.notebook_client import ShortPollClient

COLAB_LIKE = REPO_ROOT / "tests" / "data" / "colab_like.txt"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _pip(python: Path, *args: str) -> str:
    result = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"pip {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


FAKE_COLAB = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')  # as on Colab"


def _kernel_spec(folder: Path, python: Path) -> Path:
    """A kernel named "colab" that runs ``python``; returns the folder to put on JUPYTER_PATH."""
    spec = folder / "kernels" / "colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python"}))
    return folder


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """(python of the Colab-like environment, freeze before the setup cell, freeze after, its outputs, the edition).

    The setup cell is the one of notebook 01 in a freshly published student edition, run as on
    Colab, with the student repository's URL pointing at that edition (a local git repository).
    """
    root = tmp_path_factory.mktemp("colab")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, timeout=300)
    python = root / "venv" / "bin" / "python"
    # Exact pins, installed without resolving (a frozen, consistent set): quick and repeatable.
    _pip(python, "install", "--quiet", "--no-deps", "--no-compile", "-r", str(COLAB_LIKE))
    _pip(python, "check")
    before = _pip(python, "freeze", "--all")
    edition = root / "course-students"
    publish(COURSE, edition, make_course_copy(tmp_path_factory.mktemp("course")))
    release = nbformat.read(edition / "release" / "01_linear_regression" / "01_linear_regression.ipynb", as_version=4)
    setup = next(c for c in release.cells if c.cell_type == "code")
    assert f"git+{COURSE.student_repository}@" in setup.source
    setup.source = setup.source.replace(f"git+{COURSE.student_repository}@", f"git+file://localhost{edition}@")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FAKE_COLAB), setup])
    environment = {**os.environ, "JUPYTER_PATH": str(_kernel_spec(root / "jupyter", python))}
    with _environment(environment):
        ShortPollClient(notebook, timeout=600, kernel_name="colab", resources={"metadata": {"path": str(root)}}).execute()
    after = _pip(python, "freeze", "--all")
    return python, before, after, setup.outputs, edition


@contextlib.contextmanager
def _environment(variables: dict[str, str]):
    saved = dict(os.environ)
    os.environ.update(variables)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_the_editions_setup_cell_installs_dlcourse_from_the_edition_and_reports_quietly(colab):
    _, _, after, outputs, _ = colab
    assert any(line.startswith("dlcourse @ git+file://localhost/") for line in after.splitlines()), after
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"], outputs
    printed = "".join(o.get("text", "") for o in outputs)
    assert re.search(r"numpy: \d", printed), printed
    assert "restart" not in printed.lower(), "nothing changed that needs a restart: no restart note"


def test_installing_dlcourse_on_colab_changes_no_preinstalled_package(colab):
    _, before, after, _, _ = colab
    before_lines, after_lines = set(before.splitlines()), set(after.splitlines())
    removed, added = before_lines - after_lines, after_lines - before_lines
    assert not removed, f"pip changed preinstalled packages: {sorted(removed)} -> {sorted(added)}"
    assert len(added) == 1 and next(iter(added)).startswith("dlcourse @ git+file://localhost/"), sorted(added)


def test_widgets_and_fail_lines_work_with_colabs_ipywidgets_7(colab, tmp_path, monkeypatch):
    python = colab[0]
    assert "ipywidgets==7.7" in colab[2]
    monkeypatch.setenv("JUPYTER_PATH", str(_kernel_spec(tmp_path, python)))
    monkeypatch.setenv("DLCOURSE_FAST", "0")  # full mode: widgets active
    cells = [
        'from dlcourse import env\nenv.report_environment(("numpy", "ipywidgets"))',
        "import matplotlib.pyplot as plt\nfrom dlcourse import widgets\n\n"
        "def draw(slope):\n    plt.plot([0, 1], [0, slope])\n    plt.title('line')\n\n"
        "widgets.explore(draw, slope=(-1.0, 1.0, 0.1, 0.5))",
        'def predict(x):\n    """A stub, as in a release notebook."""\n    # YOUR CODE HERE\n    raise NotImplementedError()',
        'from dlcourse.checks import check_close\ncheck_close("predict", predict(1.0), 2.0)',
        'from dlcourse import progress\nprogress.summary({"predict": ["predict"], "fit": ["fit"]})',
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    ShortPollClient(notebook, timeout=180, kernel_name="colab", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [cell.outputs for cell in notebook.cells]
    printed = "".join(o.get("text", "") for o in outputs[0])
    assert re.search(r"ipywidgets: 7\.7\.", printed), printed
    views = [o for o in outputs[1] if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1 and not any(o["output_type"] == "error" for o in outputs[1]), outputs[1]
    errors = [o for o in outputs[3] if o["output_type"] == "error"]
    assert len(errors) == 1 and ANSI.sub("", "\n".join(errors[0]["traceback"])) == (
        "[FAIL] predict: not implemented yet — write your code where it says YOUR CODE HERE")
    summary = "".join(o.get("text", "") for o in outputs[4])
    assert "Exercises passing: 0 of 2. Next: predict (its check says [FAIL])." in summary, outputs[4]


@pytest.mark.parametrize("assignment_id", ["01_linear_regression", "04_activations"])
def test_the_editions_numpy_notebooks_run_on_colab_where_only_unwritten_exercises_fail(
        colab, tmp_path, monkeypatch, assignment_id):
    """A student's first Run All on Colab: nothing on stderr, and every error is an exercise's one-line [FAIL]
    or a NameError in a later cell that uses what a failed cell was to define."""
    python, edition = colab[0], colab[4]
    monkeypatch.setenv("JUPYTER_PATH", str(_kernel_spec(tmp_path, python)))
    monkeypatch.setenv("DLCOURSE_FAST", "1")
    notebook = nbformat.read(edition / "release" / assignment_id / f"{assignment_id}.ipynb", as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(FAKE_COLAB))
    ShortPollClient(notebook, timeout=300, kernel_name="colab", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("name") == "stderr"], [o for o in outputs if o.get("name") == "stderr"]
    errors = [ANSI.sub("", "\n".join(o["traceback"])) for o in outputs if o["output_type"] == "error"]
    course_failures = [e for e in errors if e.startswith("[FAIL] ") and "\n" not in e]
    consequences = [e for e in errors if re.search(r"\nNameError: name '\w+' is not defined$", e)]
    assert course_failures and len(course_failures) + len(consequences) == len(errors), errors
    assert "Exercises passing: 0 of" in "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
