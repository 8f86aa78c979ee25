"""The per-submission sandbox folder and the kernel's environment."""

import os

from autograder.course import REPO_ROOT
from autograder.sandbox import Sandbox
from autograder.settings import GradingSettings


def test_environment_turns_fast_mode_on_and_keeps_home_inside(monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "do-not-leak")
    sandbox = Sandbox(GradingSettings(jobs=2))
    try:
        env = sandbox.environment()
        assert env["DLCOURSE_FAST"] == "1"
        assert env["HOME"] == str(sandbox.path) and env["TMPDIR"].startswith(str(sandbox.path))
        assert "SECRET_TOKEN" not in env
        assert not str(sandbox.path).startswith(str(REPO_ROOT))
        assert env["OMP_NUM_THREADS"] == str(max(1, (os.cpu_count() or 1) // 2))
    finally:
        sandbox.remove()
    assert not sandbox.path.exists()


def test_release_data_files_are_copied_but_notebooks_are_not(tmp_path):
    (tmp_path / "data.csv").write_text("1,2")
    (tmp_path / "other.ipynb").write_text("{}")
    sandbox = Sandbox(GradingSettings(), assets=tmp_path)
    try:
        assert (sandbox.path / "data.csv").is_file() and not (sandbox.path / "other.ipynb").exists()
    finally:
        sandbox.remove()
