"""CheckRules: the rules an exercise sets on how its answer is written, checked on the submitted code.

An instructor notebook declares a rule in an exercise's visible test cell, where the student sees it:

    check_rules("tanh", tanh, must_not_use=("np.tanh", "scipy"), hint="build it from np.exp")

The grader reads that call from the instructor's notebook (never from the student's file: the test
cells were restored from the instructor's), finds the statement that last binds the name before
the exercise's hidden test in the notebook that ran, and checks it with ``dlcourse.rules``, by
reading the code, outside the kernel. A broken rule fails the hidden test that follows the visible
one, with the same sentence the visible check prints. Code that cannot be parsed, or that binds the
name in no statement the grader can see, fails that test too, with the reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace

from dlcourse import rules

from autograder.grading.steps.base import Step
from autograder.grading.submission import CellResult
from autograder.grading.template import TEST, NotebookTemplate, nbgrader_metadata

RULE_CALL = "check_rules"


@dataclass(frozen=True)
class Rule:
    """One ``check_rules`` call of an instructor notebook, and the hidden test it guards."""

    shown_name: str
    function: str
    hidden_grade_id: str
    must_not_use: tuple[str, ...] = ()
    no_loops: bool = False
    hint: str = ""


def declared_rules(template: NotebookTemplate) -> list[Rule]:
    """Every ``check_rules`` call in the template's test cells, with the next hidden test after it."""
    found = []
    cells = list(template.cells)
    for index, cell in enumerate(cells):
        if cell.role != TEST or RULE_CALL not in cell.instructor_source:
            continue
        hidden = next((c.grade_id for c in cells[index:] if c.role == TEST and c.points > 0), None)
        for call in ast.walk(ast.parse(cell.instructor_source)):
            if isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", "")) == RULE_CALL:
                found.append(_rule(call, hidden, template.name))
    return found


def _rule(call: ast.Call, hidden: str | None, notebook: str) -> Rule:
    """A Rule from the literal arguments of one call; an instructor's mistake stops the run with the reason."""
    where = f"{notebook}: check_rules(...) at line {call.lineno}"
    if hidden is None:
        raise ValueError(f"{where} has no hidden test after it to guard")
    if len(call.args) != 2 or not isinstance(call.args[1], ast.Name):
        raise ValueError(f"{where}: expected check_rules(\"name\", function, ...) with the function named directly")
    try:
        options = {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords}
        shown = ast.literal_eval(call.args[0])
    except ValueError:
        raise ValueError(f"{where}: every argument but the function must be a literal") from None
    return Rule(shown_name=shown, function=call.args[1].id, hidden_grade_id=hidden,
                must_not_use=tuple(options.get("must_not_use", ())), no_loops=bool(options.get("no_loops", False)),
                hint=str(options.get("hint", "")))


def verdict(rule: Rule, sources: list[str]) -> str | None:
    """None when the answer keeps the rule, else the sentence that fails the hidden test.

    ``sources``: the code cells that ran before the hidden test, tests excluded, in order.
    """
    binds = re.compile(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(rule.function)}\b|"
                       rf"^{re.escape(rule.function)}\b[^=\n]*(?<![=!<>])=(?!=)", re.MULTILINE)
    source = next((s for s in reversed(sources) if binds.search(s)), None)
    if source is None:
        return (f"{rule.shown_name}: no def of {rule.function} was found in your notebook, so the rules of this "
                "exercise could not be checked; define it with def in its answer cell.")
    try:
        violations = rules.check_source(source, rule.function, must_not_use=rule.must_not_use,
                                        no_loops=rule.no_loops, aliases=notebook_aliases(sources))
    except ValueError as error:
        return f"{rule.shown_name}: the cell that defines {rule.function} could not be checked: {error}."
    return rules.describe(rule.shown_name, violations, rule.must_not_use, rule.no_loops, rule.hint) if violations else None


def notebook_aliases(sources: list[str]) -> dict[str, str]:
    """Alias -> module for the imports of every cell that parses (``from dlcourse import gradcheck``)."""
    aliases: dict[str, str] = {}
    for source in sources:
        try:
            aliases.update(rules.imported_aliases(rules.parse(source)))
        except ValueError:
            continue
    return aliases


class CheckRules(Step):
    """Check rules: each exercise's rules on how its answer is written, read from the code; a broken rule fails its hidden test."""

    requires = ("graded", "cells")
    provides = ()

    def run(self, state) -> None:
        template = self.context.template.notebooks.get(state.submission.notebook)
        if template is None:
            return
        cells = state.graded.cells
        for rule in declared_rules(template):
            hidden_at = next((i for i, c in enumerate(cells)
                              if nbgrader_metadata(c).get("grade_id") == rule.hidden_grade_id), None)
            if hidden_at is None:
                continue
            sources = [c.source for c in cells[:hidden_at]
                       if c.cell_type == "code" and not nbgrader_metadata(c).get("grade")]
            message = verdict(rule, sources)
            if message is None:
                continue
            state.cells = [replace(c, score=0.0, passed=False, message=message if c.passed else f"{c.message} {message}")
                           if c.grade_id == rule.hidden_grade_id else c for c in state.cells]
            executed = state.executed.cells[hidden_at] if state.executed is not None else None
            if executed is not None and nbgrader_metadata(executed).get("grade_id") == rule.hidden_grade_id:
                executed.metadata["nbgrader"]["score"] = 0.0
