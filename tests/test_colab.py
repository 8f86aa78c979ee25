"""Colab: the setup cell adds dlcourse and changes no preinstalled package; widgets and [FAIL] lines work there.

A fresh virtual environment gets a Colab-like runtime (tests/data/colab_like.txt: ipywidgets 7.7.1,
IPython 7.34, ipykernel 6.17, ...), then dlcourse is installed the way the setup cell does it
(``pip install "dlcourse @ ..."``, here from this checkout's utils/). ``pip freeze`` before and
after must differ by the added dlcourse line only. A kernel of that environment then runs an
``explore`` cell in full mode and a stub exercise with its visible test. Needs PyPI.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO_ROOT

COLAB_LIKE = REPO_ROOT / "tests" / "data" / "colab_like.txt"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _pip(python: Path, *args: str) -> str:
    result = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"pip {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """(python of the Colab-like environment, freeze before dlcourse, freeze after)."""
    root = tmp_path_factory.mktemp("colab")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, timeout=300)
    python = root / "venv" / "bin" / "python"
    # Exact pins, installed without resolving (a frozen, consistent set): quick and repeatable.
    _pip(python, "install", "--quiet", "--no-deps", "--no-compile", "-r", str(COLAB_LIKE))
    _pip(python, "check")
    before = _pip(python, "freeze", "--all")
    # What the setup cell runs on Colab, with this checkout's package instead of the GitHub URL
    # (a copy, so that the build leaves nothing in utils/).
    package = shutil.copytree(REPO_ROOT / "utils", root / "utils", ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    _pip(python, "install", "--quiet", f"dlcourse @ {package.as_uri()}")
    after = _pip(python, "freeze", "--all")
    return python, before, after


def test_installing_dlcourse_on_colab_changes_no_preinstalled_package(colab):
    _, before, after = colab
    before_lines, after_lines = set(before.splitlines()), set(after.splitlines())
    removed, added = before_lines - after_lines, after_lines - before_lines
    assert not removed, f"pip changed preinstalled packages: {sorted(removed)} -> {sorted(added)}"
    assert len(added) == 1 and next(iter(added)).startswith("dlcourse @ "), sorted(added)


def test_widgets_and_fail_lines_work_with_colabs_ipywidgets_7(colab, tmp_path, monkeypatch):
    python, _, _ = colab
    assert "ipywidgets==7.7" in colab[2]
    spec = tmp_path / "kernels" / "colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("DLCOURSE_FAST", "0")  # full mode: widgets active
    cells = [
        'from dlcourse import env\nenv.report_environment(("numpy", "ipywidgets"))',
        "import matplotlib.pyplot as plt\nfrom dlcourse import widgets\n\n"
        "def draw(slope):\n    plt.plot([0, 1], [0, slope])\n    plt.title('line')\n\n"
        "widgets.explore(draw, slope=(-1.0, 1.0, 0.1, 0.5))",
        'def predict(x):\n    """A stub, as in a release notebook."""\n    # YOUR CODE HERE\n    raise NotImplementedError()',
        'from dlcourse.checks import check_close\ncheck_close("predict", predict(1.0), 2.0)',
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=180, kernel_name="colab", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [cell.outputs for cell in notebook.cells]
    printed = "".join(o.get("text", "") for o in outputs[0])
    assert re.search(r"ipywidgets: 7\.7\.", printed), printed
    views = [o for o in outputs[1] if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1 and not any(o["output_type"] == "error" for o in outputs[1]), outputs[1]
    errors = [o for o in outputs[3] if o["output_type"] == "error"]
    assert len(errors) == 1 and ANSI.sub("", "\n".join(errors[0]["traceback"])) == (
        "[FAIL] predict: not implemented yet — write your code where it says YOUR CODE HERE")
