"""The OS sandbox of one kernel: a bubblewrap (`bwrap`) command line and the files it needs.

Every kernel runs in its own user, PID, IPC, network, UTS and mount namespaces. Its root file
system is empty but for read-only binds of the Python environment, the helper package, the
release's data files and the shared data cache, and private tmpfs mounts of bounded size (the
home folder, /tmp, /dev/shm and the folder of its sockets). Nothing of the repository, source/,
the submissions, the output folder or another sandbox is mounted. The kernel talks to the grader
over ZeroMQ ipc sockets inside its own /run/kernel, which the grader reaches through
/proc/<pid>/root; no other sandbox can reach them, and the network namespace has no interface.

When the grader runs as root, an outer bwrap (root) builds the mounts and namespaces, prlimit
sets the resource limits, setpriv drops to a sandbox-only uid (no capabilities, no_new_privs,
no groups), and an inner unprivileged bwrap adds a user namespace with user namespaces disabled
inside. So outside the sandbox the kernel is an unprivileged uid of its own, and RLIMIT_NPROC
counts its processes alone. When the grader is not root, one unprivileged bwrap does it all and
the kernel runs as the grader's user in a user namespace. Every bwrap runs with
--die-with-parent: if the grader dies, the PID namespace and everything in it go with it.
The chain starts with a small guard (``with_parent_death``) that closes the one gap bwrap leaves:
a grader that dies after the fork but before bwrap asks for its parent-death signal. The guard
also joins the sandbox's cgroups (``autograder.execution.cgroups``: memory, process count and CPU share
enforced by the kernel) and hands bwrap the seccomp filter (``autograder.execution.seccomp``: no keyrings,
no file locks or file-access notification shared with other sandboxes, no sockets but AF_UNIX).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import secrets
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from autograder.execution import cgroups, seccomp
from autograder.execution.settings import GradingSettings

HOME = "/home/student"
DATA = "/data/dlcourse"
KERNEL_DIR = "/run/kernel"
CONNECTION = f"{KERNEL_DIR}/connection.json"
SOCKETS = f"{KERNEL_DIR}/ipc"
SANDBOX_UID = 1000  # the kernel's uid inside its user namespace
# Outside uids of sandboxes when the grader is root: each process (pid < 2**22, Linux's pid_max
# limit) owns a block of UIDS_PER_PROCESS uids, so two live workers never share one; a worker has
# at most two sandboxes at a time, so its block is reused only long after a uid was last used.
UID_BASE, UIDS_PER_PROCESS = 2**30, 256
ETC_FILES = ("alternatives", "fonts", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "mime.types",
             "nsswitch.conf", "os-release", "timezone", "matplotlibrc")
PASSWD = ("root:x:0:0:root:/root:/usr/sbin/nologin\n"
          f"student:x:{SANDBOX_UID}:{SANDBOX_UID}:student:{HOME}:/bin/sh\n"
          "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
GROUP = f"root:x:0:\nstudent:x:{SANDBOX_UID}:\nnogroup:x:65534:\n"
FIX = ("install bubblewrap (`sudo apt-get install bubblewrap`, or `make test`), allow unprivileged user "
       "namespaces (`sudo sysctl -w kernel.unprivileged_userns_clone=1`, and on Ubuntu 24.04 "
       "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`), or grade on Linux (a VM or a "
       "container with bubblewrap inside, see autograder/README.md); `--no-sandbox` grades anyway but only "
       "trusted submissions")
_counter = itertools.count()
SECCOMP_FD = "@SECCOMP_FD@"  # replaced by the guard with the fd it opened the filter on
# Run first in a launch chain, then exec'd away (same pid): ask for SIGKILL when the launching
# thread dies, then check that the launcher is still the parent. A launcher that died between the
# fork and the prctl sends no signal, and the child would outlive it; the check catches that.
# Then join the sandbox's cgroups (so every later process is counted) and open the seccomp filter.
PARENT_DEATH_GUARD = """import ctypes, json, os, sys
ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
if os.getppid() != int(sys.argv[1]):
    os._exit(1)
setup = json.loads(sys.argv[2])
for procs in setup.get("cgroups", []):
    try:
        with open(procs, "w") as handle:
            handle.write(str(os.getpid()))
    except OSError as error:
        sys.exit(f"sandbox guard: cannot join the cgroup {procs}: {error}")
argv = sys.argv[3:]
if setup.get("seccomp"):
    fd = os.open(setup["seccomp"], os.O_RDONLY)
    os.set_inheritable(fd, True)
    argv = [str(fd) if word == "@SECCOMP_FD@" else word for word in argv]
