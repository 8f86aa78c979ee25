"""WriteSimilarity: OUT/similarity.html and similarity.csv, the pairs of students whose answer cells look alike."""

from __future__ import annotations

import csv
import json

from autograder.grading.steps.base import Step
from autograder.grading.template import ANSWER
from autograder.reports.similarity import THRESHOLD, answer_code, render, similar_pairs


class WriteSimilarity(Step):
    """Write similarity: each notebook's answer cells compared pairwise (copydetect), the pairs above the threshold listed."""

    requires = ("results", "out", "template")
    provides = ()

    def run(self, state) -> None:
        pairs, compared = [], 0
        for name, notebook in state.template.notebooks.items():
            starter = "\n\n".join(c.release_source for c in notebook.cells if c.role == ANSWER and c.cell_type == "code")
            answers = {}
            for result in state.results:
                submission = result.submission
                if result.status != "graded" or not submission.primary or submission.notebook != name:
                    continue
                path = state.out / "autograded" / submission.student_id / f"{submission.output_stem}.ipynb"
                try:
                    answers[submission.student_id] = answer_code(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    continue
            compared += len(answers)
            pairs += similar_pairs(answers, starter, THRESHOLD)
        if not compared:
            return
        with (state.out / "similarity.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(("student_a", "student_b", "share_of_a", "share_of_b"))
            writer.writerows((p.student_a, p.student_b, round(p.share_a, 3), round(p.share_b, 3)) for p in pairs)
        (state.out / "similarity.html").write_text(render(state.template.assignment_id, pairs, compared, THRESHOLD),
                                                   encoding="utf-8")
        if pairs:
            print(f"{len(pairs)} pair(s) of students with answers at least {THRESHOLD:.0%} alike: "
                  f"{state.out / 'similarity.html'}")
