"""Run the grader as an instructor would, watch its processes, and read what it left behind."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import types
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import psutil

from autograder.authoring.course import REPO_ROOT
from tests.attacks import notebooks as nbs

COLUMNS = ["student_id", "assignment", "notebook", "score", "max_score", "status", "message", "sandboxed"]
HOST_PIDNS = os.readlink("/proc/self/ns/pid")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# --- running the grader ---------------------------------------------------------------------


def grader_help() -> str:
    """`grade --help`, to pass limits only where the command line has them."""
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    return done.stdout


def _pid_ns(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


@dataclass
class Watch:
    """What the process watcher saw of one grader invocation."""

    seen: dict[int, float] = field(default_factory=dict)  # pid -> create time, every process of the tree
    cmdlines: dict[int, str] = field(default_factory=dict)
    sandbox_namespaces: set[str] = field(default_factory=set)  # PID namespaces other than the host's
    peak_rss: int = 0  # bytes, largest sum over the grader's own processes (host namespace) at one poll
    peak_hwm: dict[int, int] = field(default_factory=dict)  # pid -> VmHWM bytes, grader's own processes
    peak_processes: int = 0
    peak_disk: int = 0  # bytes, largest size of the grader's temporary folder and output folder together


def tree_size(paths: list[Path]) -> int:
    """Bytes of the files under ``paths`` (not following symlinks)."""
    total = 0
    for path in paths:
        for folder, dirs, files in os.walk(path):
            for name in files:
                try:
                    total += os.lstat(os.path.join(folder, name)).st_blocks * 512
                except OSError:
                    pass
    return total


class ProcessWatcher(threading.Thread):
    """Poll the tree under one process every 0.2 s: pids, namespaces, memory of the non-sandboxed part."""

    def __init__(self, root: int, disk_paths: list[Path] = ()):
        super().__init__(daemon=True)
        self.root, self.watch, self.stopping = root, Watch(), threading.Event()
        self.disk_paths, self.last_disk_poll = list(disk_paths), 0.0

    def run(self) -> None:
        try:
            root = psutil.Process(self.root)
        except psutil.Error:
            return
        while not self.stopping.is_set():
            try:
                tree = [root] + root.children(recursive=True)
            except psutil.Error:
                break
            rss = 0
            self.watch.peak_processes = max(self.watch.peak_processes, len(tree))
            for proc in tree:
                try:
                    if proc.pid not in self.watch.seen:
                        self.watch.seen[proc.pid] = proc.create_time()
                        self.watch.cmdlines[proc.pid] = " ".join(proc.cmdline())[:300]
                    ns = _pid_ns(proc.pid)
                    if ns and ns != HOST_PIDNS:
                        self.watch.sandbox_namespaces.add(ns)
                        continue
                    rss += proc.memory_info().rss
                    hwm = _hwm_kib(proc.pid) * 1024
                    self.watch.peak_hwm[proc.pid] = max(self.watch.peak_hwm.get(proc.pid, 0), hwm)
                except psutil.Error:
                    pass
            self.watch.peak_rss = max(self.watch.peak_rss, rss)
            if self.disk_paths and time.monotonic() - self.last_disk_poll > 1.0:
                self.watch.peak_disk = max(self.watch.peak_disk, tree_size(self.disk_paths))
                self.last_disk_poll = time.monotonic()
            self.stopping.wait(0.2)


@dataclass
class Invocation:
    returncode: int | None
    stdout: str
    stderr: str
    wall: float
    watch: Watch
    killed_by_test: bool = False
    started_at: float = 0.0  # epoch seconds


def dump_stacks(grader_pid: int) -> None:
    """Ask the grader and its workers for every thread's stack (faulthandler on SIGUSR1, to stderr)."""
    try:
        root = psutil.Process(grader_pid)
        processes = [root] + [p for p in root.children(recursive=True) if "multiprocessing" in " ".join(p.cmdline())]
    except psutil.Error:
        return
    for proc in processes:
        try:
            proc.send_signal(signal.SIGUSR1)
        except psutil.Error:
            pass
    time.sleep(2)


