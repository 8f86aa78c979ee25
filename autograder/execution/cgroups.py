"""Kernel-enforced limits per sandbox: a memory, a pids and a cpu cgroup.

A memory cgroup counts what polling resident memory misses: tmpfs and shared memory, memfd files,
System V segments, socket buffers and kernel memory. The kernel stops a sandbox at its cap (the
out-of-memory killer, inside the cgroup only), whatever the sandbox does.

Three ways to get one, tried in order by ``detect``:
- cgroup v2 (most current distributions), a folder of our own cgroup where the memory, pids and
  cpu controllers can be enabled: `memory.max`, `memory.swap.max`, `memory.oom.group`,
  `pids.max`, `cpu.weight`;
- cgroup v1 (older hosts, some CI machines), root with writable memory, pids and cpu hierarchies:
  `memory.limit_in_bytes` (with `memory.memsw.limit_in_bytes` where swap is accounted),
  `pids.max`, `cpu.shares`;
- `systemd-run --scope` on systemd hosts, when our cgroup cannot have children of its own.
Otherwise there is none: the grader says so once and relies on its watchdog (resident memory
polled every 0.1 s, RLIMIT_NPROC), which cannot see memory held outside processes.

Each sandbox gets a group of its own; its launch guard joins it before executing bubblewrap, so
every process of the sandbox is in it from the start.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("memory", "pids", "cpu")
PREFIX = "dlcourse-"


@dataclass(frozen=True)
class Limits:
    """What one sandbox may use."""

    memory_bytes: int
    max_processes: int
    cpu_weight: int = 100  # cgroup v2 scale (1-10000, default 100); v1 shares = weight * 1024 / 100


@dataclass(frozen=True)
class Backend:
    """How this machine confines a sandbox: 'v2', 'v1', 'systemd' or 'none', and where."""

    kind: str
    parents: dict[str, Path] = field(default_factory=dict)  # controller -> folder to create groups in
    reason: str = ""  # for 'none': why; for the others: a short description

    @property
    def available(self) -> bool:
        return self.kind != "none"


def _own_cgroups(proc_self: Path) -> dict[str, str]:
    """controller (or '' for the v2 hierarchy) -> this process's cgroup path, from /proc/self/cgroup."""
    found = {}
    for line in proc_self.read_text().splitlines():
        _, names, path = line.split(":", 2)
        for name in names.split(",") if names else [""]:
            found[name] = path
    return found


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK)


def _try_v2(root: Path, own: dict[str, str]) -> Backend | None:
    if not (root / "cgroup.controllers").is_file() or "" not in own:
        return None
    parent = root / own[""].lstrip("/")
    if not _writable(parent):
        return None
    if not set(CONTROLLERS[:2]) <= set((parent / "cgroup.controllers").read_text().split()):
        return None
    enabled = set((parent / "cgroup.subtree_control").read_text().split())
    wanted = [c for c in CONTROLLERS if c not in enabled and c in (parent / "cgroup.controllers").read_text().split()]
    if wanted:
        try:
            (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted))
        except OSError:  # EBUSY: our cgroup holds processes, so it may not delegate controllers
            return None
    return Backend("v2", {c: parent for c in CONTROLLERS}, f"cgroup v2 under {parent}")


def _try_v1(root: Path, own: dict[str, str]) -> Backend | None:
    parents = {}
    for controller in CONTROLLERS:
        names = (controller, "cpu,cpuacct", "cpuacct,cpu") if controller == "cpu" else (controller,)
        mount = next((root / name for name in names if (root / name).is_dir()), None)
        key = next((k for k in own if controller in k.split(",")), None)
        if mount is None or key is None:
            return None
        parent = mount / own[key].lstrip("/")
        if not _writable(parent):
            return None
        parents[controller] = parent
    if not (parents["memory"] / "memory.limit_in_bytes").is_file():
        return None
    return Backend("v1", parents, "cgroup v1 (memory, pids, cpu)")


