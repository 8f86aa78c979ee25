"""MatchCells: pair the student's cells with the release's by grade_id, content and order."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from autograder.grading.steps.base import Step
from autograder.grading.template import TEXT, NotebookTemplate, nbgrader_metadata

THRESHOLD = 0.5
DEFINES = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+(\w+)", re.MULTILINE)


@dataclass(frozen=True)
class CellMatches:
    """``pairs[i]`` is the student cell index matched to template cell i (or None);
    ``extras`` maps a template index (-1: before the first) to the unmatched student cells after it."""

    pairs: tuple[int | None, ...]
    extras: dict[int, tuple[int, ...]]


def normalize(source: str) -> str:
    """Source with trailing spaces and surrounding blank lines removed."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


MAX_LINES = 300  # lines of a cell compared: enough to recognise it, bounded for huge cells


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()[:MAX_LINES] if line.strip()]


def similarity(template_cell, cell) -> float:
    """How alike a template cell and a student cell are, from 0 to 2 (2: same grade_id).

    Equal text scores 1; a code cell defining the same function or class 0.9 and more; otherwise
    the share of common lines (difflib on lines, fast even for long Markdown).
    """
    if template_cell.cell_type != cell.cell_type:
        return 0.0
    if template_cell.grade_id and nbgrader_metadata(cell).get("grade_id") == template_cell.grade_id:
        return 2.0
    theirs, ours = normalize(cell.source), normalize(template_cell.release_source)
    if theirs == ours or theirs == normalize(template_cell.instructor_source):
        return 1.0
    our_lines, their_lines = _lines(ours), _lines(theirs)
    if not our_lines or not their_lines:
        return 0.0
    line_ratio = difflib.SequenceMatcher(None, our_lines, their_lines, autojunk=False).ratio()
    defined = set(DEFINES.findall(ours))
    if defined and defined & set(DEFINES.findall(theirs)):
        return 0.9 + 0.09 * line_ratio
    return line_ratio


def align(template: NotebookTemplate, cells: list) -> CellMatches:
    """Order-preserving best alignment, then best leftovers for moved cells."""
    n, m = len(template.cells), len(cells)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    sims = [[0.0] * m for _ in range(n)]
    for i, template_cell in enumerate(template.cells):
        for j, cell in enumerate(cells):
            sims[i][j] = similarity(template_cell, cell)
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if sims[i][j] >= THRESHOLD:
                best = max(best, sims[i][j] + score[i + 1][j + 1])
            score[i][j] = best
    pairs: list[int | None] = [None] * n
    i = j = 0
    while i < n and j < m:
        if sims[i][j] >= THRESHOLD and abs(score[i][j] - (sims[i][j] + score[i + 1][j + 1])) < 1e-12:
            pairs[i] = j
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    used = {j for j in pairs if j is not None}
    for i in range(n):  # moved cells: the best remaining partner, whatever its position
        if pairs[i] is None and template.cells[i].role != TEXT:
            options = [(sims[i][j], j) for j in range(m) if j not in used and sims[i][j] >= THRESHOLD]
            if options:
                pairs[i] = max(options)[1]
                used.add(pairs[i])
    position = {j: i for i, j in enumerate(pairs) if j is not None}
    extras: dict[int, list[int]] = {}
    anchor = -1
    for j in range(m):
        if j in position:
            anchor = position[j]
        elif cells[j].source.strip():
            extras.setdefault(anchor, []).append(j)
    return CellMatches(pairs=tuple(pairs), extras={k: tuple(v) for k, v in extras.items()})


class MatchCells(Step):
    """Match cells: pair them with the release's, so stripped metadata, copies into a fresh notebook and moved cells still grade."""

    requires = ("notebook",)
    provides = ("matches",)

    def run(self, state) -> None:
        template = self.context.template.notebooks[state.submission.notebook]
        state.matches = align(template, list(state.notebook.cells))
