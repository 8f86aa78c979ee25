"""Every plausible wrong answer in tests/mutants/ fails its exercise's hidden tests, judged as the grader judges.

Also: the instructor's solution passes its own hidden tests when they run again, and every graded
cell records at least one value that changes with the grading seed, so no answer can be hard-coded.
"""

import importlib
import pkgutil

import pytest

import tests.mutants
from tests.conftest import COURSE
from tests.mutant_harness import run_mutants

MODULES = [importlib.import_module(f"tests.mutants.{m.name}") for m in pkgutil.iter_modules(tests.mutants.__path__)]
BY_NOTEBOOK = {module.NOTEBOOK: module.MUTANTS for module in MODULES}


@pytest.fixture(scope="module", params=sorted(BY_NOTEBOOK))
def report(request):
    assignment = next(a for a in COURSE.assignments if a.id == request.param)
    return request.param, run_mutants(assignment.source_path(), BY_NOTEBOOK[request.param])


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
