"""WriteSummary: print per-student results and per-test pass rates, and save a score histogram."""

from __future__ import annotations

from autograder.grading.sanitize import plain
from autograder.grading.steps.base import Step
from autograder.reports.class_report import hidden_test_summaries


def pass_rates(results) -> list[tuple[str, int, int]]:
    """(grade_id, passed, graded) per test over the primary, graded submissions, in notebook order."""
    return [(entry["grade_id"], entry["passed"], entry["graded"]) for entry in hidden_test_summaries(results)]


def save_histogram(results, max_score: float, path) -> None:
    """Histogram of the scores of graded submissions (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = [r.score for r in results if r.submission.primary]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(scores, bins=min(20, max(1, int(max_score) + 1)), range=(0, max(max_score, 1)), color="#4477aa", edgecolor="white")
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("submissions")
    ax.set_title(f"Scores of {len(scores)} submission(s)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


class WriteSummary(Step):
    """Write summary: one line per file, pass rate per test, OUT/score_histogram.png."""

    requires = ("rows", "results", "out", "template")
    provides = ()

    def run(self, state) -> None:
        if not state.results:
            return
        for row in state.rows:
            print(f"{plain(row.student_id, 40):>20}  {row.score:6.1f} / {row.max_score:5.1f}  {row.status:<6}  "
                  f"{plain(row.message, 150)}")
        graded = sum(r.status == "graded" for r in state.results)
        print(f"\n{len(state.results)} file(s): {graded} graded, {len(state.results) - graded} error(s)")
        unsandboxed = sum(not r.sandboxed for r in state.results)
        if unsandboxed:
            print(f"WARNING: {unsandboxed} file(s) were graded WITHOUT the sandbox (--no-sandbox): "
                  "trust these grades only for trusted submissions")
        rates = pass_rates(state.results)
        if rates:
            print("\nPass rate per test:")
            for grade_id, passed, total in rates:
                print(f"  {grade_id:<36} {100 * passed / total:5.1f}%  ({passed}/{total})")
        save_histogram(state.results, state.template.max_score, state.out / "score_histogram.png")
        print(f"\nWrote {state.out / 'grades.csv'}, class_report.html, feedback/, autograded/, gradebook.db and "
              "score_histogram.png")
