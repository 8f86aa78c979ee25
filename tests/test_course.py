"""The course definition, the notebooks' shared conventions, README and the pinned environment."""

import ast
import re
from pathlib import Path

import pytest
from dlcourse import progress

from autograder.authoring.readme import render_readme
from tests.conftest import COURSE, REPO_ROOT, nbgrader_meta, read_notebook

ASSIGNMENTS = [pytest.param(a, id=a.id) for a in COURSE.assignments]


def test_every_source_folder_is_in_the_syllabus_and_vice_versa():
    on_disk = {p.name for p in (REPO_ROOT / "source").iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert on_disk == {a.id for a in COURSE.assignments}


def test_syllabus_ids_are_ordered_and_numbered():
    numbers = [a.id.split("_", 1)[0] for a in COURSE.assignments]
    assert numbers == [f"{i:02d}" for i in range(1, len(numbers) + 1)]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_setup_cell_installs_the_package_only_on_colab_and_reports(assignment):
    notebook = read_notebook(assignment.source_path())
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert nbgrader_meta(first_code).get("locked"), "the setup cell must be read-only"
    source = first_code.source
    assert 'if "google.colab" in sys.modules:' in source
    assert f"    {COURSE.setup_install_line()}\n" in source
    assert "%pip" not in source, "%pip prints a restart note on every run, even when pip changed nothing"
    assert COURSE.student_repository in source and COURSE.repository + "@" not in source, \
        "the setup cell installs from the student edition, never from the (private) instructor repository"
    assert "torch" not in source.split("env.report_environment")[0], "Colab ships torch: don't install it"
    assert "env.report_environment(" in source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_a_visible_and_a_hidden_test(assignment):
    notebook = read_notebook(assignment.source_path())
    solutions = [nbgrader_meta(c)["grade_id"] for c in notebook.cells if nbgrader_meta(c).get("solution")]
    tests = {nbgrader_meta(c)["grade_id"]: c for c in notebook.cells if nbgrader_meta(c).get("grade")}
    assert len(solutions) >= (4 if assignment.id.startswith("01_") else 3), "too few graded exercises"
    hidden = {gid for gid, cell in tests.items() if "### BEGIN HIDDEN TESTS" in cell.source}
    visible = set(tests) - hidden
    for exercise in solutions:  # grade ids follow <exercise>_examples / <exercise>_..._hidden
        assert any(gid.startswith(exercise) for gid in visible), f"{exercise} has no visible test"
        assert any(gid.startswith(exercise) for gid in hidden), f"{exercise} has no hidden test"
    for gid, cell in tests.items():
        assert re.match(r'\s*"""[^\n]+"""', cell.source), f"{gid}: a grade cell starts with a one-line docstring"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_come_only_from_hidden_tests_that_record_values(assignment):
    """Visible tests have fixed inputs a student could hard-code, so they carry no points (docs/writing_tests.md)."""
    notebook = read_notebook(assignment.source_path())
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        if not meta.get("grade"):
            continue
        points = float(meta.get("points") or 0)
        if "### BEGIN HIDDEN TESTS" not in cell.source:
            assert points == 0, f"{meta['grade_id']}: a visible test carries no points"
            continue
        hidden = cell.source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
        assert points > 0, f"{meta['grade_id']}: a hidden test carries the exercise's points"
        assert "grading.record(" in hidden and "grading.rng(" in hidden, \
            f"{meta['grade_id']}: record values computed on inputs from grading.rng"
        assert not re.search(r"\bcheck_\w+\(|\bassert\b|np\.random\.default_rng|np\.random\.seed", hidden), \
            f"{meta['grade_id']}: a hidden test holds no expected value and draws inputs only from grading.rng"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebooks_are_stored_without_outputs(assignment):
    for path in (assignment.source_path(), assignment.release_path()):
        notebook = read_notebook(path)
        assert all(not c.get("outputs") and c.get("execution_count") is None
                   for c in notebook.cells if c.cell_type == "code"), path


def test_readme_notebook_table_is_generated_from_the_course_settings():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert render_readme(readme, COURSE) == readme, "README's table is stale: run `make readme`"
    for assignment in COURSE.assignments:
        assert COURSE.colab_url(assignment) in readme


def test_colab_links_point_at_release_notebooks_that_exist():
    for assignment in COURSE.assignments:
        url = COURSE.colab_url(assignment)
        relative = url.split(f"/blob/{COURSE.branch}/", 1)[1]
        assert (REPO_ROOT / relative).is_file(), url


def _pins(lines):
    return {line.strip() for line in lines if re.match(r"^[A-Za-z0-9_.\-\[\]]+==\S+$", line.strip())}


def test_environment_yml_pins_the_same_packages_as_the_lock():
    lock = _pins((REPO_ROOT / "requirements.lock").read_text().splitlines())
    conda_pip = _pins(line.strip().removeprefix("- ") for line in (REPO_ROOT / "environment.yml").read_text().splitlines())
    assert lock and lock == conda_pip, "run `make environment.yml` after changing requirements.lock"


def test_every_lock_line_is_an_exact_pin():
    lines = [l for l in (REPO_ROOT / "requirements.lock").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert lines and all(re.match(r"^[A-Za-z0-9_.\-]+==[^\s;]+( ; .+)?$", l) for l in lines), \
        "every dependency must be pinned with ==, optionally for some platforms only (` ; marker`)"


def test_lock_pins_the_frameworks_the_course_was_written_for():
    lock = (REPO_ROOT / "requirements.lock").read_text()
    for pin in ("torch==2.14.1", "torchvision==0.29.1", "nbgrader==0.9.6"):
        assert pin in lock
    assert re.search(r"^tensorflow==2\.21\.", lock, re.M) and re.search(r"^keras==3\.15\.", lock, re.M)


def test_ci_runs_the_test_command_named_in_the_readme():
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    readme = (REPO_ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme and "make lab" in readme


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_last_cell_summarises_every_exercise_of_the_notebook(assignment):
    """The progress cell names each exercise with the checks its visible test cells run, in order."""
    notebook = read_notebook(assignment.source_path())
    last = notebook.cells[-1]
    assert last.cell_type == "code" and "progress.summary(" in last.source
    listed = ast.literal_eval(last.source.split("progress.summary(", 1)[1].rsplit(")", 1)[0])
    expected = progress.exercises_of(notebook)
    assert listed == expected
    solutions = [nbgrader_meta(c)["grade_id"] for c in notebook.cells
                 if nbgrader_meta(c).get("solution") and c.cell_type == "code" and nbgrader_meta(c)["grade_id"] != "setup"]
    assert list(listed) == solutions, "every exercise needs a visible check that names it"
