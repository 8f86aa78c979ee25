"""The class report: one self-contained HTML page for the instructor about a whole grading run.

Per hidden test, the pass rate and the most frequent diagnoses of the failures (the grader's
messages with the numbers left out, so that "got 2.1, expected 4.2" and "got 0.3, expected 0.6"
count as one); the score distribution; who is missing (with a roster), which files errored and which
files' student ids the grader had to choose (not on the roster, a collision, a borrowed platform id).
Every value is escaped; the page loads nothing and runs no script.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from autograder.reports.html_page import report_page

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.IGNORECASE)
TOP_DIAGNOSES = 3


def diagnosis(message: str) -> str:
    """A failure message with its numbers replaced by '#', so that the same mistake groups together."""
    return NUMBER.sub("#", " ".join(message.split()))[:300]


def hidden_test_summaries(results) -> list[dict]:
    """Per hidden test, in notebook order: passed, graded, and the most frequent diagnoses of failures."""
    tests: dict[str, dict] = {}
    for result in results:
        if result.status != "graded" or not result.submission.primary:
            continue
        for cell in (c for c in result.cells if c.hidden):
            entry = tests.setdefault(cell.grade_id, {"grade_id": cell.grade_id, "passed": 0, "graded": 0,
                                                     "diagnoses": Counter()})
            entry["graded"] += 1
            if cell.passed:
                entry["passed"] += 1
            else:
                entry["diagnoses"][diagnosis(cell.message or "failed")] += 1
    return list(tests.values())


def score_counts(results) -> list[tuple[float, int]]:
    """(score, how many students' recorded files have it), lowest score first."""
    counts = Counter(round(r.score, 2) for r in results if r.submission.primary)
    return sorted(counts.items())


def render(assignment: str, max_score: float, results, rows) -> str:
    """The page."""
    summaries = hidden_test_summaries(results)
    counts = score_counts(results)
    most = max((n for _, n in counts), default=1)
    missing = [r.student_id for r in rows if r.status == "missing"]
    errors = [(r.student_id, r.notebook, r.message) for r in rows if r.status == "error"]
    to_check = [(r.submission.student_id, r.submission.original_name, r.submission.note) for r in results
                if r.submission.note]
    primary = [r.score for r in results if r.submission.primary]
    mean = sum(primary) / len(primary) if primary else 0.0

    test_rows = []
    for entry in summaries:
        rate = entry["passed"] / entry["graded"] if entry["graded"] else 0.0
        top = "".join(f"<li>{escape(text)}: <b>{n} student{'s' if n != 1 else ''}</b></li>"
                      for text, n in entry["diagnoses"].most_common(TOP_DIAGNOSES))
        test_rows.append(f"<tr><td>{escape(entry['grade_id'])}</td><td>{entry['passed']} of {entry['graded']} "
                         f"({rate:.0%})</td><td><ul>{top}</ul></td></tr>")
    bars = "".join(f"<tr><td>{score:g}</td><td><span class=\"bar\" style=\"width:{200 * n / most:.0f}px\"></span> {n}"
                   "</td></tr>" for score, n in counts)
    missing_html = ("<p>" + ", ".join(escape(s) for s in missing) + "</p>") if missing else "<p>None (or no roster given).</p>"
    error_html = ("<table><tr><th>student</th><th>notebook</th><th>why</th></tr>" + "".join(
        f"<tr><td>{escape(s)}</td><td>{escape(n)}</td><td>{escape(m)}</td></tr>" for s, n, m in errors)
        + "</table>") if errors else "<p>None.</p>"
    check_html = ("<table><tr><th>graded as</th><th>file</th><th>why</th></tr>" + "".join(
        f"<tr><td>{escape(s)}</td><td>{escape(f)}</td><td>{escape(n)}</td></tr>" for s, f, n in to_check)
        + "</table>") if to_check else "<p>None.</p>"
    return report_page(f"Class report: {assignment}", (
        f"<h1>Class report: {escape(assignment)}</h1>"
        f"<p>{len(primary)} student(s) graded, mean score {mean:.1f} of {max_score:g}; "
        f"{len(missing)} missing; {len(errors)} file(s) with an error.</p>"
        "<h2>Hidden tests</h2><table><tr><th>test</th><th>passed</th><th>most frequent diagnoses of the failures "
        "(numbers shown as #)</th></tr>" + "".join(test_rows) + "</table>"
        "<h2>Scores</h2><table><tr><th>score</th><th>students</th></tr>" + bars + "</table>"
        "<h2>Missing</h2>" + missing_html + "<h2>Files with an error</h2>" + error_html
        + "<h2>Names to check</h2><p>Files whose student id the grader had to choose: not on the roster, two names that "
        "collide, or a classmate's platform id claimed.</p>" + check_html),
        "body{max-width:70em}table{margin-bottom:1.5em}td,th{vertical-align:top}ul{margin:0;padding-left:1.2em}"
        ".bar{display:inline-block;height:0.9em;background:#4477aa}")