os.execvp(argv[0], argv)
"""


def with_parent_death(command: list[str], cgroup_files: list[str] | None = None, seccomp_file: str = "") -> list[str]:
    """``command`` behind the launch guard: it runs only while this process lives, and dies with it.

    The guard first joins ``cgroup_files`` (their `cgroup.procs`) and opens ``seccomp_file`` for
    bwrap's ``--seccomp`` (the word SECCOMP_FD in ``command`` becomes the fd).
    """
    setup = json.dumps({"cgroups": cgroup_files or [], "seccomp": seccomp_file})
    return [sys.executable, "-I", "-S", "-c", PARENT_DEATH_GUARD, str(os.getpid()), setup, *command]


class SandboxUnavailable(RuntimeError):
    """bubblewrap cannot build a sandbox on this machine; the message says how to fix it."""


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]).resolve() if locations else None


@lru_cache(maxsize=1)
def environment_binds() -> tuple[tuple[str, str], ...]:
    """(host path, sandbox path) of what every kernel reads: system dirs, Python, the helper package."""
    binds = [("/usr", "/usr")]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_dir() and not path.is_symlink():
            binds.append((str(path), str(path)))
    python = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    package = _package_dir("dlcourse")
    for path in sorted(python | ({package} if package else set())):
        if not str(path).startswith("/usr"):
            binds.append((str(path), str(path)))
    return tuple(binds)


def _parents(paths: list[str]) -> list[str]:
    """Every folder above the bind targets, shallow first: bwrap would create them unreadable (0700)."""
    found = {str(parent) for path in paths for parent in Path(path).parents if str(parent) != "/"}
    return sorted(found, key=lambda p: (p.count("/"), p))


def data_cache() -> Path | None:
    """The shared data cache of dlcourse (`$DLCOURSE_DATA` or ~/.cache/dlcourse), when it exists."""
    path = Path(os.environ.get("DLCOURSE_DATA") or Path.home() / ".cache" / "dlcourse")
    return path if path.is_dir() else None


class Sandbox:
    """One kernel's sandbox: its command line, its environment and the grader-side files it needs.

    The grader keeps one file per sandbox (the connection file, bound read-only into it) under the
    run's private folder; the kernel writes only to its own tmpfs mounts, which vanish with it.
    """

    def __init__(self, settings: GradingSettings, run_dir: Path, seed: str = "", assets: Path | None = None,
                 mpl_cache: Path | None = None) -> None:
        self.settings = settings
        self.seed = seed
        self.assets = assets
        self.mpl_cache = mpl_cache
        self.run_dir = Path(run_dir)
        number = next(_counter)
        self.name = f"k{os.getpid()}-{number}-{secrets.token_hex(3)}"
        self.folder = self.run_dir / "kernels" / self.name
        (self.run_dir / "kernels").mkdir(exist_ok=True)  # no parents: never recreate a deleted run folder
        self.folder.mkdir(mode=0o700)
        self.connection_file = self.folder / "connection.json"
        self.as_root = os.geteuid() == 0
        self.uid = UID_BASE + (os.getpid() % 2**22) * UIDS_PER_PROCESS + number % UIDS_PER_PROCESS
        self.cgroup: cgroups.SandboxGroup | None = None  # created with the command line, removed by remove()
        if settings.sandboxed:
            for name, content in (("passwd", PASSWD.encode()), ("group", GROUP.encode()),
                                  ("seccomp.bpf", seccomp.program())):
                if not (self.run_dir / name).exists():  # written whole, then renamed: workers may race here
                    partial = self.folder / name
                    partial.write_bytes(content)
                    partial.chmod(0o600 if name.endswith(".bpf") else 0o644)
                    os.replace(partial, self.run_dir / name)
        else:
            for sub in ("home/tmp", "home/.config/matplotlib"):
                (self.folder / sub).mkdir(parents=True, exist_ok=True)

    def _create_cgroup(self) -> cgroups.SandboxGroup | None:
        """The kernel-enforced limits of this sandbox, or None where no cgroup can be had (the watchdog stays)."""
        backend = cgroups.backend()
        if not backend.available:
            return None
        group = cgroups.SandboxGroup(backend, self.name)
        try:
            group.create(cgroups.Limits(self.settings.memory_limit_mb * 2**20, self.settings.max_processes))
        except OSError:
            group.remove()
            return None
        return group

    # Paths as the kernel sees them -------------------------------------------------------------

    @property
    def home(self) -> str:
        return HOME if self.settings.sandboxed else str(self.folder / "home")

    @property
    def kernel_connection_file(self) -> str:
        """The connection file's path inside the sandbox."""
        return CONNECTION if self.settings.sandboxed else str(self.connection_file)

    @property
    def socket_ip(self) -> str:
        """The ipc path prefix the kernel binds (`<prefix>-<port>`), as the kernel sees it."""
        return SOCKETS if self.settings.sandboxed else str(self.folder / "ipc")

    def host_socket_ip(self, init_pid: int | None) -> str:
        """The same prefix as the grader reaches it: through the sandbox's root, /proc/<pid>/root."""
        if not self.settings.sandboxed:
            return self.socket_ip
        return f"/proc/{init_pid}/root{SOCKETS}"

    def environment(self) -> dict[str, str]:
        """The kernel's whole environment: fast mode on, the grading seed, HOME and temp inside the sandbox."""
        threads = str(self.settings.kernel_threads())
        home = self.home
        env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": home, "USER": "student", "LOGNAME": "student",
            "TMPDIR": "/tmp" if self.settings.sandboxed else f"{home}/tmp",
            "XDG_CACHE_HOME": f"{home}/.cache",
            "MPLCONFIGDIR": f"{home}/.config/matplotlib",
            "IPYTHONDIR": f"{home}/.ipython",
            "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
            "TF_NUM_INTRAOP_THREADS": threads, "TF_CPP_MIN_LOG_LEVEL": "2",
            self.settings.fast_mode_variable: "1",
        }
        if self.seed:
            env["DLCOURSE_GRADING_SEED"] = self.seed
        cache = data_cache()
        if cache is not None:
            env["DLCOURSE_DATA"] = DATA if self.settings.sandboxed else str(cache)
        for name in self.settings.passthrough_env:
            if name in os.environ and name not in env:
                env[name] = os.environ[name]
        return env

    # The command line ---------------------------------------------------------------------------

    def limits(self) -> list[str]:
        """prlimit: processes per sandbox uid, file size, CPU seconds, open files, no core dumps."""
        s = self.settings
        cpu = int(s.notebook_timeout * max(1, s.kernel_threads()) + 60)
        args = ["prlimit", f"--fsize={s.max_file_mb * 2**20}", f"--cpu={cpu}", "--core=0", "--nofile=4096",
                "--data=unlimited"]  # the grader's workers cap their own heap; kernels are watched instead
        if s.sandboxed:  # a per-uid count: only meaningful for a uid of the sandbox's own
            args.append(f"--nproc={s.max_processes}")
        return [*args, "--"]

    def mounts(self) -> list[str]:
        """bwrap's mount arguments: read-only environment, bounded private tmpfs, nothing else."""
        s = self.settings
        ro = list(environment_binds())
        for name in ETC_FILES:
            if Path("/etc", name).exists():
                ro.append((f"/etc/{name}", f"/etc/{name}"))
        cache = data_cache()
        if cache is not None:
            ro.append((str(cache), DATA))
        # The private /tmp and /dev/shm first: binds below them (a checkout under /tmp) go on top.
        args: list[str] = ["--perms", "1777", "--size", str(128 * 2**20), "--tmpfs", "/tmp"]
        for parent in _parents([dest for _, dest in ro] + [HOME, KERNEL_DIR, "/etc/passwd"]):
            if parent == "/tmp":
                continue
            args += ["--perms", "0755", "--dir", parent]
        for source, dest in ro:
            args += ["--ro-bind", source, dest]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            path = Path("/") / name
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
        args += ["--proc", "/proc", "--dev", "/dev"]  # /dev/shm: a tmpfs of its own, below
        gpus = sorted(str(p) for p in Path("/dev").glob("nvidia*"))
        for device in gpus:
            args += ["--dev-bind", device, device]
        if gpus:
            args += ["--ro-bind", "/sys", "/sys"]
        args += ["--perms", "1777", "--size", str(64 * 2**20), "--tmpfs", "/dev/shm",
                 "--perms", "0777", "--size", str(s.scratch_mb * 2**20), "--tmpfs", HOME,
                 "--perms", "0777", "--size", str(2**20), "--tmpfs", KERNEL_DIR,
                 "--ro-bind", str(self.connection_file), CONNECTION,
                 "--ro-bind", str(self.run_dir / "passwd"), "/etc/passwd",
                 "--ro-bind", str(self.run_dir / "group"), "/etc/group",
                 "--perms", "0777", "--dir", f"{HOME}/.config",
                 "--perms", "0777", "--dir", f"{HOME}/.config/matplotlib"]
        if self.mpl_cache is not None:
            for item in sorted(self.mpl_cache.glob("fontlist*.json")):
                args += ["--ro-bind", str(item), f"{HOME}/.config/matplotlib/{item.name}"]
        if self.assets is not None and self.assets.is_dir():
            for item in sorted(self.assets.iterdir()):
                if item.suffix != ".ipynb" and not item.name.startswith("."):
                    args += ["--ro-bind", str(item), f"{HOME}/{item.name}"]
        return args

    def command(self, argv: list[str]) -> list[str]:
        """The full command line that runs ``argv`` (the kernel) in this sandbox; creates its cgroups."""
        if self.cgroup is None:
            self.cgroup = self._create_cgroup()
        joins = self.cgroup.join_files() if self.cgroup is not None and self.cgroup.backend.kind != "systemd" else []
        scope = self.cgroup.command_prefix() if self.cgroup is not None else []
        if not self.settings.sandboxed:
            return with_parent_death([*scope, *self.limits(), *argv], joins)
        namespaces = ["--unshare-pid", "--unshare-ipc", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                      "--hostname", "sandbox", "--die-with-parent", "--new-session", "--seccomp", SECCOMP_FD]
        filter_file = str(self.run_dir / "seccomp.bpf")
        user = ["--unshare-user", "--disable-userns", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID)]
        bwrap = shutil.which("bwrap") or "bwrap"
        if not self.as_root:
            return with_parent_death([*scope, bwrap, *namespaces, *user, *self.mounts(), "--chdir", HOME, "--",
                                      *self.limits(), *argv], joins, filter_file)
        drop = ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs", "--"]
        inner = ["bwrap", *user, "--dev-bind", "/", "/", "--die-with-parent", "--chdir", HOME, "--"]  # keeps /dev usable
        return with_parent_death([*scope, bwrap, *namespaces, *self.mounts(), "--chdir", "/", "--", *self.limits(),
                                  *drop, *inner, *argv], joins, filter_file)

    def cwd(self) -> str:
        """Where the launcher starts: anywhere harmless for bwrap, the home folder without a sandbox."""
        return "/" if self.settings.sandboxed else self.home

    def remove(self) -> None:
        """Delete the grader-side files and the cgroups of this sandbox (its tmpfs vanished with its processes)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.cgroup is not None:
            self.cgroup.remove()

    def oom_killed(self) -> bool:
        """True when the kernel stopped a process of this sandbox at its memory cap."""
        return self.cgroup is not None and self.cgroup.oom_kills() > 0


def explain_failure(stderr: str) -> str:
    """bubblewrap's own message about why a sandbox did not start, and the likely cause in words."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    own = next((line for line in reversed(lines) if line.startswith(("bwrap:", "sandbox guard:", "prlimit:",
                                                                     "setpriv:", "Running scope"))),
               lines[-1] if lines else "no message")
    text = own.lower()
    if "namespace" in text or "uid map" in text or "unshare" in text:
        cause = ("this machine does not let bubblewrap create user namespaces; " + FIX)
    elif "can't find source path" in text or "no such file" in text:
        cause = ("a folder the sandbox mounts read-only (the Python environment, the helper package or the "
                 "data cache) is missing or moved; run `make venv` again from the checkout you grade with")
    elif "seccomp" in text:
        cause = "the kernel refused the sandbox's seccomp filter (a kernel without CONFIG_SECCOMP_FILTER?)"
    elif "cgroup" in text:
        cause = "the grader could not put the sandbox in its cgroup (see autograder/README.md, 'Bounded resources')"
    elif "permission denied" in text or "operation not permitted" in text:
        cause = "a security module (AppArmor, SELinux) or a container's seccomp profile refused it; " + FIX
    else:
        cause = FIX
    return f"bubblewrap could not start a sandbox: \"{own[:300]}\". Likely cause: {cause}"


