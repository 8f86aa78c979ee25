"""The assignment as the grader needs it: release cells in order, with the instructor's tests beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import nbformat

TEST, LOCKED, ANSWER, FREE, TEXT = "test", "locked", "answer", "free", "text"


def nbgrader_metadata(cell: Any) -> dict:
    """The cell's nbgrader metadata, or an empty dict."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def after_last_test(notebook: Any) -> int:
    """Index of the first cell after the notebook's last test cell (0 when it has none): where grading stops."""
    tests = [i for i, cell in enumerate(notebook.cells) if cell.get("cell_type") == "code"
             and nbgrader_metadata(cell).get("grade")]
    return tests[-1] + 1 if tests else 0


def cell_role(cell: Any) -> str:
    """How the grader treats a release cell: test, locked, answer, free code or text."""
    meta = nbgrader_metadata(cell)
    if cell.get("cell_type") != "code":
        return ANSWER if meta.get("solution") else TEXT
    if meta.get("solution"):
        return ANSWER
    if meta.get("grade"):
        return TEST
    if meta.get("locked"):
        return LOCKED
    return FREE


@dataclass(frozen=True)
class TemplateCell:
    """One release cell; ``instructor_source`` is what runs for tests and locked cells (hidden tests included)."""

    cell_type: str
    role: str
    grade_id: str | None
    release_source: str
    instructor_source: str
    metadata: dict
    points: float = 0.0


@dataclass(frozen=True)
class NotebookTemplate:
    """One notebook of the assignment."""

    name: str
    cells: tuple[TemplateCell, ...]
    metadata: dict = field(default_factory=dict)

    @property
    def stem(self) -> str:
        """The notebook's name without .ipynb, as nbgrader's gradebook knows it."""
        return self.name.removesuffix(".ipynb")

    @property
    def max_score(self) -> float:
        """Points of all grade cells."""
        return float(sum(cell.points for cell in self.cells))

    def grade_cells(self) -> list[TemplateCell]:
        """The cells that carry points, in order."""
        return [cell for cell in self.cells if nbgrader_metadata({"metadata": cell.metadata}).get("grade")]


@dataclass(frozen=True)
class AssignmentTemplate:
    """Every notebook of one assignment, keyed by file name."""

    assignment_id: str
    notebooks: dict[str, NotebookTemplate]

    @property
    def max_score(self) -> float:
        """Points of the whole assignment."""
        return sum(notebook.max_score for notebook in self.notebooks.values())


def build_notebook_template(name: str, release: Any, source: Any) -> NotebookTemplate:
    """Pair each release cell with the instructor's cell of the same grade_id (tests keep hidden parts)."""
    instructor = {nbgrader_metadata(c).get("grade_id"): c.source for c in source.cells if nbgrader_metadata(c).get("grade_id")}
    cells = []
    for cell in release.cells:
        meta = nbgrader_metadata(cell)
        grade_id = meta.get("grade_id")
        role = cell_role(cell)
        own = instructor.get(grade_id, cell.source) if role in (TEST, LOCKED) else cell.source
        cells.append(TemplateCell(
            cell_type=cell.cell_type, role=role, grade_id=grade_id, release_source=cell.source,
            instructor_source=own, metadata=nbformat.from_dict(cell.get("metadata", {})),
            points=float(meta.get("points", 0) or 0) if meta.get("grade") else 0.0,
        ))
    return NotebookTemplate(name=name, cells=tuple(cells), metadata=dict(release.metadata))
