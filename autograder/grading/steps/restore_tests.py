"""RestoreTests: build the notebook to run, in release order, with the instructor's tests and locked cells."""

from __future__ import annotations

import copy

import nbformat

from autograder.grading.steps.base import Step
from autograder.grading.steps.match_cells import normalize
from autograder.grading.template import ANSWER, LOCKED, TEST, TemplateCell


def new_cell(cell_type: str, source: str, metadata: dict) -> nbformat.NotebookNode:
    """A fresh cell of the given type, without outputs."""
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}.get(cell_type, nbformat.v4.new_raw_cell)
    cell = make(source)
    cell.metadata = nbformat.from_dict(copy.deepcopy(metadata))
    return cell


def template_version(template_cell: TemplateCell, student_cell) -> tuple[str, str]:
    """(source to run, note) for one template cell given the student's matched cell or None."""
    if template_cell.role in (TEST, LOCKED):
        if student_cell is not None and normalize(student_cell.source) not in (
                normalize(template_cell.release_source), normalize(template_cell.instructor_source)):
            return template_cell.instructor_source, "edited"
        return template_cell.instructor_source, "" if student_cell is not None else "deleted"
    if student_cell is None:
        return template_cell.release_source, "deleted"
    return student_cell.source, ""


class RestoreTests(Step):
    """Restore tests: every release cell in release order, tests (hidden parts included) and locked cells from the instructor."""

    requires = ("notebook", "matches")
    provides = ("graded",)

    def run(self, state) -> None:
        template = self.context.template.notebooks[state.submission.notebook]
        student = state.notebook.cells
        graded = nbformat.v4.new_notebook(metadata=copy.deepcopy(template.metadata))
        counts = {"edited": 0, "deleted": 0, "added": 0, "moved": 0}

        def add_extras(anchor: int) -> None:
            for j in state.matches.extras.get(anchor, ()):
                metadata = {k: v for k, v in student[j].metadata.items() if k not in ("nbgrader", "tags", "autograder")}
                graded.cells.append(new_cell(student[j].cell_type, student[j].source, metadata))
                counts["added"] += 1

        add_extras(-1)
        previous = -1
        for i, template_cell in enumerate(template.cells):
            j = state.matches.pairs[i]
            source, note = template_version(template_cell, student[j] if j is not None else None)
            if note and (template_cell.role in (TEST, LOCKED, ANSWER) or note == "deleted" and template_cell.cell_type == "code"):
                counts[note] += 1
            if j is not None:
                counts["moved"] += j < previous
                previous = max(previous, j)
            cell = new_cell(template_cell.cell_type, source, template_cell.metadata)
            cell.metadata["autograder"] = {"template_index": i, "role": template_cell.role}
            graded.cells.append(cell)
            add_extras(i)
        state.graded = graded
        words = {"edited": "edited test cell(s) restored", "deleted": "deleted cell(s) restored from the release",
                 "added": "added cell(s) kept", "moved": "moved cell(s) put back in release order"}
        state.notes.extend(f"{n} {words[k]}" for k, n in counts.items() if n)
