"""The suite's own plumbing (conftest.py): nbval cells may not write to stderr; shared fixtures survive xdist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

from tests.conftest import REPO_ROOT


def _pytest(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """pytest in ``folder`` with the repository's conftest.py loaded as a plugin."""
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider",
                           "--rootdir", str(folder), *args], cwd=folder, env=environment,
                          capture_output=True, text=True, timeout=300)


def test_a_notebook_cell_that_writes_to_stderr_fails_under_nbval(tmp_path):
    cells = ["x = 1", "import sys\nsys.stderr.write('a warning students would see in red\\n')", "y = x + 1"]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), tmp_path / "noisy.ipynb")
    result = _pytest(tmp_path, "--nbval-lax", "--nbval-current-env", "-q", "noisy.ipynb")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "2 passed" in result.stdout and "1 failed" in result.stdout, result.stdout[-3000:]
    assert "wrote to stderr" in result.stdout and "a warning students would see" in result.stdout


def test_a_module_scoped_fixture_is_built_once_per_parameter_under_xdist(tmp_path):
    (tmp_path / "test_shared.py").write_text('''
import os
import pytest

@pytest.fixture(scope="module", params=["a", "b", "c"])
def expensive(request, tmp_path_factory):
    marker = os.path.join(os.environ["BUILT"], request.param + "-" + os.environ.get("PYTEST_XDIST_WORKER", "main"))
    open(marker, "w").close()
    return request.param

@pytest.mark.parametrize("i", range(4))
def test_uses_it(expensive, i):
    assert expensive in "abc"
''')
    built = tmp_path / "built"
    built.mkdir()
    os.environ["BUILT"] = str(built)
    try:
        result = _pytest(tmp_path, "-n", "2", "--dist", "loadgroup", "-q", "test_shared.py")
    finally:
        del os.environ["BUILT"]
    assert result.returncode == 0, result.stdout[-3000:]
    made = sorted(p.name.split("-")[0] for p in built.iterdir())
    assert made == ["a", "b", "c"], f"each fixture instance must be built once, got {sorted(p.name for p in built.iterdir())}"
