"""dlcourse.progress: each exercise's latest visible-check result, and the summary every notebook ends with."""

import nbformat
import pytest

from dlcourse import checks, progress


@pytest.fixture(autouse=True)
def fresh_record(monkeypatch):
    monkeypatch.setattr(progress, "_latest", {})


def test_an_exercise_passes_only_when_every_check_it_names_last_passed():
    assert progress.exercise_status(["Dense.forward", "Dense.backward"]) is None
    progress.record("Dense.forward", True)
    assert progress.exercise_status(["Dense.forward", "Dense.backward"]) is None  # backward not run yet
    progress.record("Dense.backward", False)
    assert progress.exercise_status(["Dense.forward", "Dense.backward"]) is False
    progress.record("Dense.backward", True)
    assert progress.exercise_status(["Dense.forward", "Dense.backward"]) is True


def test_checkers_and_fail_lines_record_under_the_checked_name():
    checks.check_close("predict", [1.0], [1.0])
    with pytest.raises(AssertionError):
        checks.check_shape("loss", [1.0, 2.0], (3,))
    progress.record_failure_line("[FAIL] fit: not implemented yet — write your code where it says YOUR CODE HERE")
    progress.record_failure_line("[FAIL] a line without a name")
    assert progress._latest == {"predict": True, "loss": False, "fit": False}


def test_the_summary_names_the_first_exercise_that_does_not_pass(capsys):
    progress.record("predict", True)
    progress.record("loss", False)
    progress.summary({"predict": ["predict"], "loss": ["loss"], "fit": ["fit"]})
    printed = capsys.readouterr().out.splitlines()
    assert [" ".join(line.split()) for line in printed[:3]] == ["pass predict", "FAIL loss", "not checked yet fit"]
    assert printed[3] == "Exercises passing: 1 of 3. Next: loss (its check says [FAIL])."


def test_the_summary_says_when_everything_passes():
    progress.record("predict", True)
    line = progress.summary_line(progress.status_table({"predict": ["predict"]}))
    assert line.startswith("Exercises passing: 1 of 1. All visible checks pass")


def test_exercises_come_from_answer_cells_and_the_names_their_visible_checks_use():
    def cell(source, **meta):
        return nbformat.v4.new_code_cell(source, metadata={"nbgrader": meta} if meta else {})

    notebook = nbformat.v4.new_notebook(cells=[
        cell("import sys", grade_id="setup", solution=False, grade=False),
        cell("class Dense: ...", grade_id="dense_layer", solution=True, grade=False),
        cell('check_close("Dense.forward", 1, 1)\nreport_pass("Dense.forward")', grade_id="f", grade=True, points=0),
        cell('check_close(f"layer {i}", 1, 1)\ncheck_true("Dense.backward", True, "", "")', grade_id="b", grade=True, points=0),
        cell('grading.record("hidden", 1)', grade_id="dense_hidden", grade=True, points=3),
        cell("def loss(): ...", grade_id="loss", solution=True, grade=False),
        cell('check_close("loss", 1, 1)', grade_id="loss_examples", grade=True, points=0),
        cell("def unchecked(): ...", grade_id="unchecked", solution=True, grade=False),
    ])
    assert progress.exercises_of(notebook) == {"dense_layer": ["Dense.forward", "Dense.backward"], "loss": ["loss"]}
