"""The kernel sandbox (bubblewrap): what code inside can see, write, reach and outlive."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
import time
from dataclasses import replace

import psutil
import pytest

from autograder.authoring.course import REPO_ROOT
from autograder.execution.sandbox import SANDBOX_UID, Sandbox, SandboxUnavailable, check_sandbox, with_parent_death
from autograder.execution.settings import GradingSettings

SETTINGS = GradingSettings(jobs=2, scratch_mb=32)


def run_inside(tmp_path, code: str, settings: GradingSettings = SETTINGS, timeout: float = 60) -> dict:
    """Run Python ``code`` in a fresh sandbox; it prints one JSON object, which is returned."""
    run_dir = tmp_path / "run"
    run_dir.mkdir(exist_ok=True)
    sandbox = Sandbox(settings, run_dir, seed="s3cret")
    sandbox.connection_file.write_text("{}")
    try:
        result = subprocess.run(sandbox.command([sys.executable, "-c", textwrap.dedent(code)]),
                                env=sandbox.environment(), cwd=sandbox.cwd(), capture_output=True, text=True,
                                timeout=timeout)
        assert result.returncode == 0, result.stderr[-2000:]
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        sandbox.remove()


def test_environment_turns_fast_mode_on_keeps_home_inside_and_passes_no_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_TOKEN", "do-not-leak")
    sandbox = Sandbox(SETTINGS, tmp_path, seed="abc")
    env = sandbox.environment()
    assert env["DLCOURSE_FAST"] == "1" and env["DLCOURSE_GRADING_SEED"] == "abc"
    assert env["HOME"] == "/home/student" and "SECRET_TOKEN" not in env
    assert env["OMP_NUM_THREADS"] == str(max(1, (os.cpu_count() or 1) // 2))
    sandbox.remove()
    assert not sandbox.folder.exists()


def test_repository_source_submissions_and_output_are_invisible(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "grades.csv").write_text("secret")
    seen = run_inside(tmp_path, f"""
        import json, os
        def exists(p): return os.path.exists(p)
        print(json.dumps({{
            "source": exists({str(REPO_ROOT / 'source')!r}),
            "repo": sorted(os.listdir({str(REPO_ROOT)!r})) if exists({str(REPO_ROOT)!r}) else [],
            "out": exists({str(out)!r}), "run": exists({str(tmp_path / 'run')!r}),
            "uid": os.getuid(), "cwd": os.getcwd(), "kernel_dir": sorted(os.listdir("/run/kernel")),
        }}))""")
    assert not seen["source"] and not seen["out"] and not seen["run"]
    assert set(seen["repo"]) <= {".venv", "utils"}
    assert seen["uid"] == SANDBOX_UID and seen["cwd"] == "/home/student"
    assert seen["kernel_dir"] == ["connection.json"]


def test_python_environment_and_helper_package_are_read_only(tmp_path):
    import dlcourse

    seen = run_inside(tmp_path, f"""
        import json, sys, dlcourse
        errors = []
        for path in (sys.prefix + "/pwned", {os.path.dirname(dlcourse.__file__)!r} + "/pwned", "/usr/pwned"):
            try:
                open(path, "w")
                errors.append("written")
            except OSError as error:
                errors.append(error.errno)
        print(json.dumps({{"errors": errors, "dlcourse": dlcourse.__file__}}))""")
    assert seen["errors"] == [30, 30, 30]  # EROFS
    assert seen["dlcourse"] == dlcourse.__file__


def test_no_network_not_even_the_hosts_loopback(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    try:
        seen = run_inside(tmp_path, f"""
            import json, socket
            results = []
            for address in (("127.0.0.1", {port}), ("1.1.1.1", 80)):
                try:
                    socket.create_connection(address, timeout=3)
                    results.append("connected")
                except OSError as error:
                    results.append(type(error).__name__)
            print(json.dumps(results))""")
    finally:
        listener.close()
    assert "connected" not in seen


def test_host_processes_are_invisible_and_cannot_be_signalled(tmp_path):
    seen = run_inside(tmp_path, f"""
        import json, os
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        try:
            os.kill({os.getpid()}, 0)
            reached = True
        except ProcessLookupError:
            reached = False
        print(json.dumps({{"pids": pids, "reached": reached}}))""")
    assert not seen["reached"]
    assert max(seen["pids"]) < 50 and len(seen["pids"]) < 10


@pytest.mark.parametrize("folder, limit_mb", [("/home/student", 32), ("/tmp", 128), ("/dev/shm", 64)])
def test_writable_space_is_bounded(tmp_path, folder, limit_mb):
    seen = run_inside(tmp_path, f"""
        import json, os
        written = 0
        try:
            for i in range(1000):
                with open("{folder}/fill%d" % i, "wb") as handle:
                    handle.write(b"x" * 2**20)
                written += 1
            error = None
        except OSError as exc:
            error = exc.errno
        print(json.dumps({{"written": written, "error": error}}))""")
    assert seen["error"] == 28 and seen["written"] <= limit_mb  # ENOSPC


def test_fork_flood_stops_at_the_process_limit(tmp_path):
    seen = run_inside(tmp_path, """
        import json, os, time
        children = []
        try:
            for _ in range(200):
                pid = os.fork()
                if pid == 0:
                    time.sleep(30)
                    os._exit(0)
                children.append(pid)
            error = None
        except OSError as exc:
            error = exc.errno
        print(json.dumps({"forked": len(children), "error": error}))
        for pid in children:
            os.kill(pid, 9)""", settings=replace(SETTINGS, max_processes=32))
    assert seen["error"] == 11 and seen["forked"] < 32  # EAGAIN


@pytest.mark.skipif(os.geteuid() != 0, reason="a uid of its own needs a grader running as root")
def test_kernel_runs_as_an_unprivileged_uid_of_its_own_outside(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    sandbox = Sandbox(SETTINGS, run_dir)
    sandbox.connection_file.write_text("{}")
    process = subprocess.Popen(sandbox.command([sys.executable, "-c", "import time; time.sleep(30)"]),
                               env=sandbox.environment(), cwd=sandbox.cwd())
    try:
        deadline = time.monotonic() + 30
        python = []
        while not python and time.monotonic() < deadline:
            python = [p for p in psutil.Process(process.pid).children(recursive=True) if p.name().startswith("python")]
            time.sleep(0.05)
        assert python
        uids = python[0].uids()
        assert uids.real == uids.effective == sandbox.uid != 0
        assert python[0].status() != psutil.STATUS_ZOMBIE
    finally:
        process.kill()
        process.wait()
        sandbox.remove()


GRADER = """
import subprocess, sys, time
from pathlib import Path
from autograder.execution.sandbox import Sandbox
from autograder.execution.settings import GradingSettings
sandbox = Sandbox(GradingSettings(), Path(sys.argv[1]))
sandbox.connection_file.write_text("{}")
code = "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n    if os.fork() == 0:\\n        time.sleep(300)\\n" \\
       "time.sleep(300)  # " + sys.argv[2]
