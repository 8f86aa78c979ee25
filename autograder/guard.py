"""The in-kernel guard: restores a pristine test environment before each grade cell and checks it after.

It is installed by one silent request before any student code runs. Before each grade cell the
grader calls ``restore()`` through an execute request's ``user_expressions``, which IPython evaluates
without the input transformers, AST transformers or ``run_cell`` a student may have replaced. After the
cell, ``verify()`` reports what the cell itself changed. This is defence in depth, not isolation: code
in the same process can in principle reach everything (see autograder/README.md, "Limits").
"""

from __future__ import annotations

import ast

GUARD_MODULE = "_autograder_guard"
ALWAYS_WATCHED = ("numpy", "numpy.linalg", "numpy.testing", "math", "dlcourse", "dlcourse.checks")
# Modules whose attributes test cells rely on. Framework packages (torch, tensorflow) are left out on
# purpose: they rebind their own attributes lazily, which would read as tampering.
WATCHED_PREFIXES = ("numpy", "dlcourse")
DYNAMIC_PREFIXES = ("dlcourse",)
OK = "ok"

KERNEL_SOURCE = r'''
def _autograder_install(module_names, dynamic_prefixes):
    import builtins, importlib, signal, sys, types
    shell = get_ipython()
    MISSING = object()
    LIBRARIES = ("IPython", "ipykernel", "matplotlib", "matplotlib_inline", "ipywidgets", "comm", "traitlets", "tqdm")
    namespaces = {}
    modules = {}

    def watch(name, obj):
        # Functions, classes and modules only: code may rebind its own data globals legitimately.
        if name not in namespaces:
            namespaces[name] = (obj, {k: v for k, v in vars(obj).items() if callable(v) or isinstance(v, types.ModuleType)})
            if isinstance(obj, types.ModuleType):
                modules[name] = obj

    for name in module_names:
        try:
            watch(name, importlib.import_module(name))
        except Exception:
            pass
    watch("builtins", builtins)
    for owner in (shell, shell.kernel):
        for cls in type(owner).__mro__:
            if cls is not object:
                watch(f"class {cls.__module__}.{cls.__qualname__}", cls)
    instance_keys = {id(owner): set(vars(owner)) for owner in (shell, shell.kernel)}
    hooks = {name: getattr(sys, name) for name in ("excepthook", "displayhook", "stdout", "stderr", "breakpointhook")}
    shell_state = {name: getattr(shell, name) for name in (
        "custom_exceptions", "CustomTB", "input_transformer_manager", "input_transformers_cleanup",
        "input_transformers_post", "ast_transformers", "events", "displayhook", "display_pub", "user_ns")}
    shell_lists = {name: list(shell_state[name]) for name in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")}
    callbacks = {event: list(cbs) for event, cbs in shell.events.callbacks.items()}
    try:
        sigint = signal.getsignal(signal.SIGINT)
    except Exception:
        sigint = None

    def from_library(callback):
        module = getattr(callback, "__module__", None) or ""
        return module.split(".")[0] in LIBRARIES

    def restore_namespace(name, obj, snapshot, changed):
        current = vars(obj)
        for key, value in snapshot.items():
            if current.get(key, MISSING) is not value:
                try:
                    if isinstance(obj, types.ModuleType):
                        current[key] = value
                    else:
                        setattr(obj, key, value)
                except Exception:
                    continue
                if not (name == "builtins" and key.startswith("_")):
                    changed.append(f"{name}.{key}")

    def restore():
        changed = []
        sys.settrace(None)
        sys.setprofile(None)
        for name in list(sys.modules):
            if name.split(".")[0] in dynamic_prefixes and name not in namespaces:
                module = sys.modules.get(name)
                if isinstance(module, types.ModuleType):
                    watch(name, module)
        for name, (obj, snapshot) in list(namespaces.items()):
            restore_namespace(name, obj, snapshot, changed)
        for name, module in modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append(f"sys.modules[{name!r}]")
        for name, value in hooks.items():
            if getattr(sys, name) is not value:
                setattr(sys, name, value)
                changed.append(f"sys.{name}")
        for name, value in shell_state.items():
            if getattr(shell, name) is not value:
                setattr(shell, name, value)
                changed.append(f"shell.{name}")
        for name, items in shell_lists.items():
            target = getattr(shell, name)
            if list(target) != items:
                target[:] = items
                changed.append(f"shell.{name}")
        for event, cbs in shell.events.callbacks.items():
            keep = [cb for cb in cbs if cb in callbacks.get(event, ()) or from_library(cb)]
            if keep != cbs:
                cbs[:] = keep
                changed.append(f"shell.events[{event!r}]")
        for owner in (shell, shell.kernel):
            for key in list(vars(owner)):
                if key not in instance_keys[id(owner)] and callable(getattr(type(owner), key, None)):
                    delattr(owner, key)
                    changed.append(f"{type(owner).__name__}.{key}")
        shell.user_ns["__builtins__"] = builtins
        if sigint is not None:
            try:
                if signal.getsignal(signal.SIGINT) is not sigint:
                    signal.signal(signal.SIGINT, sigint)
            except Exception:
                pass
        guard.last_changed = changed
        return "ok"

    def verify():
        changed = []
        for name, (obj, snapshot) in list(namespaces.items()):
            if name.startswith("class "):
                continue
            current = vars(obj)
            for key, value in snapshot.items():
                if current.get(key, MISSING) is not value and not (name == "builtins" and key.startswith("_")):
                    changed.append(f"{name}.{key}")
        for name, module in modules.items():
            if sys.modules.get(name) is not module:
                changed.append(f"sys.modules[{name!r}]")
        return "ok" if not changed else "changed: " + ", ".join(sorted(changed)[:8])

    guard = types.ModuleType("_autograder_guard")
    guard.restore, guard.verify, guard.last_changed = restore, verify, []
    sys.modules["_autograder_guard"] = guard
    modules["_autograder_guard"] = guard
'''


def install_source(module_names: list[str]) -> str:
    """The silent cell that installs the guard, watching ``module_names`` besides the defaults."""
    names = sorted(set(ALWAYS_WATCHED) | set(module_names))
    return (KERNEL_SOURCE + f"\n_autograder_install({names!r}, {DYNAMIC_PREFIXES!r})\ndel _autograder_install\n")


RESTORE_EXPRESSION = f"__import__('sys').modules[{GUARD_MODULE!r}].restore()"
VERIFY_EXPRESSION = f"__import__('sys').modules[{GUARD_MODULE!r}].verify()"


def imported_modules(sources: list[str]) -> list[str]:
    """Modules that test cells import (``import a.b``, ``from a.b import c``), to watch them from the start."""
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
    return sorted(name for name in found if name.split(".")[0] in WATCHED_PREFIXES)


def marker_line(marker: str) -> str:
    """The line appended to each grade cell: it prints the run's marker only when the test ran to its end."""
    return f"\n__builtins__.print({marker!r})"


def unwrap_expression(reply: dict | None, key: str) -> str:
    """The text value of user expression ``key`` in an execute reply, or a reason why there is none."""
    if not reply:
        return "no reply from the kernel"
    content = reply.get("content", {})
    if content.get("status") != "ok":
        return f"guard request failed: {content.get('ename', '')} {content.get('evalue', '')}".strip()
    value = content.get("user_expressions", {}).get(key)
    if not isinstance(value, dict):
        return "guard did not answer"
    if value.get("status") != "ok":
        return f"guard failed: {value.get('ename', '')} {value.get('evalue', '')}".strip()
    text = value.get("data", {}).get("text/plain", "")
    return text.strip("'\"") if text.startswith(("'", '"')) else text
