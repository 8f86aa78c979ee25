"""WriteFeedback: an HTML page per notebook built from what the student submitted and the grader's verdicts.

Nothing of the grading run's outputs reaches the page. It shows a table of the tests with the
grader's messages, the reason when grading stopped, and the student's own notebook as they sent it:
Markdown rendered, math drawn as images on the grader's side, code as text with the outputs the
student saved (``autograder.reports.notebook_html``), each test's verdict under its cell. No script,
no style sheet or font from elsewhere, no raw HTML; a Content Security Policy forbids scripts and
every load but inline images, even if a browser were tricked into parsing markup.
"""

from __future__ import annotations

from pathlib import Path

from autograder.grading.sanitize import escaped
from autograder.grading.steps.base import Step
from autograder.reports.notebook_html import cell_html

MAX_PAGE_CHARS = 2_000_000
MAX_CELL_CHARS = 20_000
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
         "pre{background:#f6f8fa;padding:.6em;overflow-x:auto;white-space:pre-wrap}"
         ".md{background:#fff;border-left:3px solid #ddd}.pass{color:#1a7f37}.fail{color:#cf222e}"
         ".verdict{margin:-.4em 0 1em 0;font-weight:bold}img.math{vertical-align:middle}"
         "img.display{display:block;margin:.5em auto}img.output{max-width:100%}"
         ".out{margin:0 0 .8em 1.5em;background:#fff;border-left:3px solid #eee}.err{color:#cf222e}")


def page(title: str, body: list[str]) -> str:
    """A self-contained HTML page: escaped title, the given body parts, a strict CSP."""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
            f"<title>{escaped(title)}</title><style>{STYLE}</style></head><body>{''.join(body)}</body></html>")


def verdict_line(cell) -> str:
    if cell.passed:
        return "<span class='pass'>passed</span>"
    return f"<span class='fail'>failed</span>: {escaped(cell.message or 'the test did not pass')}"


def summary(state, score: float, max_score: float) -> list[str]:
    """Heading, the reason when grading stopped early, and one table row per test."""
    parts = [f"<h1>Feedback: {escaped(state.submission.original_name)}</h1>",
             f"<p>Student: {escaped(state.submission.student_id)}</p>",
             f"<h2>Score: {score:g} / {max_score:g} points</h2>"]
    if state.status != "graded":
        parts.append(f"<p><strong>Grading stopped early:</strong> {escaped(state.error)}</p>")
    parts.append("<table><tr><th>Test</th><th>Points</th><th>Result</th></tr>")
    for cell in state.cells or []:
        points = f"{cell.score:g} / {cell.max_score:g}" if cell.hidden else "visible check, no points"
        parts.append(f"<tr><td><code>{escaped(cell.grade_id)}</code></td><td>{points}</td><td>{verdict_line(cell)}</td></tr>")
    parts.append("</table><p>Hidden tests call your functions on inputs drawn at random when grading; "
                 "visible checks are the ones in your notebook.</p>")
    return parts


def student_cells(state, template) -> list[str]:
    """The student's cells in their order, rendered safely, each test's verdict under the cell matched to it."""
    verdicts = {cell.grade_id: cell for cell in state.cells or []}
    matched = {j: template.cells[i].grade_id for i, j in enumerate(state.matches.pairs) if j is not None} \
        if state.matches is not None else {}
    parts, used = ["<h2>Your notebook</h2>"], 0
    for j, cell in enumerate(state.notebook.cells):
        saved = state.submitted_outputs[j] if state.submitted_outputs and j < len(state.submitted_outputs) else []
        block = cell_html(cell, MAX_CELL_CHARS, saved)
        grade_id = matched.get(j)
        if grade_id in verdicts:
            block += f"<p class='verdict'>{escaped(grade_id)}: {verdict_line(verdicts[grade_id])}</p>"
        if used + len(block) > MAX_PAGE_CHARS:
            parts.append(f"<p>({len(state.notebook.cells) - j} more cells not shown: the page is long enough.)</p>")
            break
        parts.append(block)
        used += len(block)
    return parts


def feedback_path(state) -> Path:
    folder = state.out / "feedback" / state.submission.student_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{state.submission.output_stem}.html"


class WriteFeedback(Step):
    """Write feedback: OUT/feedback/<student>/<notebook>.html from the submitted notebook and the verdicts; no run output, no raw markup."""

    requires = ("notebook", "submitted_outputs", "matches", "cells")
    provides = ("feedback_path",)

    def run(self, state) -> None:
        template = self.context.template.notebooks[state.submission.notebook]
        score = sum(c.score for c in state.cells)
        body = summary(state, score, template.max_score) + student_cells(state, template)
        state.feedback_path = feedback_path(state)
        state.feedback_path.write_text(page(f"Feedback: {state.submission.original_name}", body), encoding="utf-8")
