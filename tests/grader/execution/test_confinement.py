"""Limits the kernel enforces on a sandbox: its memory cgroup, its seccomp filter, its keyring.

The memory hogs hold memory that polling a process's resident size does not see (memfd files,
System V shared memory, socket buffers, tmpfs); each must be stopped at the cap by the kernel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.execution import cgroups, seccomp
from autograder.execution.sandbox import Sandbox
from autograder.execution.settings import GradingSettings
from tests.conftest import REPO_ROOT

CAP_MB = 192
SETTINGS = GradingSettings(jobs=1, scratch_mb=1024, memory_limit_mb=CAP_MB)
WANT_MB = 1024  # each hog tries to hold this much, over five times the cap
HOGS = {
    "anonymous": """
        held = []
        while len(held) < WANT:
            held.append(bytearray(2**20))
        """,
    "memfd": """
        fd = os.memfd_create("hog")
        for _ in range(WANT):
            os.write(fd, b"x" * 2**20)
        """,
    "sysv_shm": """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        for _ in range(WANT // 64):
            sid = libc.shmget(0, 64 * 2**20, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
            assert sid >= 0, ctypes.get_errno()
            address = libc.shmat(sid, None, 0)
            ctypes.memset(address, 1, 64 * 2**20)
        """,
    "socket_buffers": """
        import socket
        pairs, held = [], 0
        while held < WANT * 2**20:
            a, b = socket.socketpair()
            a.setblocking(False)
            try:
                while True:
                    held += a.send(b"x" * 65536)
            except BlockingIOError:
                pass
            pairs.append((a, b))
        """,
    "tmpfs": """
        with open(os.path.join(os.environ["HOME"], "hog"), "wb") as handle:
            for _ in range(min(WANT, 1000)):
                handle.write(b"x" * 2**20)
                handle.flush()
        """,
}


def run_in_sandbox(tmp_path: Path, code: str, settings: GradingSettings = SETTINGS, timeout: float = 120):
    """Run ``code`` in a fresh sandbox; (completed process, oom kills, peak bytes) after it ended."""
    run_dir = tmp_path / "run"
    run_dir.mkdir(exist_ok=True)
    sandbox = Sandbox(settings, run_dir)
    sandbox.connection_file.write_text("{}")
    try:
        result = subprocess.run(sandbox.command([sys.executable, "-c", textwrap.dedent(code)]),
                                env=sandbox.environment(), cwd=sandbox.cwd(), capture_output=True, text=True,
                                timeout=timeout)
        group = sandbox.cgroup
        return result, (group.oom_kills() if group else 0), (group.peak_bytes() if group else 0)
    finally:
        sandbox.remove()


def test_this_machine_has_a_cgroup_backend():
    """CI runs as root with cgroups (v1 here, v2 on most hosts): the kernel must enforce the limits."""
    if os.geteuid() != 0 or not Path("/sys/fs/cgroup").is_dir():
        pytest.fail("the confinement tests need root and /sys/fs/cgroup, as CI has")
    backend = cgroups.backend()
    assert backend.available, backend.reason


@pytest.mark.parametrize("kind", sorted(HOGS))
def test_memory_hog_is_stopped_at_the_cap(tmp_path, kind):
    code = f"import os\nWANT = {WANT_MB}\n" + textwrap.dedent(HOGS[kind]) + "\nprint('HELD', flush=True)\n"
    result, oom_kills, peak = run_in_sandbox(tmp_path, code)
    assert "HELD" not in result.stdout, f"{kind}: held {WANT_MB} MiB under a {CAP_MB} MiB cap"
    assert result.returncode != 0 and oom_kills > 0, (kind, result.returncode, oom_kills, result.stderr[-500:])
    assert peak <= (CAP_MB + 1) * 2**20, f"{kind}: peak {peak / 2**20:.0f} MiB"


def test_a_notebook_sized_program_runs_under_the_cap(tmp_path):
    """The cap stops hogs, not ordinary work: numpy and 64 MiB of arrays run to the end."""
    result, oom_kills, _ = run_in_sandbox(tmp_path, """
        import numpy as np
        a = np.ones((2048, 4096))
        print("SUM", float(a.sum()))
        """)
    assert result.returncode == 0 and "SUM 8388608.0" in result.stdout and oom_kills == 0, result.stderr[-800:]


def test_process_count_is_capped_by_the_pids_cgroup(tmp_path):
    settings = GradingSettings(jobs=1, scratch_mb=32, memory_limit_mb=512, max_processes=40)
    result, _, _ = run_in_sandbox(tmp_path, """
        import os, time
        started = 0
        for _ in range(200):
            try:
                if os.fork() == 0:
                    time.sleep(5)
                    os._exit(0)
                started += 1
            except OSError:
                break
        print("STARTED", started, flush=True)
        """, settings)
    started = int(result.stdout.split("STARTED")[1].split()[0])
    assert started < 40, result.stdout


def test_groups_are_removed_with_the_sandbox(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    sandbox = Sandbox(SETTINGS, run_dir)
    sandbox.connection_file.write_text("{}")
    subprocess.run(sandbox.command([sys.executable, "-c", "pass"]), env=sandbox.environment(), cwd=sandbox.cwd(),
                   check=True, timeout=60)
    folders = list(sandbox.cgroup.folders.values())
    assert folders and all(f.is_dir() for f in folders)
    sandbox.remove()
    assert not any(f.exists() for f in folders)


SYSCALL_PROBE = """
    import ctypes, errno, fcntl, json, os, socket
    libc = ctypes.CDLL(None, use_errno=True)
    KEYCTL = {"x86_64": 250, "aarch64": 219}[os.uname().machine]
    facts = {}
    facts["keyctl"] = (libc.syscall(KEYCTL, 0, -3, 0), ctypes.get_errno())  # KEYCTL_GET_KEYRING_ID, session
    with open("/usr/bin/env", "rb") as shared:  # a file every sandbox binds read-only
        fcntl.flock(shared, fcntl.LOCK_EX)
        facts["flock"] = "ok"
    for family in ("AF_INET", "AF_INET6", "AF_NETLINK"):
        try:
            socket.socket(getattr(socket, family)).close()
            facts[family] = "created"
        except OSError as error:
            facts[family] = error.errno
    facts["inotify"] = (libc.inotify_init1(0), ctypes.get_errno())
    a, b = socket.socketpair()
    facts["socketpair"] = "ok"
    print(json.dumps(facts))
"""


def test_seccomp_closes_keyrings_locks_and_inet_sockets(tmp_path):
    import json

    result, _, _ = run_in_sandbox(tmp_path, SYSCALL_PROBE)
    assert result.returncode == 0, result.stderr[-1500:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["keyctl"] == [-1, 1], facts  # EPERM
    assert facts["flock"] == "ok" and facts["socketpair"] == "ok", facts
    assert facts["AF_INET"] == facts["AF_INET6"] == facts["AF_NETLINK"] == 97, facts  # EAFNOSUPPORT
    assert facts["inotify"] == [-1, 38], facts  # ENOSYS


def test_flock_has_no_effect_across_sandboxes(tmp_path):
    """Two sandboxes lock the same read-only file: the second must not see the first's lock."""
    holder = """
        import fcntl, time
        handle = open("/usr/bin/env", "rb")
        fcntl.flock(handle, fcntl.LOCK_EX)
        print("LOCKED", flush=True)
        time.sleep(20)
        """
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    first = Sandbox(SETTINGS, run_dir)
    first.connection_file.write_text("{}")
    process = subprocess.Popen(first.command([sys.executable, "-c", textwrap.dedent(holder)]),
                               env=first.environment(), cwd=first.cwd(), stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "LOCKED"
        result, _, _ = run_in_sandbox(tmp_path, """
            import fcntl
            handle = open("/usr/bin/env", "rb")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                print("FREE")
            except BlockingIOError:
                print("BUSY")
            """)
        assert result.stdout.strip() == "FREE", (result.stdout, result.stderr[-500:])
    finally:
        process.kill()
        process.wait()
        first.remove()


KEYRING_ATTACK = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
nr = {"x86_64": (248, 250), "aarch64": (217, 219)}[os.uname().machine]
added = libc.syscall(nr[0], b"user", b"planted", b"x", 1, -3)  # add_key to the session keyring
buffer = ctypes.create_string_buffer(64)
read = libc.syscall(nr[1], 11, KEY_ID, buffer, 64)  # KEYCTL_READ the grader's key
print("ADDED", added, "READ", read)
"""


def test_sandbox_cannot_reach_the_graders_session_keyring(tmp_path):
    """A grader in a session keyring of its own (Docker, systemd services, pam_keyinit) keeps it untouched."""
    assert shutil.which("keyctl"), "keyctl is missing: `make test` installs keyutils"
    script = tmp_path / "inside.sh"
    key_file = tmp_path / "key"
    inner = tmp_path / "inner.py"
    inner.write_text(KEYRING_ATTACK)
    code = tmp_path / "probe.py"
    code.write_text("import sys\nfrom pathlib import Path\nsys.path.insert(0, sys.argv[1])\n"
                    "from tests.grader.execution.test_confinement import run_in_sandbox\n"
                    "code = Path(sys.argv[3]).read_text().replace('KEY_ID', Path(sys.argv[4]).read_text().strip())\n"
                    "result, _, _ = run_in_sandbox(Path(sys.argv[2]), code)\n"
                    "print(result.stdout, result.stderr[-300:])\n")
    script.write_text(textwrap.dedent(f"""
        set -e
        keyctl add user grader-secret topsecret @s > {key_file}
        before=$(keyctl show @s | tail -n +2 | sort)
        {sys.executable} {code} {REPO_ROOT} {tmp_path} {inner} {key_file}
        after=$(keyctl show @s | tail -n +2 | sort)
        [ "$before" = "$after" ] && echo KEYRING-UNCHANGED || {{ echo "before: $before"; echo "after: $after"; }}
        """))
    result = subprocess.run(["keyctl", "session", "-", "bash", str(script)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "DLCOURSE_DATA": os.environ.get("DLCOURSE_DATA", "")})
    assert "ADDED -1 READ -1" in result.stdout, result.stdout + result.stderr
    assert "KEYRING-UNCHANGED" in result.stdout, result.stdout + result.stderr


def test_filter_program_shape():
    """The BPF program is whole instructions and ends in return instructions for both architectures."""
    for machine in ("x86_64", "aarch64"):
        program = seccomp.program(machine)
        assert len(program) % 8 == 0 and 10 < len(program) // 8 < 256
    with pytest.raises(seccomp.UnsupportedArchitecture):
        seccomp.program("riscv64")


def test_jobs_are_lowered_or_refused_to_fit_in_memory():
    gib = 2**30
    assert cgroups.fit_jobs(2, 3 * gib, 20 * gib) == (2, "")
    jobs, note = cgroups.fit_jobs(8, 3 * gib, 20 * gib)
    assert jobs == 6 and "--jobs 8 needs 25.0 GiB" in note and "20.0 GiB" in note and "--jobs 6" in note
    with pytest.raises(ValueError, match="not even one notebook fits"):
        cgroups.fit_jobs(1, 30 * gib, 20 * gib)


def _fake_v2(root: Path, own: str = "/grader") -> Path:
    (root / own.strip("/")).mkdir(parents=True)
    (root / "cgroup.controllers").write_text("cpu memory pids io\n")
    folder = root / own.strip("/")
    (folder / "cgroup.controllers").write_text("cpu memory pids\n")
    (folder / "cgroup.subtree_control").write_text("memory pids cpu\n")
    return folder


def test_v2_group_gets_memory_swap_pids_and_cpu_limits(tmp_path):
    folder = _fake_v2(tmp_path)
    proc_self = tmp_path / "proc_self_cgroup"
    proc_self.write_text("0::/grader\n")
    backend = cgroups.detect(tmp_path, proc_self)
    assert backend.kind == "v2" and backend.parents["memory"] == folder
    group = cgroups.SandboxGroup(backend, "k1-0-abc")
    group.create(cgroups.Limits(256 * 2**20, 64, 100))
    made = folder / "dlcourse-k1-0-abc"
    assert (made / "memory.max").read_text() == str(256 * 2**20)
    assert (made / "memory.swap.max").read_text() == "0" and (made / "memory.oom.group").read_text() == "1"
    assert (made / "pids.max").read_text() == "64" and (made / "cpu.weight").read_text() == "100"
    assert group.join_files() == [str(made / "cgroup.procs")]
    (made / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert group.oom_kills() == 1


def test_v1_group_writes_each_controller(tmp_path):
    for controller in ("memory", "pids", "cpu"):
        (tmp_path / controller / "svc").mkdir(parents=True)
    (tmp_path / "memory" / "svc" / "memory.limit_in_bytes").write_text("9223372036854771712")
    proc_self = tmp_path / "proc_self_cgroup"
    proc_self.write_text("4:memory:/svc\n8:pids:/svc\n1:cpu,cpuacct:/svc\n0::/\n")
    backend = cgroups.detect(tmp_path, proc_self)
    assert backend.kind == "v1", backend
    group = cgroups.SandboxGroup(backend, "k2-0-def")
    group.create(cgroups.Limits(128 * 2**20, 32, 100))
    assert (tmp_path / "memory/svc/dlcourse-k2-0-def/memory.limit_in_bytes").read_text() == str(128 * 2**20)
    assert (tmp_path / "pids/svc/dlcourse-k2-0-def/pids.max").read_text() == "32"
    assert (tmp_path / "cpu/svc/dlcourse-k2-0-def/cpu.shares").read_text() == "1024"
    assert len(group.join_files()) == 3


def test_no_backend_says_why(tmp_path):
    proc_self = tmp_path / "proc_self_cgroup"
    proc_self.write_text("0::/somewhere\n")
    backend = cgroups.detect(tmp_path, proc_self)
    assert not backend.available and "cgroup" in backend.reason


def test_a_python_environment_under_tmp_is_visible_in_the_sandbox(tmp_path):
    """A checkout (and its .venv) under /tmp: the sandbox's own /tmp must not hide it."""
    assert str(tmp_path).startswith("/tmp/") or Path("/tmp").is_dir()
    place = Path("/tmp") / f"checkout-{os.getpid()}-{tmp_path.name}"
    try:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(place / ".venv")], check=True, timeout=120)
        python = place / ".venv" / "bin" / "python"
        code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
                "from autograder.execution.sandbox import check_sandbox; from autograder.execution.settings import GradingSettings;"
                "run = Path(sys.argv[2]); run.mkdir(); check_sandbox(GradingSettings(scratch_mb=16), run); print('SANDBOX OK')")
        result = subprocess.run([str(python), "-c", code, str(REPO_ROOT), str(place / "run")],
                                capture_output=True, text=True, timeout=120)
        assert "SANDBOX OK" in result.stdout, result.stderr[-1500:]
    finally:
        shutil.rmtree(place, ignore_errors=True)


def test_a_failing_bubblewrap_is_quoted_with_its_cause():
    from autograder.execution.sandbox import explain_failure

    message = explain_failure("bwrap: Can't find source path /tmp/gone/.venv: No such file or directory\n")
    assert "Can't find source path /tmp/gone/.venv" in message and "make venv" in message
    message = explain_failure("bwrap: setting up uid map: Permission denied\n")
    assert "user namespaces" in message and "sysctl" in message
