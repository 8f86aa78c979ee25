#!/usr/bin/env python3
"""Check and regenerate the course's pins for Linux x86_64, macOS arm64 and Windows x86_64.

    python .ci/pins.py check [LOCK ...]      # pip's resolver, once per platform, in parallel
    python .ci/pins.py lock                  # regenerate requirements.lock from requirements.in
    python .ci/pins.py light                 # regenerate requirements-light.lock from the full lock

``check`` filters every lock line by its environment marker for the *target* platform, hands the
rest to ``pip install --dry-run --ignore-installed --only-binary=:all: --platform ... --report``
and compares what pip would install with the filtered pins: every pin must have a wheel for that
platform and nothing unpinned may be pulled in. pip evaluates the markers of dependencies
(``pexpect; sys_platform != "win32"``, torch's ``nvidia-*; platform_system == "Linux"``) for the
machine it runs on, so each pip run happens in a child process whose marker environment is the
target's (``pip._vendor.packaging.markers.default_environment`` replaced): the resolver itself is
pip's own. Needs the network (PyPI); about a minute, most of it pip fetching metadata.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_LOCK = ROOT / "requirements.lock"
LIGHT_LOCK = ROOT / "requirements-light.lock"
ROOTS = ROOT / "requirements.in"
INDEX = "https://pypi.org/simple"
PYTHON_VERSION = "3.11.9"

# The marker environment of each platform students use (PEP 508 names) and pip's platform tags.
TARGETS: dict[str, dict] = {
    "linux": {
        # pip expands macosx_14_0 to older macOS versions itself, but not manylinux_2_28: list them all.
        "platforms": [f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)]
        + ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"],
        "env": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix"},
    },
    "macos": {
        "platforms": ["macosx_14_0_arm64"],
        "env": {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64", "os_name": "posix"},
    },
    "windows": {
        "platforms": ["win_amd64"],
        "env": {"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64", "os_name": "nt"},
    },
}
# What a lock line says when a package exists on some platforms only.
PLATFORM_MARKERS = {
    frozenset({"linux"}): 'sys_platform == "linux"',
    frozenset({"macos"}): 'sys_platform == "darwin"',
    frozenset({"windows"}): 'sys_platform == "win32"',
    frozenset({"linux", "macos"}): 'sys_platform != "win32"',
    frozenset({"linux", "windows"}): 'sys_platform != "darwin"',
    frozenset({"macos", "windows"}): 'sys_platform != "linux"',
}


def marker_environment(target: str) -> dict[str, str]:
    """The full PEP 508 marker environment of a target platform running CPython 3.11."""
    return {
        "implementation_name": "cpython",
        "implementation_version": PYTHON_VERSION,
        "platform_python_implementation": "CPython",
        "python_version": PYTHON_VERSION.rsplit(".", 1)[0],
        "python_full_version": PYTHON_VERSION,
        "platform_release": "",
        "platform_version": "",
        **TARGETS[target]["env"],
    }


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_lines(path: Path) -> list[str]:
    """The requirement lines of a lock or requirements file (comments and blanks dropped)."""
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]


def lines_for(target: str, lines: list[str]) -> list[str]:
    """The lines whose environment marker holds on ``target`` (pip would evaluate them for this machine)."""
    from packaging.requirements import Requirement

    environment = marker_environment(target)
    kept = []
    for line in lines:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            kept.append(line)
    return kept


def pins_of(lines: list[str]) -> dict[str, str]:
    """{canonical name: version} of ``name==version`` lines (markers ignored)."""
    from packaging.requirements import Requirement

    pins = {}
    for line in lines:
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==":
            raise ValueError(f"not an exact pin: {line!r}")
        pins[canonical(requirement.name)] = specifiers[0].version
    return pins


def pip_command(target: str, requirements: Path, report: Path, constraints: Path | None = None) -> list[str]:
    """The child process that runs pip's resolver for ``target`` (see ``_run_pip_for_target``)."""
    command = [sys.executable, str(Path(__file__).resolve()), "_pip", target, "--",
               "install", "--dry-run", "--ignore-installed", "--only-binary=:all:", "--use-feature=fast-deps",
               "--python-version", PYTHON_VERSION, "--implementation", "cp",
               "--index-url", INDEX, "--report", str(report), "--quiet", "-r", str(requirements)]
    for platform_tag in TARGETS[target]["platforms"]:
        command += ["--platform", platform_tag]
    if constraints is not None:
        command += ["-c", str(constraints)]
    return command


