"""WriteChanges: after a regrade, what changed for each student, as OUT/changes.csv and OUT/changes.html."""

from __future__ import annotations

import csv
import shutil

from autograder.grading.results_store import ResultsStore
from autograder.grading.sanitize import csv_cell, escaped
from autograder.grading.steps.base import Step
from autograder.reports.html_page import report_page

CHANGE_COLUMNS = ("student_id", "notebook", "old_score", "new_score", "max_score", "tests_changed")


def changed_tests(old, new) -> list[str]:
    """``grade_id: passed -> failed`` for every test whose verdict differs (a test only in one run counts too)."""
    before = {c.grade_id: c.passed for c in old.cells}
    after = {c.grade_id: c.passed for c in new.cells}
    word = {True: "passed", False: "failed", None: "absent"}
    return [f"{gid}: {word[before.get(gid)]} -> {word[after.get(gid)]}"
            for gid in sorted(set(before) | set(after)) if before.get(gid) != after.get(gid)]


class WriteChanges(Step):
    """Write changes: for each file graded again, its old and new score and the tests that changed verdict."""

    requires = ("previous", "history", "results", "out")
    provides = ("changes",)

    def run(self, state) -> None:
        if not state.previous:
            return
        for result in sorted(state.results, key=lambda r: (r.submission.student_id, r.submission.original_name)):
            old = state.previous.get(ResultsStore.key(result.submission))
            if old is not None:
                state.changes.append((result.submission.student_id, result.submission.label, round(old.score, 4),
                                      round(result.score, 4), round(result.max_score, 4),
                                      "; ".join(changed_tests(old, result))))
        csv_path, html_path = state.out / "changes.csv", state.out / "changes.html"
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CHANGE_COLUMNS)
            writer.writerows([csv_cell(v) if isinstance(v, str) else v for v in row] for row in state.changes)
        html_path.write_text(self.page(state.changes, state.history.name), encoding="utf-8")
        for path in (csv_path, html_path):
            shutil.copy2(path, state.history / path.name)
        moved = sum(1 for row in state.changes if row[2] != row[3])
        print(f"regraded {len(state.changes)} file(s) graded before: {moved} changed score; "
              f"{csv_path} and {html_path}; earlier results kept in {state.history}")

    @staticmethod
    def page(changes: list[tuple], run: str) -> str:
        """A self-contained HTML table of the changes (every value escaped, no script)."""
        rows = "\n".join(
            "<tr" + (' class="moved"' if old != new else "") + ">" + "".join(f"<td>{escaped(v)}</td>" for v in row)
            + "</tr>" for row in changes for old, new in [(row[2], row[3])])
        head = "".join(f"<th>{escaped(c.replace('_', ' '))}</th>" for c in CHANGE_COLUMNS)
        return report_page(
            f"Regrade {run}: what changed",
            f"<h1>Regrade {escaped(run)}: what changed</h1><p>{len(changes)} file(s) graded again; rows in yellow "
            "changed score. The earlier results are kept in history/.</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>",
            ".moved{background:#fff3cd}")
