"""PrepareAssignment: run `nbgrader generate_assignment` once per run and build the grading template."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI

from autograder.authoring.course import REPO_ROOT, load_nbgrader_config
from autograder.grading.steps.base import Step
from autograder.grading.template import AssignmentTemplate, build_notebook_template


class PrepareAssignment(Step):
    """Prepare assignment: register it in the run's gradebook, build the template and hash the instructor notebook, once per run."""

    requires = ("assignment", "out")
    provides = ("template", "db_url", "source_sha256")

    def __init__(self, context=None, root: Path = REPO_ROOT) -> None:
        super().__init__(context)
        self.root = root

    def run(self, state) -> None:
        assignment = state.assignment
        source_dir = assignment.source_path(self.root).parent
        if not assignment.source_path(self.root).is_file():
            raise FileNotFoundError(
                f"{assignment.source_path(self.root)} does not exist; the grader needs the instructor notebook "
                f"(with hidden tests) of {assignment.id} in source/{assignment.id}/"
            )
        state.out.mkdir(parents=True, exist_ok=True)
        state.db_url = f"sqlite:///{(state.out / 'gradebook.db').resolve()}"
        with tempfile.TemporaryDirectory(prefix="autograder-prepare-") as scratch:
            work = Path(scratch)
            shutil.copytree(source_dir, work / "source" / assignment.id)
            api = NbGraderAPI(config=load_nbgrader_config(work, state.db_url))
            result = api.generate_assignment(assignment.id, force=True)
            if not result["success"]:
                raise RuntimeError(
                    f"nbgrader could not prepare {assignment.id}; fix the source notebook, then check it with "
                    f"`python -m autograder release {assignment.id}`:\n{result.get('error', '')}\n{result['log'][-2000:]}"
                )
            notebooks = {}
            for release_path in sorted((work / "release" / assignment.id).glob("*.ipynb")):
                release = nbformat.read(release_path, as_version=4)
                source = nbformat.read(source_dir / release_path.name, as_version=4)
                notebooks[release_path.name] = build_notebook_template(release_path.name, release, source)
        state.template = AssignmentTemplate(assignment_id=assignment.id, notebooks=notebooks)
        state.source_sha256 = source_hash(source_dir)


def source_hash(folder: Path) -> str:
    """One hash over every file of the assignment's source folder (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
