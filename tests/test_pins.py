"""The pins install on Linux x86_64, macOS arm64 and Windows x86_64, and pin everything pip would install.

The resolution test asks PyPI (network) through pip's own resolver, once per lock and platform,
all six in parallel (.ci/pins.py check); the other tests read the files only.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time

import pytest
from packaging.requirements import Requirement

from tests.conftest import REPO_ROOT

spec = importlib.util.spec_from_file_location("pins", REPO_ROOT / ".ci" / "pins.py")
pins = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pins)

FULL, LIGHT = REPO_ROOT / "requirements.lock", REPO_ROOT / "requirements-light.lock"


def test_every_lock_line_is_an_exact_pin_with_a_platform_marker_at_most():
    allowed = set(pins.PLATFORM_MARKERS.values())
    for lock in (FULL, LIGHT):
        lines = pins.lock_lines(lock)
        assert lines
        for line in lines:
            requirement = Requirement(line)
            assert re.fullmatch(r"==[^,*]+", str(requirement.specifier)), f"{lock.name}: not an exact pin: {line}"
            assert requirement.marker is None or str(requirement.marker) in allowed, f"{lock.name}: unexpected marker: {line}"


@pytest.mark.parametrize("package", ["nvidia-cublas", "triton", "cuda-toolkit", "pywinpty", "appnope", "colorama"])
def test_platform_only_packages_carry_a_marker(package):
    lines = [Requirement(line) for line in pins.lock_lines(FULL)]
    found = [r for r in lines if pins.canonical(r.name) == package]
    assert found and all(r.marker is not None for r in found), f"{package} must be pinned for its platform only"


def test_the_filter_evaluates_markers_for_the_target_platform():
    lines = ['triton==3.8.0 ; sys_platform == "linux"', 'pywinpty==3.1.2 ; sys_platform == "win32"',
             'pexpect==4.9.0 ; sys_platform != "win32"', "numpy==2.4.6"]
    assert pins.lines_for("linux", lines) == [lines[0], lines[2], lines[3]]
    assert pins.lines_for("macos", lines) == [lines[2], lines[3]]
    assert pins.lines_for("windows", lines) == [lines[1], lines[3]]


def test_light_lock_is_the_full_lock_without_the_frameworks():
    full = {pins.canonical(Requirement(line).name): line for line in pins.lock_lines(FULL)}
    light = {pins.canonical(Requirement(line).name): line for line in pins.lock_lines(LIGHT)}
    for package, line in light.items():
        assert Requirement(full[package]).specifier == Requirement(line).specifier, f"{package}: light and full pins differ"
    for needed in ("numpy", "matplotlib", "jupyterlab", "ipywidgets", "ipykernel", "psutil", "tqdm"):
        assert needed in light
    for framework in ("tensorflow", "torch", "keras", "torchvision", "triton", "nvidia-cublas"):
        assert framework not in light


def test_environment_yml_lists_the_lock_lines_with_their_markers():
    lock = pins.lock_lines(FULL)
    conda = [line.strip()[2:] for line in (REPO_ROOT / "environment.yml").read_text().splitlines()
             if line.startswith("      - ") and not line.strip().startswith("- -e")]
    assert conda == lock, "run `make environment.yml` after changing requirements.lock"


def test_first_install_shows_pip_progress():
    """`make lab` on a fresh clone installs for minutes: pip's progress must show (no --quiet)."""
    dry = subprocess.run(["make", "-n", "-B", "venv", "venv-light"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    installs = [line for line in dry.splitlines() if "pip install" in line and "-r requirements" in line]
    assert len(installs) == 2 and not any("--quiet" in line or " -q" in line for line in installs), installs


def test_pins_resolve_with_pip_for_linux_macos_and_windows(request):
    """.ci/pins.py check on both locks: six pip resolutions (3 platforms x 2 locks) in parallel.

    Under pytest-xdist (make test) conftest.py starts it when the session starts, so that its
    network waits overlap the other tests; here it is only awaited.
    """
    started = time.monotonic()
    workerinput = getattr(request.config, "workerinput", None)
    folder = pins.background_folder(workerinput["testrunuid"]) if workerinput else None
    if folder is not None:
        returncode, output = pins.wait_for_background(folder)
    else:
        result = subprocess.run([sys.executable, str(REPO_ROOT / ".ci" / "pins.py"), "check", str(FULL), str(LIGHT)],
                                capture_output=True, text=True, timeout=900)
        returncode, output = result.returncode, result.stdout + result.stderr
    print(output[-3000:], f"(waited {time.monotonic() - started:.0f} s)")
    assert returncode == 0, output[-6000:]
    for lock in ("requirements", "requirements-light"):
        for target in pins.TARGETS:
            assert f"{lock}-{target}: resolved" in output