def check_sandbox(settings: GradingSettings, run_dir: Path) -> None:
    """Start one trivial sandbox; raise SandboxUnavailable naming the fix when bubblewrap cannot run here."""
    if not settings.sandboxed:
        return
    if sys.platform != "linux":
        raise SandboxUnavailable(f"the grading sandbox needs Linux (this is {sys.platform}); {FIX}")
    for tool in ("bwrap", "prlimit", "setpriv"):
        if shutil.which(tool) is None:
            raise SandboxUnavailable(f"`{tool}` is not installed; {FIX}")
    try:
        seccomp.program()
    except seccomp.UnsupportedArchitecture as error:
        raise SandboxUnavailable(f"{error}; grade on an x86_64 or aarch64 Linux machine") from None
    sandbox = Sandbox(settings, run_dir)
    try:
        sandbox.connection_file.write_text("{}", encoding="utf-8")
        probe = "import os; open(os.path.join(os.environ['HOME'], 'probe'), 'w').write('ok'); print(os.getuid())"
        result = subprocess.run(sandbox.command([sys.executable, "-c", probe]), env=sandbox.environment(),
                                cwd=sandbox.cwd(), capture_output=True, text=True, timeout=120)
        if result.returncode != 0 or result.stdout.strip() != str(SANDBOX_UID):
            raise SandboxUnavailable(explain_failure(result.stderr))
    finally:
        sandbox.remove()