def _try_systemd() -> Backend | None:
    if not Path("/run/systemd/system").is_dir() or shutil.which("systemd-run") is None:
        return None
    return Backend("systemd", {}, "systemd-run --scope" + ("" if os.geteuid() == 0 else " --user"))


def detect(root: Path = CGROUP_ROOT, proc_self: Path = Path("/proc/self/cgroup")) -> Backend:
    """The best way this machine offers to confine a sandbox (kind 'none' with the reason if none)."""
    try:
        own = _own_cgroups(proc_self)
    except (OSError, ValueError):
        return Backend("none", reason="/proc/self/cgroup cannot be read")
    for attempt in (lambda: _try_v2(root, own), lambda: _try_v1(root, own), _try_systemd):
        try:
            backend = attempt()
        except OSError:
            backend = None
        if backend is not None and _probe(backend):
            return backend
    return Backend("none", reason=("no cgroup this process may create groups in (cgroup v2 needs a delegated "
                                   "cgroup, cgroup v1 needs root, or systemd-run)"))


def _probe(backend: Backend) -> bool:
    """Create and remove one group: the folder being writable does not always mean mkdir works."""
    if backend.kind == "systemd":
        return True
    group = SandboxGroup(backend, f"probe{os.getpid()}")
    try:
        group.create(Limits(64 * 2**20, 16))
        return True
    except OSError:
        return False
    finally:
        group.remove(wait_s=0)


@lru_cache(maxsize=1)
def backend() -> Backend:
    """This process's backend, detected once."""
    return detect()


