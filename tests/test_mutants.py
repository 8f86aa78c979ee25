"""Every plausible wrong answer in tests/mutants/ fails its exercise's hidden tests, and every correct
alternative in tests/alternatives/ passes them all, judged as the grader judges (values and rules).

Also: the instructor's solution passes its own hidden tests when they run again, and every graded
cell records at least one value that changes with the grading seed, so no answer can be hard-coded.
"""

import importlib
import pkgutil
import re

import nbformat
import pytest

import tests.alternatives
import tests.mutants
from tests.conftest import COURSE
from tests.mutant_harness import run_mutants, solution_cells


def _modules(package) -> list:
    return [importlib.import_module(f"{package.__name__}.{m.name}") for m in pkgutil.iter_modules(package.__path__)]


BY_NOTEBOOK = {module.NOTEBOOK: module.MUTANTS for module in _modules(tests.mutants)}
ALTERNATIVES = {module.NOTEBOOK: module.ALTERNATIVES for module in _modules(tests.alternatives)}


@pytest.fixture(scope="module", params=sorted(BY_NOTEBOOK))
def report(request):
    assignment = next(a for a in COURSE.assignments if a.id == request.param)
    return request.param, run_mutants(assignment.source_path(), BY_NOTEBOOK[request.param],
                                      alternatives=ALTERNATIVES.get(request.param, []))


def test_every_notebook_has_mutants():
    assert set(BY_NOTEBOOK) == {a.id for a in COURSE.assignments}


def test_mutant_descriptions_are_unique_per_notebook():
    """The report is keyed by the mistake, so a repeated description would hide a mutant."""
    for notebook, mutants in BY_NOTEBOOK.items():
        mistakes = [m.mistake for m in mutants]
        assert len(mistakes) == len(set(mistakes)), f"{notebook}: repeated mutant descriptions"


def test_every_mutant_fails_a_hidden_test_of_its_exercise(report):
    notebook, result = report
    for mistake, verdicts in result.verdicts.items():
        assert verdicts, f"{notebook}: no graded cell for the exercise of mutant '{mistake}'"
        assert not all(v.passed for v in verdicts.values()), f"{notebook}: mutant '{mistake}' passes every hidden test"


def test_every_graded_cell_records_a_value_that_depends_on_the_seed(report):
    notebook, result = report
    for grade_id, records in result.reference.items():
        assert records, f"{notebook}: {grade_id} records no value"
        assert records != result.reseeded[grade_id], f"{notebook}: {grade_id} records only values a student can predict"


def test_every_correct_alternative_passes_every_hidden_test_of_its_exercise(report):
    notebook, result = report
    named = {a.way: a.visible_fail for a in ALTERNATIVES.get(notebook, []) if a.visible_fail}
    for way, verdicts in result.alternatives.items():
        assert verdicts, f"{notebook}: no graded cell for the exercise of alternative '{way}'"
        failed = {grade_id: v.message for grade_id, v in verdicts.items() if not v.passed}
        assert way in named or not failed, f"{notebook}: the correct alternative '{way}' fails {failed}"


def test_an_alternative_off_the_prescribed_path_is_told_so_by_the_visible_test(report):
    """The exercise's text asks for one way; a correct answer written another way gets a [FAIL] naming it first."""
    notebook, result = report
    for alternative in (a for a in ALTERNATIVES.get(notebook, []) if a.visible_fail):
        shown = re.sub(r"\x1b\[[0-9;]*m", "", result.visible_errors.get(alternative.way, ""))
        assert alternative.visible_fail in shown, f"{notebook}: '{alternative.way}': the visible test said {shown!r}"


def test_every_exercise_has_a_correct_alternative():
    """Each solution cell of every notebook has at least one correct answer written another way."""
    for assignment in COURSE.assignments:
        notebook = nbformat.read(assignment.source_path(), as_version=4)
        exercises = set(solution_cells(notebook))
        covered = {a.exercise for a in ALTERNATIVES.get(assignment.id, [])}
        assert exercises <= covered, f"{assignment.id}: no correct alternative for {sorted(exercises - covered)}"
        assert covered <= exercises, f"{assignment.id}: alternatives for exercises that do not exist: {sorted(covered - exercises)}"
        ways = [a.way for a in ALTERNATIVES.get(assignment.id, [])]
        assert len(ways) == len(set(ways)), f"{assignment.id}: repeated alternative descriptions"
