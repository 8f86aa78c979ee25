"""The similarity report: planted copies of notebook 03's answers are flagged, an independent solution is not."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from autograder.reports.similarity import THRESHOLD, answer_code, render, similar_pairs
from tests.conftest import REPO_ROOT

NB = "03_backpropagation"


def _answers(kind: str) -> str:
    notebook = json.loads((REPO_ROOT / kind / NB / f"{NB}.ipynb").read_text(encoding="utf-8"))
    return answer_code(notebook)


@pytest.fixture(scope="module")
def reference() -> str:
    return re.sub(r" *### (BEGIN|END) SOLUTION\n?", "", _answers("source"))


@pytest.fixture(scope="module")
def starter() -> str:
    return _answers("release")


def independent_answers(starter: str) -> str:
    """tests/data/alternative_03_answers.py's bodies put into the release's stubs."""
    text = (REPO_ROOT / "tests" / "data" / "alternative_03_answers.py").read_text(encoding="utf-8")
    bodies = iter("\n".join(line for line in body.strip("\n").splitlines() if not line.startswith("# "))
                  for body in text.split("\n# ---\n"))

    def fill(match: re.Match) -> str:
        return "\n".join(match.group(1) + line if line else line for line in next(bodies).splitlines())

    filled = re.sub(r"^( *)# YOUR CODE HERE\n *raise NotImplementedError\(\)", fill, starter, flags=re.M)
    assert "NotImplementedError" not in filled
    return filled


@pytest.fixture(scope="module")
def independent(starter) -> str:
    return independent_answers(starter)


def disguised(code: str) -> str:
    """A copy as a student would hide it: names changed, comments added, blank lines moved, definitions reordered."""
    for old, new in (("grad_out", "upstream"), ("point", "arr"), ("loss_history", "losses"), ("batch", "chunk"),
                     ("shifted", "stable"), ("saved", "keep"), ("index", "pos"), ("layer", "lyr")):
        code = re.sub(rf"\b{old}\b", new, code)
    code = code.replace("    return ", "    # done, hand it back\n\n    return ")
    blocks = re.split(r"\n(?=def |class )", code)
    return "\n\n\n".join(reversed(blocks))


def test_a_disguised_copy_is_flagged(reference):
    [pair] = similar_pairs({"ann": reference, "bob": disguised(reference)}, _answers("release"))
    assert {pair.student_a, pair.student_b} == {"ann", "bob"} and pair.score >= 0.8


def test_an_independent_correct_solution_is_not_flagged(reference, starter, independent):
    pairs = similar_pairs({"ann": reference, "cleo": independent, "bob": disguised(reference)}, starter)
    assert [{p.student_a, p.student_b} for p in pairs] == [{"ann", "bob"}]
    assert similar_pairs({"ann": reference, "cleo": independent}, starter, threshold=0.3) == []


def test_untouched_starter_code_is_not_a_copy(starter):
    assert similar_pairs({"a": starter, "b": starter, "c": starter}, starter) == []


def test_only_answer_cells_are_compared():
    def notebook(answer: str, test: str) -> dict:
        return {"cells": [
            {"cell_type": "code", "source": answer, "metadata": {"nbgrader": {"solution": True, "grade": False}}},
            {"cell_type": "code", "source": test, "metadata": {"nbgrader": {"solution": False, "grade": True}}},
            {"cell_type": "code", "source": "print('scratch')", "metadata": {}}]}

    shared_test = "check_close('f', f(1), 2)\n" * 40
    assert answer_code(notebook("def f(x):\n    return x + 1", shared_test)) == "def f(x):\n    return x + 1"


def test_the_page_shows_each_pair_side_by_side_escaped(reference):
    code = reference + "\n# <script>alert(1)</script>\n"
    pairs = similar_pairs({"<b>ann</b>": code, "bob": disguised(code)}, _answers("release"))
    page = render("03_backpropagation", pairs, 2, THRESHOLD)

    class Tags(HTMLParser):
        found: list = []

        def handle_starttag(self, tag, attrs):
            self.found.append(tag)

    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.found and "b" not in parser.found and parser.found.count("mark") > 5
    assert "&lt;b&gt;ann&lt;/b&gt;" in page and "default-src 'none'" in page
