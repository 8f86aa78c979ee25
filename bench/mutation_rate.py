"""How many single-point mistakes in the solutions do the hidden tests catch? A script, not a test.

Every line between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is changed in one place at a time
by the operators below (an arithmetic or comparison operator swapped, a constant moved, a minus
dropped, a reduction swapped for its sibling, a statement deleted). Each change is graded as the
grader grades it, records and rules, by ``tests/mutant_harness.py``; it counts as caught when at least
one hidden test of its exercise fails. Some changes cannot be caught because they change nothing
(``x >= 0`` against ``x > 0`` where the two branches agree at 0): those are listed in ``EQUIVALENT``,
each with its reason, and left out of the rate. Every other survivor is printed; the target is 95 %
per notebook.

    .venv/bin/python bench/mutation_rate.py [01_linear_regression ...] > docs/mutation_rate.md

Without arguments it measures notebooks 01 to 06: 464 changes in about a minute on a 2-core machine.
"""

from __future__ import annotations

import ast
import copy
import sys
import time
from pathlib import Path
from typing import Callable

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.mutant_harness import Mutant, run_mutants, solution_cells  # noqa: E402

DEFAULT_NOTEBOOKS = ("01_linear_regression", "02_logistic_regression", "03_backpropagation", "04_activations",
                     "05_optimization", "06_convolutions")
SWAPPED_OPERATORS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
                     ast.FloorDiv: ast.Div, ast.MatMult: ast.Mult}
SWAPPED_COMPARISONS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                       ast.NotEq: ast.Eq}
SIBLING_CALLS = {"sum": "mean", "mean": "sum", "max": "min", "min": "max", "argmax": "argmin", "argmin": "argmax",
                 "maximum": "minimum", "minimum": "maximum", "exp": "expm1", "log": "log1p", "log1p": "log"}


# Changes that cannot be caught because they compute the same values on every input the exercise allows,
# each with the reason; keyed by (exercise, change) as printed, without its running number.
EQUIVALENT = {
    ("largest_stable_learning_rate", "line 7: .sum -> .mean"):
        "changes the Hessian's upper-right entry, which np.linalg.eigvalsh never reads (it uses the lower triangle)",
    ("sigmoid", "line 9: GtE -> Gt"): "both branches give 1/2 at z = 0",
    ("train_minibatch", "line deleted: loss_layer = SoftmaxCrossEntropy()"):
        "the notebook defines a loss_layer of the same class earlier, which the function then reads",
    ("elu", "line 5: 0.0 -> 1.0"): "np.minimum(x, 1.0) differs from np.minimum(x, 0.0) only where x >= 0, "
                                   "where np.where takes the other branch; exp(1) cannot overflow",
    ("elu_derivative", "line 5: 0.0 -> 1.0"): "as for elu: only the discarded branch changes",
    ("conv2d_loops", "line 12: 0 -> 1"): "pads the batch axis with one zero image at its end, which no loop reads",
    ("conv2d_im2col", "line 10: 1 -> 2"): "reshape(F, -2): NumPy reads every negative size as 'the rest'",
    ("maxpool_backward", "line 14: 1 -> 2"): "reshape(N, C, -2): NumPy reads every negative size as 'the rest'",
}


def equivalent_reason(mutant: Mutant) -> str | None:
    """Why ``mutant`` changes nothing, when it is known to; None otherwise."""
    change = mutant.mistake.rsplit(" #", 1)[0]
    if change.startswith("line deleted: ") and " = np.asarray(" in change and "dtype=float" in change:
        return "the inputs are float arrays (the docstring says so); np.asarray only converts other types"
    return EQUIVALENT.get((mutant.exercise, change))


def solution_lines(source: str) -> set[int]:
    """1-based numbers of the lines between the solution markers."""
    lines, inside, found = source.splitlines(), False, set()
    for number, line in enumerate(lines, start=1):
        if "### BEGIN SOLUTION" in line:
            inside = True
        elif "### END SOLUTION" in line:
            inside = False
        elif inside:
            found.add(number)
    return found


def _changes(node: ast.AST) -> list[tuple[str, Callable[[ast.AST], None]]]:
    """(description, apply) for each single-point change of ``node``; apply edits a copy in place."""
    changes = []
    if isinstance(node, ast.BinOp) and type(node.op) in SWAPPED_OPERATORS:
        new = SWAPPED_OPERATORS[type(node.op)]
        changes.append((f"{type(node.op).__name__} -> {new.__name__}", lambda n: setattr(n, "op", new())))
    if isinstance(node, ast.AugAssign) and type(node.op) in SWAPPED_OPERATORS:
        new = SWAPPED_OPERATORS[type(node.op)]
        changes.append((f"{type(node.op).__name__}= -> {new.__name__}=", lambda n: setattr(n, "op", new())))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in SWAPPED_COMPARISONS:
        new = SWAPPED_COMPARISONS[type(node.ops[0])]
        changes.append((f"{type(node.ops[0]).__name__} -> {new.__name__}", lambda n: setattr(n, "ops", [new()])))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        changes.append(("minus dropped", lambda n: setattr(n, "op", ast.UAdd())))
    if isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
        moved = node.value + 1 if isinstance(node.value, int) else (node.value * 2 if node.value else 1.0)
        changes.append((f"{node.value!r} -> {moved!r}", lambda n: setattr(n, "value", moved)))
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        changes.append((f"{node.value} -> {not node.value}", lambda n: setattr(n, "value", not n.value)))
    if isinstance(node, ast.Attribute) and node.attr in SIBLING_CALLS:
        sibling = SIBLING_CALLS[node.attr]
        changes.append((f".{node.attr} -> .{sibling}", lambda n: setattr(n, "attr", sibling)))
    return changes