def run_grader(submissions: Path, out: Path, seed: str, extra: list[str], timeout: float,
               kill_when: callable | None = None) -> Invocation:
    """One `python -m autograder grade` from the repository root, in a session of its own.

    ``kill_when(out)``: polled every 0.5 s; when it returns True the test SIGKILLs the grader's main
    process (only that one: the rest must die with it).
    """
    command = [sys.executable, "-m", "autograder", "grade", str(submissions), "--assignment", nbs.ASSIGNMENT.id,
               "--jobs", "2", "--out", str(out), "--seed", seed, *extra]
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    logs = out.parent / f"{out.name}-log-{time.time_ns()}"
    logs.mkdir(parents=True)
    tmpdir = logs / "tmp"  # the grader's temporary files (an unpacked zip, the run's private folder)
    tmpdir.mkdir()
    env["TMPDIR"] = str(tmpdir)
    started, started_at = time.perf_counter(), time.time()
    with open(logs / "stdout", "wb") as stdout, open(logs / "stderr", "wb") as stderr:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=stdout, stderr=stderr, env=env,
                                   start_new_session=True)
        watcher = ProcessWatcher(process.pid, [tmpdir, out])
        watcher.start()
        killed = False
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            if kill_when is not None and not killed and kill_when(out):
                os.kill(process.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.5)
        if process.poll() is None:
            dump_stacks(process.pid)
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        watcher.stopping.set()
        watcher.join()
    read = lambda name: (logs / name).read_bytes().decode("utf-8", errors="replace")
    return Invocation(process.returncode, read("stdout"), read("stderr"), time.perf_counter() - started,
                      watcher.watch, killed, started_at)


def _ours(proc: psutil.Process, watches: list[Watch], token: str, namespaces: set[str]) -> str | None:
    """Why ``proc`` belongs to this test's runs ("tree", "sandbox ns", "token"), or None.

    Namespace inodes are reused once a namespace dies, so a process in a namespace seen during the
    run is only ours if no live ancestor belongs to someone else: escaped processes hang under
    pid 1, other people's sandboxes under their own grader.
    """
    seen = lambda p: any(w.seen.get(p.pid) == p.create_time() for w in watches)
    try:
        if proc.pid == os.getpid() or proc.status() == psutil.STATUS_ZOMBIE:
            return None
        if seen(proc):
            return "tree"
        if token in " ".join(proc.cmdline()):
            return "token"
        if _pid_ns(proc.pid) in namespaces:
            for parent in proc.parents():
                if parent.pid == 1 or seen(parent):
                    return "sandbox ns"
                if _pid_ns(parent.pid) not in namespaces:
                    return None  # someone else's process, in a recycled namespace
            return "sandbox ns"
    except psutil.Error:
        return None
    return None


def survivors(watches: list[Watch], token: str, grace: float = 10.0) -> list[str]:
    """Processes of the runs still alive after ``grace`` seconds: seen in a tree, orphans inside a
    sandbox's PID namespace, or carrying the token in their command line. Zombies are not counted."""
    namespaces = set().union(*(w.sandbox_namespaces for w in watches)) if watches else set()
    deadline = time.monotonic() + grace
    while True:
        found = []
        for proc in psutil.process_iter():
            why = _ours(proc, watches, token, namespaces)
            if why:
                try:
                    age = time.time() - proc.create_time()
                    found.append(f"pid {proc.pid} ({why}; ppid {proc.ppid()}, {proc.status()}, {_pid_ns(proc.pid)}, "
                                 f"started {age:.0f} s ago): {' '.join(proc.cmdline())[:160]}")
                except psutil.Error:
                    pass
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def kill_leftovers(watches: list[Watch], token: str) -> None:
    """End, one pid at a time, the processes this test's runs left behind (only ours, see ``_ours``)."""
    namespaces = set().union(*(w.sandbox_namespaces for w in watches)) if watches else set()
    for proc in psutil.process_iter():
        if _ours(proc, watches, token, namespaces):
            try:
                proc.send_signal(signal.SIGCONT)
                proc.kill()
            except psutil.Error:
                pass