subprocess.Popen(sandbox.command([sys.executable, "-c", code]), env=sandbox.environment(), cwd=sandbox.cwd())
print("started", flush=True)
time.sleep(300)
"""


def test_nothing_in_the_sandbox_survives_the_grader_being_killed(tmp_path):
    marker = f"marker-{secrets.token_hex(6)}"
    grader = subprocess.Popen([sys.executable, "-c", GRADER, str(tmp_path), marker], cwd=REPO_ROOT,
                              stdout=subprocess.PIPE, text=True)

    def survivors() -> list:
        found = []
        for process in psutil.process_iter(["cmdline"]):
            if any(marker in part for part in process.info["cmdline"] or []):
                found.append(process)
        return found

    try:
        assert grader.stdout.readline().strip() == "started"
        # Wait for the kernel, its child and its grandchild (bubblewrap's own processes carry the marker
        # in their arguments too), so that the kill hits a running sandbox; a kill during the launch is
        # test_a_guarded_command_dies_with_the_process_that_launched_it.
        def kernels() -> list:
            return [p for p in survivors() if p.name().startswith("python")]

        deadline = time.monotonic() + 30
        while len(kernels()) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(kernels()) >= 3
        os.kill(grader.pid, signal.SIGKILL)
        grader.wait()
        deadline = time.monotonic() + 10
        while survivors() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not survivors()
    finally:
        grader.kill()
        for process in survivors():
            process.kill()


def test_missing_bubblewrap_stops_grading_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setattr("autograder.execution.sandbox.shutil.which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap.*--no-sandbox"):
        check_sandbox(SETTINGS, tmp_path)


def test_this_machine_can_run_the_sandbox(tmp_path):
    check_sandbox(SETTINGS, tmp_path)
    assert list((tmp_path / "kernels").iterdir()) == []


def test_the_basic_devices_work_inside(tmp_path):
    seen = run_inside(tmp_path, """
        import json
        with open("/dev/urandom", "rb") as handle:
            size = len(handle.read(8))
        with open("/dev/null", "w") as handle:
            handle.write("x")
        import multiprocessing
        multiprocessing.Lock()  # a POSIX semaphore in /dev/shm
        print(json.dumps({"urandom": size}))""")
    assert seen["urandom"] == 8


def test_the_single_bwrap_command_of_an_unprivileged_grader_builds_the_same_view(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # Sandbox picks the command line of a non-root grader
    seen = run_inside(tmp_path, f"""
        import json, os
        print(json.dumps({{"uid": os.getuid(), "source": os.path.exists({str(REPO_ROOT / 'source')!r}),
                          "cwd": os.getcwd(), "kernel_dir": os.listdir("/run/kernel")}}))""")
    assert seen == {"uid": SANDBOX_UID, "source": False, "cwd": "/home/student", "kernel_dir": ["connection.json"]}


def test_sandboxes_of_different_processes_never_share_a_uid(tmp_path, monkeypatch):
    import itertools

    from autograder.execution import sandbox as sandbox_module

    uids = {}
    for pid in (40_000, 40_001, 40_000 + 2**22):
        monkeypatch.setattr(sandbox_module.os, "getpid", lambda pid=pid: pid)
        monkeypatch.setattr(sandbox_module, "_counter", itertools.count())
        uids[pid] = {Sandbox(SETTINGS, tmp_path).uid for _ in range(100)}
    assert not uids[40_000] & uids[40_001] and len(uids[40_000]) == 100
    assert all(0 < uid < 2**31 for values in uids.values() for uid in values)


def test_the_launch_guard_runs_nothing_once_its_launcher_is_gone(tmp_path):
    # What a child sees when the grader died between fork and prctl: a parent other than its launcher.
    marker = tmp_path / "ran"
    guarded = with_parent_death(["touch", str(marker)])
    guarded[guarded.index(str(os.getpid()))] = "1"
    assert subprocess.run(guarded).returncode == 1
    assert not marker.exists()
    assert subprocess.run(with_parent_death(["touch", str(marker)])).returncode == 0 and marker.exists()


def test_a_guarded_command_dies_with_the_process_that_launched_it():
    launcher = textwrap.dedent("""
        import subprocess, sys
        from autograder.execution.sandbox import with_parent_death
        child = subprocess.Popen(with_parent_death(["sleep", "300"]), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(child.pid, flush=True)
        """)  # the launcher ends at once, without waiting; without the guard, the sleep outlives it
    result = subprocess.run([sys.executable, "-c", launcher], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    child = int(result.stdout)

    def alive() -> bool:  # the child may vanish between any two looks
        try:
            return psutil.Process(child).status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    survived = alive()
    if survived:
        os.kill(child, signal.SIGKILL)
    assert not survived, "the guarded child outlived its launcher"
