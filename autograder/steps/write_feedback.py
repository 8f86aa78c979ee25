"""WriteFeedback: an HTML page per notebook with nbgrader's feedback template, hidden tests left out."""

from __future__ import annotations

import copy
import html
from functools import lru_cache
from pathlib import Path

import nbformat
import nbgrader
from nbconvert import HTMLExporter
from traitlets.config import Config

from autograder.steps.base import Step
from autograder.template import TEST, nbgrader_metadata

NBGRADER_DIR = Path(nbgrader.__file__).parent


@lru_cache(maxsize=1)
def feedback_exporter() -> HTMLExporter:
    """nbconvert's HTML exporter with nbgrader's feedback template, built once per process."""
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [str(NBGRADER_DIR / "server_extensions" / "formgrader" / "templates")]
    config.HTMLExporter.extra_template_paths = [
        str(NBGRADER_DIR / "server_extensions" / "formgrader" / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    return HTMLExporter(config=config)


def summary_cell(state, score: float, max_score: float) -> nbformat.NotebookNode:
    """A Markdown cell on top of the feedback: the total, then one line per test."""
    lines = [f"## Feedback: {score:g} / {max_score:g} points", ""]
    if state.status != "graded":
        lines += [f"**Grading stopped early:** {state.error}", ""]
    lines += ["| Test | Points | Result |", "|---|---|---|"]
    for cell in state.cells:
        verdict = "passed" if cell.passed else (cell.message or "failed").replace("|", "\\|")
        lines.append(f"| `{cell.grade_id}` | {cell.score:g} / {cell.max_score:g} | {verdict} |")
    return nbformat.v4.new_markdown_cell("\n".join(lines))


def student_view(executed, template) -> nbformat.NotebookNode:
    """The executed notebook as the student may see it: hidden tests removed, tracebacks cut to the message."""
    notebook = copy.deepcopy(executed)
    for cell in notebook.cells:
        info = cell.get("metadata", {}).get("autograder", {})
        if info.get("role") == TEST:
            cell.source = template.cells[info["template_index"]].release_source
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        meta = nbgrader_metadata(cell)
        if meta.get("solution") or meta.get("task"):
            meta.setdefault("comment", None)
    return notebook


class WriteFeedback(Step):
    """Write feedback: OUT/feedback/<student>/<notebook>.html with scores per test, [FAIL] messages, no hidden tests."""

    requires = ("executed", "cells")
    provides = ("feedback_path",)

    def run(self, state) -> None:
        template = self.context.template.notebooks[state.submission.notebook]
        notebook = student_view(state.executed, template)
        score = sum(c.score for c in state.cells)
        notebook.cells.insert(0, summary_cell(state, score, template.max_score))
        resources = {"nbgrader": {
            "notebook": template.stem, "assignment": self.context.template.assignment_id,
            "student": state.submission.student_id, "score": score, "max_score": template.max_score, "late_penalty": 0,
        }}
        body, _ = feedback_exporter().from_notebook_node(notebook, resources=resources)
        folder = state.out / "feedback" / state.submission.student_id
        folder.mkdir(parents=True, exist_ok=True)
        state.feedback_path = folder / f"{state.submission.output_stem}.html"
        state.feedback_path.write_text(body, encoding="utf-8")


def error_page(student_id: str, file_name: str, reason: str) -> str:
    """A short HTML page for a submission that could not be graded."""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Feedback: {html.escape(file_name)}</title></head>"
            f"<body><h2>{html.escape(file_name)} could not be graded</h2>"
            f"<p>Student: {html.escape(student_id)}</p><p><strong>Reason:</strong> {html.escape(reason)}</p>"
            f"<p>Score: 0. Download the notebook again from Colab (File &gt; Download &gt; Download .ipynb) "
            f"and resubmit, or contact the instructor.</p></body></html>")