# --- what the run wrote ---------------------------------------------------------------------


def read_rows(out: Path) -> list[dict]:
    path = out / "grades.csv"
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        return list(csv.DictReader(handle))


def row_of(rows: list[dict], student_id: str) -> dict | None:
    """The row of a student; ids the grader had to clean are matched by their first word."""
    cleaned = re.sub(r"[^A-Za-z0-9_.@-]+", "_", student_id).strip("._")
    for candidate in (student_id, cleaned, "'" + cleaned):  # a leading ' keeps a spreadsheet from running it
        exact = [r for r in rows if r.get("student_id") == candidate]
        if exact:
            return exact[0]
    stem = re.split(r"[^A-Za-z0-9_]", student_id)[0]
    if not stem:
        return None
    loose = [r for r in rows if (r.get("student_id") or "").startswith(stem)]
    if len(loose) == 1:
        return loose[0]
    named = [r for r in rows if stem in (r.get("message") or "")]  # e.g. a symlinked folder, named in the message
    return named[0] if len(named) == 1 else None


def folder_for(name: str, folders: list[str]) -> str | None:
    """The submission folder a (possibly cleaned) output folder name belongs to: the longest stem it starts with."""
    if name in folders:
        return name
    stems = [(re.split(r"[^A-Za-z0-9_]", f)[0], f) for f in folders]
    matches = sorted((s for s in stems if s[0] and name.startswith(s[0])), key=lambda s: -len(s[0]))
    return matches[0][1] if matches else None


def score(row: dict | None) -> float | None:
    try:
        return float(row["score"]) if row else None
    except (TypeError, ValueError):
        return None


def input_entries(submissions: Path) -> int:
    """Files of a submissions folder, symlinks to files included; a symlinked folder counts once."""
    count = 0
    for folder, dirs, files in os.walk(submissions):
        count += len(files)
        count += sum(1 for d in dirs if os.path.islink(os.path.join(folder, d)))
    return count


def notebook_outputs(path: Path) -> str:
    """All text of a notebook's outputs (stdout, errors, rich output)."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError, RecursionError):
        return ""
    texts = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) or []:
            text = output.get("text", "")
            texts.append("".join(text) if isinstance(text, list) else str(text))
            texts.append(str(output.get("evalue", "")))
            for value in (output.get("data") or {}).values():
                if isinstance(value, list):
                    value = "".join(str(v) for v in value)
                texts.append(value if isinstance(value, str) else json.dumps(value))
    return "\n".join(texts)


def autograded_outputs(out: Path) -> dict[str, str]:
    """Student folder name -> output text of the instructor's copy of their graded notebook."""
    found = {}
    base = out / "autograded"
    if base.is_dir():
        for path in base.glob("*/*.ipynb"):
            found[path.parent.name] = found.get(path.parent.name, "") + notebook_outputs(path)
    return found


def holes(outputs: dict[str, str], token: str) -> dict[str, list[str]]:
    """Student -> the HOLE lines its attack printed."""
    marker = f"HOLE-{token}"
    return {s: [l for l in text.splitlines() if marker in l] for s, text in outputs.items() if marker in text}


def probe_facts(outputs: dict[str, str]) -> dict | None:
    for line in outputs.get("probe", "").splitlines():
        if line.startswith("PROBE "):
            return json.loads(line[len("PROBE "):])
    return None


def feedback_files(out: Path) -> list[Path]:
    base = out / "feedback"
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.stack, self.texts = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("script", "style"):
            self.texts.append((self.stack[-1], data))


