"""Build a student's notebook 01 from the instructor's (solution) or the release (blank)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat

from autograder.authoring.course import load_course

ASSIGNMENT = load_course().assignment("01_linear_regression")
NOTEBOOK = ASSIGNMENT.notebook  # "01_linear_regression.ipynb"

WRONG = {  # plausible honest mistakes, each failing only its own exercise's hidden test
    "predict": 'def predict(x, phi):\n    """Slope and intercept swapped."""\n    return phi[1] + phi[0] * x\n',
    "least_squares_fit": ('def least_squares_fit(x, y):\n'
                          '    """Returns (slope, intercept) instead of (intercept, slope)."""\n'
                          '    design = np.column_stack([np.ones_like(x), x])\n'
                          '    return np.linalg.solve(design.T @ design, design.T @ y)[::-1]\n'),
}


def meta(cell) -> dict:
    """The cell's nbgrader metadata, or an empty dict."""
    return cell.get("metadata", {}).get("nbgrader", {})


def solution() -> nbformat.NotebookNode:
    """The instructor notebook: every hidden test passes."""
    return nbformat.read(ASSIGNMENT.source_path(), as_version=4)


def full() -> nbformat.NotebookNode:
    """What a student who solved everything submits: the release with the solutions typed in.

    (The instructor notebook itself also holds the hidden tests, which no student ever has.)
    """
    notebook = release()
    for cell in solution().cells:
        if cell.cell_type == "code" and meta(cell).get("solution"):
            lines = [line for line in cell.source.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line]
            notebook.cells[index_of(notebook, meta(cell)["grade_id"])].source = "\n".join(lines) + "\n"
    return notebook


def release() -> nbformat.NotebookNode:
    """The notebook students download: every answer raises NotImplementedError."""
    return nbformat.read(ASSIGNMENT.release_path(), as_version=4)


def max_score() -> float:
    """Points of the notebook: the sum over its graded cells."""
    return float(sum(float(meta(c).get("points") or 0) for c in solution().cells if meta(c).get("grade")))


def points_of(grade_id: str) -> float:
    """Points of one graded cell."""
    return float(next(meta(c).get("points") or 0 for c in solution().cells if meta(c).get("grade_id") == grade_id))


def index_of(notebook, grade_id: str) -> int:
    """Position of the cell with this grade_id."""
    return next(i for i, c in enumerate(notebook.cells) if meta(c).get("grade_id") == grade_id)


def with_answer(notebook, grade_id: str, source: str) -> nbformat.NotebookNode:
    """A copy whose answer cell ``grade_id`` holds ``source``."""
    notebook = copy.deepcopy(notebook)
    notebook.cells[index_of(notebook, grade_id)].source = source
    return notebook


def with_answers(notebook, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy with several answer cells replaced."""
    for grade_id, source in answers.items():
        notebook = with_answer(notebook, grade_id, source)
    return notebook


def with_cell_after(notebook, grade_id: str, source: str, cell_type: str = "code") -> nbformat.NotebookNode:
    """A copy with a new cell (no nbgrader metadata) right after the cell ``grade_id``."""
    notebook = copy.deepcopy(notebook)
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    notebook.cells.insert(index_of(notebook, grade_id) + 1, make(source))
    return notebook


def answers() -> dict[str, str]:
    """grade_id -> the def line of every answer cell, in notebook order."""
    found = {}
    for cell in solution().cells:
        if cell.cell_type == "code" and meta(cell).get("solution"):
            found[meta(cell)["grade_id"]] = next(line for line in cell.source.splitlines() if line.startswith("def "))
    return found


def blank_answer(grade_id: str) -> str:
    """An answer that runs but knows nothing: zeros (predict: zeros shaped like x)."""
    if grade_id == "predict":
        return "def predict(x, phi):\n    return np.zeros_like(np.asarray(x, dtype=float))\n"
    return answers()[grade_id] + "\n    return np.zeros(2)\n"


def blank_answers(**overrides: str) -> nbformat.NotebookNode:
    """The release with every answer replaced by a zero-returning stub, some by ``overrides``."""
    sources = {grade_id: blank_answer(grade_id) for grade_id in answers()}
    sources.update(overrides)
    return with_answers(release(), sources)


def partial() -> nbformat.NotebookNode:
    """An honest student who got predict and least_squares_fit wrong (loses their 2 x 3 points)."""
    return with_answers(full(), WRONG)


PARTIAL_LOST = ("predict_hidden", "least_squares_fit_hidden")


def alternative() -> nbformat.NotebookNode:
    """An independent, correct student: tests/data/alternative_01_answers.py typed into the release's stubs."""
    text = (Path(__file__).resolve().parents[1] / "data" / "alternative_01_answers.py").read_text(encoding="utf-8")
    bodies = iter("\n".join(line for line in body.strip("\n").splitlines() if not line.startswith("# "))
                  for body in text.split("\n# ---\n"))
    notebook = release()
    for cell in notebook.cells:
        if cell.cell_type == "code" and meta(cell).get("solution"):
            indent = cell.source.split("# YOUR CODE HERE")[0].rsplit("\n", 1)[-1]
            body = "\n".join(indent + line if line else line for line in next(bodies).splitlines())
            cell.source = re.sub(r" *# YOUR CODE HERE\n *raise NotImplementedError\(\)", lambda _: body, cell.source)
    assert next(bodies, None) is None, "one body per answer cell"
    return notebook


def disguised_copy(notebook) -> nbformat.NotebookNode:
    """A classmate's notebook as a copier hides it: names changed, a comment and blank lines added."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code" and meta(cell).get("solution"):
            source = cell.source
            for old, new in (("residuals", "res"), ("phi_history", "path"), ("loss_history", "costs"),
                             ("hessian", "curvature"), ("design", "A")):
                source = re.sub(rf"\b{old}\b", new, source)
            cell.source = source.replace("    return ", "    # computed above\n\n    return ")
    return notebook


def write(notebook, path: Path) -> Path:
    """Write a notebook as a student's file, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def write_raw(payload: dict, path: Path) -> Path:
    """Write JSON that nbformat would refuse to write (forged metadata, odd outputs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def hidden_regions() -> dict[str, str]:
    """grade_id -> the instructor's hidden region (between the HIDDEN TESTS markers) of each graded cell."""
    regions = {}
    for cell in solution().cells:
        source = cell.source
        if "### BEGIN HIDDEN TESTS" in source:
            inside = source.split("### BEGIN HIDDEN TESTS", 1)[1]
            regions[meta(cell)["grade_id"]] = inside.split("### END HIDDEN TESTS", 1)[0]
    return regions


def solution_regions() -> dict[str, str]:
    """grade_id -> the instructor's solution region of each answer cell."""
    regions = {}
    for cell in solution().cells:
        if "### BEGIN SOLUTION" in cell.source:
            inside = cell.source.split("### BEGIN SOLUTION", 1)[1]
            regions[meta(cell)["grade_id"]] = inside.split("### END SOLUTION", 1)[0]
    return regions


def secret_lines(min_length: int = 16) -> list[str]:
    """Lines of the hidden tests and solutions that a student cannot know from the release."""
    public = {line.strip() for cell in release().cells for line in cell.source.splitlines()}
    lines = []
    for region in list(hidden_regions().values()) + list(solution_regions().values()):
        for line in region.splitlines():
            line = line.strip()
            if len(line) >= min_length and line not in public and not line.startswith("#"):
                lines.append(line)
    return sorted(set(lines))