def _statement_deletions(tree: ast.AST, lines: set[int]) -> list[tuple[int, str, int, str]]:
    """(node index in ast.walk order, body field, position, description) of statements that pass can replace."""
    found = []
    for index, node in enumerate(ast.walk(tree)):
        for body_name in ("body", "orelse"):
            body = getattr(node, body_name, None)
            if not isinstance(body, list) or len(body) < 2:
                continue
            for position, statement in enumerate(body):
                if (isinstance(statement, (ast.Assign, ast.AugAssign, ast.Expr)) and statement.lineno in lines
                        and not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))):
                    found.append((index, body_name, position, f"line deleted: {ast.unparse(statement)[:60]}"))
    return found


def mutants_of(exercise: str, source: str) -> list[Mutant]:
    """Every single-point change of the solution lines of one answer cell, as Mutants."""
    lines = solution_lines(source)
    tree = ast.parse(source)
    original = ast.unparse(tree)
    made, seen = [], {original}
    nodes = list(ast.walk(tree))
    for index, node in enumerate(nodes):
        if getattr(node, "lineno", None) not in lines:
            continue
        for description, apply in _changes(node):
            changed = copy.deepcopy(tree)
            apply(list(ast.walk(changed))[index])
            text = ast.unparse(changed)
            if text not in seen:
                seen.add(text)
                made.append(Mutant(exercise, f"line {node.lineno}: {description} #{len(made)}", text))
    for index, body_name, position, description in _statement_deletions(tree, lines):
        changed = copy.deepcopy(tree)
        getattr(list(ast.walk(changed))[index], body_name)[position] = ast.Pass()
        text = ast.unparse(changed)
        if text not in seen:
            seen.add(text)
            made.append(Mutant(exercise, f"{description} #{len(made)}", text))
    return made


def measure(notebook_id: str) -> tuple[int, int, list[str], list[str]]:
    """(mutants that change something, caught, survivors, equivalent changes with their reasons) for one notebook."""
    path = ROOT / "source" / notebook_id / f"{notebook_id}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    mutants = [mutant for exercise, (_, source) in solution_cells(notebook).items()
               for mutant in mutants_of(exercise, source)]
    report = run_mutants(path, mutants, timeout=120)
    survived = [m for m in mutants
                if report.verdicts.get(m.mistake) and all(v.passed for v in report.verdicts[m.mistake].values())]
    equivalent = [f"{m.exercise}: {m.mistake} ({equivalent_reason(m)})" for m in survived if equivalent_reason(m)]
    survivors = [f"{m.exercise}: {m.mistake}" for m in survived if not equivalent_reason(m)]
    changing = len(mutants) - len(equivalent)
    return changing, changing - len(survivors), survivors, equivalent


def main(notebooks: list[str]) -> None:
    print(f"# Mutation rate of the hidden tests ({time.strftime('%Y-%m-%d')}; `python bench/mutation_rate.py`)\n")
    print("Rate = caught / single-point changes that change some value (equivalent changes, listed below, left out).\n")
    print("| notebook | changes | equivalent | caught | rate |\n|---|---:|---:|---:|---:|")
    details, rates = [], []
    for notebook_id in notebooks:
        start = time.perf_counter()
        changing, caught, survivors, equivalent = measure(notebook_id)
        rates.append(caught / max(changing, 1))
        print(f"| {notebook_id} | {changing + len(equivalent)} | {len(equivalent)} | {caught} | "
              f"{100 * rates[-1]:.1f} % |", flush=True)
        details.append(f"\n## {notebook_id} ({time.perf_counter() - start:.0f} s)\n\n"
                       f"Survivors: {len(survivors)}" + "".join(f"\n- {s}" for s in survivors)
                       + f"\n\nEquivalent: {len(equivalent)}" + "".join(f"\n- {s}" for s in equivalent))
    print("\n".join(details))
    lowest = min(rates, default=1.0)
    print(f"\nLowest rate: {100 * lowest:.1f} % ({'meets' if lowest >= 0.95 else 'BELOW'} the 95 % target)")


if __name__ == "__main__":
    main(sys.argv[1:] or list(DEFAULT_NOTEBOOKS))