def active_content(page: str, token: str) -> list[str]:
    """Attacker HTML that a browser would run or load from a feedback page."""
    mark = f"XSS-{token}"
    parser = _Tags()
    try:
        parser.feed(page)
    except Exception as error:  # a page the parser cannot read is a finding too
        return [f"unparseable page: {error}"]
    problems = []
    for tag, attrs in parser.tags:
        for name, value in attrs:
            value = value or ""
            if mark in value or "evil.example" in value:
                if name.startswith("on") or name in ("href", "src", "action", "data", "formaction", "srcset", "style",
                                                     "content", "xlink:href", "background", "poster"):
                    problems.append(f"<{tag} {name}={value[:80]!r}>")
                elif tag in ("iframe", "object", "embed", "base", "link", "meta", "form", "script"):
                    problems.append(f"<{tag} {name}={value[:80]!r}>")
    for kind, data in parser.texts:
        if mark in data or "evil.example" in data:
            problems.append(f"<{kind}> {data[:80]!r}")
    return problems


# --- what must not leak ---------------------------------------------------------------------


def reference_values(seed: str) -> dict[str, list[float]]:
    """The instructor solution's records for this seed, computed here: record name -> flat floats."""
    from dlcourse import grading

    saved = os.environ.get(grading.SEED_VARIABLE)
    os.environ[grading.SEED_VARIABLE] = seed
    records: dict[str, list[float]] = {}

    def flat(value) -> list[float]:
        if isinstance(value, (tuple, list)):
            return [x for item in value for x in flat(item)]
        try:
            return [float(x) for x in np.asarray(value, dtype=float).ravel()]
        except (TypeError, ValueError):
            return []

    fake = types.SimpleNamespace(rng=grading.rng, substitute=grading.substitute,
                                 record=lambda name, value, **kw: records.__setitem__(name, flat(value)))
    try:
        namespace = {"np": np}
        for cell in nbs.solution().cells:
            if cell.cell_type == "code" and nbs.meta(cell).get("solution"):
                exec(cell.source, namespace)
        namespace["grading"] = fake
        for cell in nbs.solution().cells:
            if "### BEGIN HIDDEN TESTS" in cell.source:
                exec(cell.source.replace("from dlcourse import grading", "pass"), namespace)
    finally:
        if saved is None:
            os.environ.pop(grading.SEED_VARIABLE, None)
        else:
            os.environ[grading.SEED_VARIABLE] = saved
    return records


def value_forms(records: dict[str, list[float]], inputs: tuple[str, ...] = ("phi after the call",)) -> set[str]:
    """Spellings of the expected values that a page could only hold if it leaked them."""
    forms = set()
    for name, values in records.items():
        if name in inputs:
            continue
        for v in values:
            if v == 0 or abs(v) < 1e-6 or float(v).is_integer():
                continue
            forms.update({repr(v), f"{v:.6g}", f"{v:.7g}"})
    return {f for f in forms if len(f.strip("-0.")) >= 5}