class SandboxGroup:
    """The cgroup(s) of one sandbox: created with limits, joined by its launch guard, removed after."""

    def __init__(self, backend: Backend, name: str) -> None:
        self.backend = backend
        self.name = PREFIX + name
        self.folders = {c: parent / self.name for c, parent in backend.parents.items()}
        self.limits: Limits | None = None

    def create(self, limits: Limits) -> None:
        """Make the groups and write the limits (raises OSError when the kernel refuses)."""
        self.limits = limits
        if self.backend.kind == "v2":
            folder = self.folders["memory"]
            folder.mkdir(mode=0o755)
            self.folders = {c: folder for c in CONTROLLERS}
            _write(folder / "memory.max", limits.memory_bytes)
            _write(folder / "memory.swap.max", 0, optional=True)
            _write(folder / "memory.oom.group", 1, optional=True)
            _write(folder / "pids.max", limits.max_processes)
            _write(folder / "cpu.weight", limits.cpu_weight, optional=True)
        elif self.backend.kind == "v1":
            for folder in dict.fromkeys(self.folders.values()):
                folder.mkdir(mode=0o755)
            memory = self.folders["memory"]
            _write(memory / "memory.limit_in_bytes", limits.memory_bytes)
            _write(memory / "memory.memsw.limit_in_bytes", limits.memory_bytes, optional=True)
            _write(memory / "memory.swappiness", 0, optional=True)
            _write(self.folders["pids"] / "pids.max", limits.max_processes)
            _write(self.folders["cpu"] / "cpu.shares", max(2, limits.cpu_weight * 1024 // 100))

    def join_files(self) -> list[str]:
        """The `cgroup.procs` files the launch guard writes its pid to."""
        return sorted({str(folder / "cgroup.procs") for folder in self.folders.values()})

    def command_prefix(self) -> list[str]:
        """For systemd: the `systemd-run --scope` words that put the command in a limited scope."""
        if self.backend.kind != "systemd" or self.limits is None:
            return []
        return ["systemd-run", "--scope", "--quiet", "--collect", *([] if os.geteuid() == 0 else ["--user"]),
                f"--unit={self.name}", "-p", f"MemoryMax={self.limits.memory_bytes}", "-p", "MemorySwapMax=0",
                "-p", f"TasksMax={self.limits.max_processes}", "-p", f"CPUWeight={self.limits.cpu_weight}", "--"]

    def oom_kills(self) -> int:
        """How many processes the kernel killed in this group for going over the memory cap."""
        memory = self.folders.get("memory")
        if memory is None:
            return 0
        for name in ("memory.events", "memory.oom_control"):
            try:
                for line in (memory / name).read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
            except (OSError, ValueError):
                continue
        return 0

    def peak_bytes(self) -> int:
        """The group's highest memory use so far (0 when unknown)."""
        memory = self.folders.get("memory")
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            try:
                return int((memory / name).read_text())
            except (OSError, ValueError, TypeError):
                continue
        return 0

    def remove(self, wait_s: float = 2.0) -> None:
        """Delete the groups once their processes are gone (waits up to ``wait_s`` for them to exit)."""
        deadline = time.monotonic() + wait_s
        for folder in dict.fromkeys(self.folders.values()):
            while folder.is_dir():
                try:
                    folder.rmdir()
                except OSError as error:
                    if error.errno == errno.ENOENT:
                        break
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.05)


def _write(path: Path, value: int, optional: bool = False) -> None:
    try:
        path.write_text(str(value))
    except OSError:
        if not optional:
            raise


def remove_stale(backend: Backend) -> None:
    """Remove empty groups left by graders that were killed (their pid, in the name, is gone)."""
    for parent in set(backend.parents.values()):
        for folder in parent.glob(f"{PREFIX}k*"):
            pid = folder.name[len(PREFIX) + 1:].split("-", 1)[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                try:
                    folder.rmdir()
                except OSError:
                    pass


def memory_available_bytes() -> int:
    """Memory the machine can give without swapping: MemAvailable, or less if our cgroup caps us."""
    available = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return 0
    try:
        own = _own_cgroups(Path("/proc/self/cgroup"))
    except (OSError, ValueError):
        return available
    candidates = []
    if "" in own and (CGROUP_ROOT / "cgroup.controllers").is_file():
        folder = CGROUP_ROOT / own[""].lstrip("/")
        candidates.append((folder / "memory.max", folder / "memory.current"))
    key = next((k for k in own if "memory" in k.split(",")), None)
    if key is not None:
        folder = CGROUP_ROOT / "memory" / own[key].lstrip("/")
        candidates.append((folder / "memory.limit_in_bytes", folder / "memory.usage_in_bytes"))
    for limit_file, usage_file in candidates:
        try:
            limit, usage = limit_file.read_text().strip(), int(usage_file.read_text())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 2**60:
            available = min(available, max(0, int(limit) - usage))
    return available


WORKER_OVERHEAD_BYTES = 512 * 2**20  # a grading worker and its idle spare kernel
GRADER_SHARE_BYTES = 1024 * 2**20    # the grader's own process, nbgrader and the reference run's client


def per_job_bytes(memory_cap_bytes: int, tmpfs_bytes: int, confined: bool) -> int:
    """What one more `--jobs` can take at worst: its sandbox's cap (plus tmpfs when no cgroup counts it)."""
    return memory_cap_bytes + WORKER_OVERHEAD_BYTES + (0 if confined else tmpfs_bytes)


def fit_jobs(jobs: int, per_job: int, available: int) -> tuple[int, str]:
    """(jobs that fit in ``available`` bytes, a note when fewer than asked); ValueError when not even one fits."""
    def gib(n: int) -> str:
        return f"{n / 2**30:.1f} GiB"

    needed = jobs * per_job + GRADER_SHARE_BYTES
    if available <= 0 or needed <= available:
        return jobs, ""
    fit = (available - GRADER_SHARE_BYTES) // per_job
    detail = (f"--jobs {jobs} needs {gib(needed)} ({jobs} x {gib(per_job)} per notebook and its worker, plus "
              f"{gib(GRADER_SHARE_BYTES)} for the grader), but {gib(available)} of memory is available")
    if fit < 1:
        raise ValueError(f"{detail}; not even one notebook fits: lower --memory-mb or free memory")
    return int(fit), f"{detail}; grading with --jobs {fit} instead"