def pip_environment() -> dict[str, str]:
    """This process's environment without local pip configuration: resolve against PyPI only."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("PIP_") or k in ("PIP_CERT", "PIP_DEFAULT_TIMEOUT")}
    environment["PIP_CONFIG_FILE"] = os.devnull
    environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return environment


def _run_pip_for_target(target: str, pip_args: list[str]) -> int:
    """Run pip's CLI in this process with the marker environment of ``target``.

    Only how pip fetches metadata changes, never what its resolver decides: pip reads each wheel's
    METADATA with HTTP range requests (its own ``--use-feature=fast-deps``) and, after resolving,
    downloads nothing more (a dry run installs nothing; pip would otherwise fetch gigabytes of
    torch and CUDA wheels just to describe them in the report).
    """
    from pip._internal.cli.main import main as pip_main
    from pip._internal.operations import prepare
    from pip._internal.utils.direct_url_helpers import direct_url_from_link
    from pip._vendor.packaging import markers

    environment = marker_environment(target)
    markers.default_environment = lambda: dict(environment)

    fetched: dict[str, object] = {}
    fetch_metadata = prepare.dist_from_wheel_url

    def dist_from_wheel_url(name, url, session):
        fetched[url] = fetch_metadata(name, url, session)
        return fetched[url]

    prepare.dist_from_wheel_url = dist_from_wheel_url
    scratch = Path(tempfile.mkdtemp(prefix="pins-metadata-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)

    def metadata_only(self, reqs, parallel_builds=False):
        """Stands in for RequirementPreparer.prepare_linked_requirements_more in a dry run."""
        for req in reqs:
            if not req.needs_more_preparation:
                continue
            dist = fetched[req.link.url.split("#", 1)[0]]
            folder = scratch / f"{canonical(dist.canonical_name)}-{dist.version}.dist-info"
            folder.mkdir(exist_ok=True)
            (folder / "METADATA").write_text(dist.read_text("METADATA"))
            req.metadata_directory = str(folder)
            req.download_info = direct_url_from_link(req.link)
            req.needs_more_preparation = False

    prepare.RequirementPreparer.prepare_linked_requirements_more = metadata_only
    return pip_main(pip_args)


def resolve(jobs: dict[str, tuple[list[str], list[str] | None]], workdir: Path) -> dict[str, dict]:
    """Run pip once per job in parallel; job name -> (target, requirement lines, constraint lines).

    Returns job name -> {"ok", "installed" {name: version}, "requires" {name: [requires_dist]},
    "error", "seconds"}.
    """
    running = {}
    for name, (target, lines, constraints) in jobs.items():
        requirements = workdir / f"{name}.txt"
        requirements.write_text("\n".join(lines) + "\n")
        constraint_file = None
        if constraints is not None:
            constraint_file = workdir / f"{name}-constraints.txt"
            constraint_file.write_text("\n".join(constraints) + "\n")
        report = workdir / f"{name}.json"
        process = subprocess.Popen(pip_command(target, requirements, report, constraint_file),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=pip_environment())
        running[name] = (process, report, time.monotonic())
    results = {}
    for name, (process, report, started) in running.items():
        output, _ = process.communicate()
        result = {"ok": process.returncode == 0, "error": output[-4000:], "installed": {}, "requires": {},
                  "seconds": time.monotonic() - started}
        if result["ok"]:
            for item in json.loads(report.read_text())["install"]:
                metadata = item["metadata"]
                result["installed"][canonical(metadata["name"])] = metadata["version"]
                result["requires"][canonical(metadata["name"])] = metadata.get("requires_dist", [])
        results[name] = result
    return results


def check(locks: list[Path]) -> list[str]:
    """Problems found when each lock is resolved for each platform; empty when all is well."""
    jobs = {}
    for lock in locks:
        lines = lock_lines(lock)
        for target in TARGETS:
            jobs[f"{lock.stem}-{target}"] = (target, lines_for(target, lines), None)
    problems = []
    with tempfile.TemporaryDirectory(prefix="pins-") as scratch:
        results = resolve(jobs, Path(scratch))
    for name, result in results.items():
        target, lines, _ = jobs[name]
        print(f"{name}: {'resolved' if result['ok'] else 'FAILED'} in {result['seconds']:.0f} s"
              + (f", {len(result['installed'])} packages" if result["ok"] else ""))
        if not result["ok"]:
            problems.append(f"{name}: pip could not resolve the pins:\n{result['error']}")
            continue
        pinned = pins_of(lines)
        for package, version in sorted(result["installed"].items()):
            if package not in pinned:
                problems.append(f"{name}: pip pulls in {package}=={version}, which the lock does not pin for {target}")
            elif pinned[package] != version:
                problems.append(f"{name}: pip picks {package}=={version}, the lock pins {pinned[package]}")
        for package in sorted(set(pinned) - set(result["installed"])):
            problems.append(f"{name}: {package} is pinned for {target} but pip would not install it")
    return problems


def merge(per_target: dict[str, dict[str, str]], names: dict[str, str]) -> list[str]:
    """Lock lines from {target: {package: version}}: one line per version, with a marker when needed."""
    lines = []
    for package in sorted({p for installed in per_target.values() for p in installed}, key=lambda p: names.get(p, p).lower()):
        by_version: dict[str, set[str]] = {}
        for target, installed in per_target.items():
            if package in installed:
                by_version.setdefault(installed[package], set()).add(target)
        for version, targets in sorted(by_version.items()):
            line = f"{names.get(package, package)}=={version}"
            if len(targets) < len(TARGETS):
                line += f" ; {PLATFORM_MARKERS[frozenset(targets)]}"
            lines.append(line)
    return lines


def write_lock(path: Path, header: list[str], lines: list[str]) -> None:
    path.write_text("".join(f"# {h}\n" for h in header) + "\n".join(lines) + "\n")


def _freeze() -> dict[str, str]:
    """{canonical name: version} of this environment (pip freeze), without pip and the course package."""
    output = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    frozen = {}
    for line in output.splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            if canonical(name) not in ("pip", "dlcourse"):
                frozen[name] = version
    return frozen


def _resolve_roots(roots: list[str], constraints: list[str]) -> tuple[dict[str, dict[str, str]], dict[str, dict]]:
    jobs = {target: (target, roots, constraints) for target in TARGETS}
    with tempfile.TemporaryDirectory(prefix="pins-") as scratch:
        results = resolve(jobs, Path(scratch))
    failed = [f"{name}:\n{r['error']}" for name, r in results.items() if not r["ok"]]
    if failed:
        raise SystemExit("pip could not resolve:\n" + "\n".join(failed))
    return {target: r["installed"] for target, r in results.items()}, results


def lock() -> None:
    """requirements.lock: this (Linux) environment's versions, resolved from requirements.in per platform.

    Packages that exist on one platform only (nvidia-*, triton, pywin32, appnope, ...) get a marker.
    A package missing from this environment but needed elsewhere gets the version pip picks there.
    """
    frozen = _freeze()
    names = {canonical(n): n for n in frozen}
    constraints = [f"{n}=={v}" for n, v in frozen.items()]
    per_target, results = _resolve_roots(lock_lines(ROOTS), constraints)
    for target, installed in per_target.items():
        for package, version in installed.items():
            if package not in {canonical(n) for n in frozen}:
                print(f"{target}: {package}=={version} is not in this environment; pinned as pip resolves it")
    unused = {canonical(n) for n in frozen} - set(per_target["linux"])
    if unused:
        print("not needed by requirements.in, left out: " + ", ".join(sorted(unused)))
    write_lock(FULL_LOCK, [
        "Exact pins of the whole course stack, Python 3.11 on Linux x86_64, macOS arm64 (14+) and Windows x86_64.",
        "Generated from requirements.in by `make lock`; markers restrict platform-only packages.",
        "Checked by tests/test_pins.py with pip's resolver for each platform (python .ci/pins.py check).",
    ], merge(per_target, names))


LIGHT_ROOTS = ["numpy", "matplotlib", "jupyterlab", "ipywidgets", "ipykernel", "psutil", "tqdm", "setuptools", "wheel"]


def light() -> None:
    """requirements-light.lock: the NumPy notebooks' stack, at the full lock's versions, without TF and torch."""
    full = lock_lines(FULL_LOCK)
    names = {canonical(line.split("==", 1)[0]): line.split("==", 1)[0] for line in full}
    jobs = {target: (target, LIGHT_ROOTS, lines_for(target, full)) for target in TARGETS}
    with tempfile.TemporaryDirectory(prefix="pins-") as scratch:
        results = resolve(jobs, Path(scratch))
    failed = [f"{name}:\n{r['error']}" for name, r in results.items() if not r["ok"]]
    if failed:
        raise SystemExit("pip could not resolve:\n" + "\n".join(failed))
    write_lock(LIGHT_LOCK, [
        "The NumPy notebooks' stack (numpy, matplotlib, JupyterLab, ipywidgets) without TensorFlow and PyTorch,",
        "at the versions of requirements.lock. Generated by `make lock` (python .ci/pins.py light); `make lab-light` installs it.",
    ], merge({t: r["installed"] for t, r in results.items()}, names))


def background_folder(run_id: str) -> Path:
    """Where the check of one test run (pytest-xdist's testrunuid) leaves its result."""
    return Path(tempfile.gettempdir()) / f"dlcourse-pins-{run_id}"


def start_in_background(folder: Path, locks: list[Path] | None = None) -> None:
    """Start ``check`` in a detached process; it leaves ``output.txt`` and then ``returncode`` in ``folder``.

    The test suite starts it at collection so that the network waits overlap other tests.
    """
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "check", *map(str, locks or [FULL_LOCK, LIGHT_LOCK])]
    script = (f"import subprocess, sys; r = subprocess.run({command!r}, stdout=open({str(folder / 'output.txt')!r}, 'w'), "
              f"stderr=subprocess.STDOUT); open({str(folder / 'returncode.tmp')!r}, 'w').write(str(r.returncode)); "
              f"import os; os.replace({str(folder / 'returncode.tmp')!r}, {str(folder / 'returncode')!r})")
    subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def wait_for_background(folder: Path, timeout: float = 900) -> tuple[int, str]:
    """The return code and output of a check started by ``start_in_background``."""
    deadline = time.monotonic() + timeout
    while not (folder / "returncode").is_file():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the pins check in {folder} did not finish in {timeout:.0f} s")
        time.sleep(1)
    return int((folder / "returncode").read_text()), (folder / "output.txt").read_text()


def main(argv: list[str]) -> int:
    if argv[:1] == ["_pip"]:
        target, separator, *pip_args = argv[1:]
        assert separator == "--"
        return _run_pip_for_target(target, pip_args)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="resolve each lock for each platform with pip")
    check_parser.add_argument("locks", nargs="*", type=Path, default=[FULL_LOCK, LIGHT_LOCK])
    commands.add_parser("lock", help="regenerate requirements.lock from requirements.in and this environment")
    commands.add_parser("light", help="regenerate requirements-light.lock from requirements.lock")
    args = parser.parse_args(argv)
    if args.command == "check":
        started = time.monotonic()
        problems = check(args.locks)
        for problem in problems:
            print(problem)
        print(f"pins check: {len(problems)} problems, {time.monotonic() - started:.0f} s")
        return 1 if problems else 0
    if args.command == "lock":
        lock()
    else:
        light()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