def leaks(text: str, secret: list[str], forms: set[str], own_text: str) -> list[str]:
    """Secret lines (unless the student's own file holds them) and expected values found in ``text``."""
    plain = html.unescape(text)
    found = [f"line: {line}" for line in secret if line not in own_text and line in plain]
    numbers = set(re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?", plain))
    found += [f"value: {form}" for form in forms if form in numbers]
    return found


def own_text(path: Path) -> str:
    """The cell sources of a student's submitted file (empty for a symlink: it is not the student's)."""
    if path.is_symlink() or not path.is_file():
        return ""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8", errors="replace"))
        sources = ["".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
                   for c in notebook.get("cells", [])]
    except (OSError, ValueError, AttributeError, RecursionError):
        return ""
    return "\n".join(sources)


# --- the file system ------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, str]:
    """Relative path -> sha256 (or link target) of every file under ``root``."""
    found = {}
    if not root.exists():
        return found
    for folder, dirs, files in os.walk(root):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                found[rel] = "-> " + os.readlink(path)
                continue
            if not os.path.isfile(path):  # a pipe or a device: never open it
                found[rel] = f"special {os.lstat(path).st_mode:o}"
                continue
            try:
                digest = hashlib.sha256()
                with open(path, "rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
                found[rel] = digest.hexdigest()
            except OSError as error:
                found[rel] = f"unreadable {error}"
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(f"{k}: {'added' if k not in before else 'removed' if k not in after else 'modified'}"
                  for k in set(before) | set(after) if before.get(k) != after.get(k))


SHARED_PLACES = [REPO_ROOT / d for d in ("source", "utils", "autograder", "release", "course", "tests", "bench")]


def host_places() -> list[Path]:
    """Places outside the repository a kernel escaping its sandbox would write to."""
    import site
    import sysconfig
    return [Path(p) for p in {sysconfig.get_paths()["purelib"], site.getusersitepackages(), "/tmp", "/var/tmp",
                              "/dev/shm", os.path.expanduser("~/.ipython"), os.path.expanduser("~/.jupyter"),
                              os.path.expanduser("~/.local/share/jupyter"), str(Path(os.__file__).parent)}]


SANDBOX_UIDS = range(1_000_000, 2**32 - 2)  # the grader gives each sandbox a uid of its own, far above users'


def token_traces(token: str, places: list[Path], depth: int = 4) -> list[Path]:
    """Files named after the token, holding the attack's marker line, or owned by a sandbox's uid."""
    found, marker = [], f"ATTACK-{token}".encode()
    for place in places:
        if not place.is_dir():
            continue
        base_depth = len(place.parts)
        for folder, dirs, files in os.walk(place):
            if len(Path(folder).parts) - base_depth >= depth:
                dirs[:] = []
            dirs[:] = [d for d in dirs if d not in ("__pycache__", ".git") and not d.startswith("pytest-of")]
            for name in files + dirs:
                path = Path(folder) / name
                try:
                    owner = path.lstat().st_uid
                except OSError:
                    continue
                if token in name or owner in SANDBOX_UIDS:
                    found.append(path)
                elif name.endswith((".py", ".pth")) and path.is_file():
                    try:
                        if path.stat().st_size < 5 << 20 and marker in path.read_bytes():
                            found.append(path)
                    except OSError:
                        pass
    return found


def remove_traces(token: str, paths: list[Path]) -> None:
    """Undo what an escaped attack left: marker lines cut off, token-named files removed."""
    marker = f"\n# ATTACK-{token}\n".encode()
    for path in paths:
        try:
            if token in path.name:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            else:
                data = path.read_bytes()
                if marker in data:
                    path.write_bytes(data.replace(marker, b""))
        except OSError:
            pass


# --- listeners an attack must not reach -----------------------------------------------------


class Listeners:
    """A TCP port on every interface, a unix socket and an abstract socket; records who connects."""

    def __init__(self, token: str):
        self.hits: list[str] = []
        self.tcp = socket.socket()
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("0.0.0.0", 0))
        self.port = self.tcp.getsockname()[1]
        self.unix_path = f"/tmp/attack-{token}.sock"
        self.abstract = f"attack-{token}"
        self.unix = socket.socket(socket.AF_UNIX)
        self.unix.bind(self.unix_path)
        os.chmod(self.unix_path, 0o777)
        self.abstract_socket = socket.socket(socket.AF_UNIX)
        self.abstract_socket.bind("\0" + self.abstract)
        self.sockets = [self.tcp, self.unix, self.abstract_socket]
        for s in self.sockets:
            s.listen(16)
            s.settimeout(0.5)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping.is_set():
            for s in self.sockets:
                try:
                    connection, peer = s.accept()
                except (socket.timeout, OSError):
                    continue
                connection.settimeout(1)
                try:
                    data = connection.recv(200)
                except OSError:
                    data = b""
                self.hits.append(f"{s.family.name} {peer!r}: {data[:80]!r}")
                connection.close()

    def close(self):
        self.stopping.set()
        self.thread.join(timeout=5)
        for s in self.sockets:
            s.close()
        Path(self.unix_path).unlink(missing_ok=True)


def host_ip() -> str:
    """This machine's address on its default route (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    except OSError:
        return ""
    finally:
        probe.close()


def disk_free(path: Path) -> int:
    return shutil.disk_usage(path).free
