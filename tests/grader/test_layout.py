"""autograder/ is grouped by what the code is: no import cycle, and execution knows nothing of the rest."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "autograder"
GROUPS = ("authoring", "grading", "execution", "reports")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each autograder module and the autograder modules it imports, at any depth of its code."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("autograder"):
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
                imported.add(next(t for t in targets if t in modules))
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names if alias.name in modules}
        graph[name] = imported - {name}
    return graph


def test_every_module_sits_in_one_of_the_four_groups():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert not loose, f"put these in {', '.join(GROUPS)}: {loose}"
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == sorted(GROUPS)


def test_there_is_no_import_cycle():
    graph = import_graph()
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in graph.get(module, ()):
            if state.get(target) == "open":
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(target):] + [target]))
            if target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_execution_imports_nothing_of_grading_authoring_or_reports():
    graph = import_graph()
    leaks = {m: sorted(t for t in targets if not t.startswith("autograder.execution"))
             for m, targets in graph.items() if m.startswith("autograder.execution")}
    assert not {m: t for m, t in leaks.items() if t}, leaks


def test_the_cycle_check_sees_a_cycle():
    """The check above can fail: an import of the pipeline from a step is reported."""
    graph = import_graph()
    assert "autograder.grading.one_submission" in graph["autograder.grading.steps.grade_submissions"]
    graph["autograder.grading.one_submission"].add("autograder.grading.steps.grade_submissions")
    seen = set()

    def reachable(start: str) -> set[str]:
        stack = [start]
        while stack:
            for target in graph.get(stack.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        return seen

    assert "autograder.grading.steps.grade_submissions" in reachable("autograder.grading.steps.grade_submissions")
