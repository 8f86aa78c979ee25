"""Rules an exercise sets on how its answer is written, checked by reading the code, not by running it.

Some exercises ask for a way of computing, not only a value: "build tanh from np.exp, not np.tanh",
"without a Python loop". Values cannot tell those answers apart, so the rule is checked on the
code itself. The visible test states it with ``dlcourse.checks.check_rules``; the grader reads the
same call from the instructor's notebook and checks the submitted cell with ``rule_violations``,
from the notebook file, outside the student's kernel.

This is a rule check, not a security boundary: code that builds a name at run time
(``getattr(np, "ta" + "nh")``) is not seen. The values the hidden tests compare still apply.

Introduced in 01_linear_regression.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

# Names the course's notebooks import under a short alias; a rule may use either spelling.
COURSE_ALIASES = {"np": "numpy", "tf": "tensorflow", "plt": "matplotlib.pyplot"}
LOOP_NODES = {ast.For: "a for loop", ast.AsyncFor: "a for loop", ast.While: "a while loop",
              ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
              ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression"}
MAX_SOURCE_CHARS = 100_000


def canonical(dotted: str, aliases: Mapping[str, str]) -> str:
    """``np.tanh`` -> ``numpy.tanh``: the first part replaced by what it is an alias of."""
    first, _, rest = dotted.partition(".")
    full = aliases.get(first, first)
    return f"{full}.{rest}" if rest else full


def _dotted(node: ast.AST) -> str | None:
    """``np.linalg.solve`` for an Attribute chain ending in a Name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def imported_aliases(tree: ast.AST) -> dict[str, str]:
    """Alias -> full dotted name for every import in ``tree`` (``import numpy as np``, ``from numpy import tanh as t``)."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.partition(".")[0]] = alias.name if alias.asname else \
                    alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def find_definition(tree: ast.AST, name: str) -> ast.AST | None:
    """The last top-level statement of a parsed cell that binds ``name`` (the one that takes effect).

    A ``def`` or ``class``, or an assignment such as ``tanh = np.tanh``, so that the value assigned
    is checked too.
    """
    found = None
    for node in getattr(tree, "body", []):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            found = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for target in targets for t in ast.walk(target)):
                found = node
    return found


def rule_violations(definition: ast.AST, *, must_not_use: Iterable[str] = (), no_loops: bool = False,
                    aliases: Mapping[str, str] | None = None) -> list[str]:
    """What in ``definition`` breaks the rules, in words ("np.tanh", "a for loop"), each once, in source order.

    Args:
        definition: the parsed ``def`` or ``class`` of the answer.
        must_not_use: dotted names the answer may not name, e.g. ``np.tanh`` or ``scipy`` (the module
            and everything in it). Aliases are resolved, so ``numpy.tanh`` and ``from numpy import
            tanh`` are caught by ``np.tanh``; a bare name (``sigmoid``) is caught wherever it is
            imported from.
        no_loops: whether loops and comprehensions are forbidden.
        aliases: alias -> module, from the imports the code can see; the course's own (np, tf, plt)
            are always known.
    """
    known = {**COURSE_ALIASES, **(aliases or {}), **imported_aliases(definition)}
    forbidden = [canonical(name, COURSE_ALIASES) for name in must_not_use]
    found: list[str] = []
    for node in ast.walk(definition):
        if no_loops and type(node) in LOOP_NODES:
            found.append(LOOP_NODES[type(node)])
        dotted = _dotted(node) if isinstance(node, (ast.Attribute, ast.Name)) else None
        if isinstance(node, ast.ImportFrom) and node.module:
            dotted = node.module
        elif isinstance(node, ast.Import):
            dotted = node.names[0].name
        if dotted is None:
            continue
        full = canonical(dotted, known)
        for rule, shown in zip(forbidden, must_not_use):
            bare_name_imported = "." not in rule and full.rsplit(".", 1)[-1] == rule  # from dlcourse.mlp import sigmoid
            if full == rule or full.startswith(rule + ".") or bare_name_imported:
                found.append(shown)
    return list(dict.fromkeys(found))


def parse(source: str) -> ast.Module:
    """Parse one cell's code within the size limit; raises ``ValueError`` with the reason when it cannot."""
    if len(source) > MAX_SOURCE_CHARS:
        raise ValueError(f"the cell has {len(source)} characters; at most {MAX_SOURCE_CHARS} can be checked")
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise ValueError(f"its code cannot be parsed ({type(error).__name__})") from None


def check_source(source: str, name: str | None, *, must_not_use: Iterable[str] = (), no_loops: bool = False,
                 aliases: Mapping[str, str] | None = None) -> list[str]:
    """Parse one cell's code and check the definition of ``name`` in it (``None``: all of the code).

    Returns what breaks the rules (see ``rule_violations``); raises ``ValueError`` with a reason
    when the code cannot be read or does not define ``name``.
    """
    tree = parse(source)
    definition = tree if name is None else find_definition(tree, name)
    if definition is None:
        raise ValueError(f"the cell does not define {name}")
    try:
        return rule_violations(definition, must_not_use=must_not_use, no_loops=no_loops,
                               aliases={**imported_aliases(tree), **(aliases or {})})
    except RecursionError:
        raise ValueError("its code is nested too deeply to check") from None


def describe(name: str, violations: list[str], must_not_use: Iterable[str] = (), no_loops: bool = False,
             hint: str = "") -> str:
    """The verdict in the course's order, without the ``[FAIL]`` tag the visible check adds:
    "tanh: got code that uses np.tanh, expected an answer without np.tanh or scipy. Hint: ..."."""
    allowed = [*must_not_use, *(["a Python loop"] if no_loops else [])]
    message = f"{name}: got code that uses {_join(violations, 'and')}, expected an answer without {_join(allowed, 'or')}."
    return f"{message} Hint: {hint}" if hint else message


def _join(items: list[str], word: str) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]
