"""Generate the student release from the instructor notebooks with nbgrader."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from nbgrader.apps import NbGraderAPI

from autograder.authoring.course import REPO_ROOT, Assignment, load_nbgrader_config


def generate_release(assignment: Assignment, destination: Path = REPO_ROOT / "release") -> Path:
    """Run ``nbgrader generate_assignment`` on a throwaway copy and place the result.

    Args:
        assignment: the syllabus entry to build.
        destination: the folder that receives ``<assignment id>/<notebook>``.

    Returns:
        Path of the generated student notebook.
    """
    source = assignment.source_path()
    if not source.is_file():
        raise FileNotFoundError(f"{source} does not exist; create the instructor notebook first (README, 'Add a notebook')")
    with tempfile.TemporaryDirectory(prefix="release-") as scratch:
        work = Path(scratch)
        shutil.copytree(source.parent, work / "source" / assignment.id)
        api = NbGraderAPI(config=load_nbgrader_config(work, f"sqlite:///{work / 'gradebook.db'}"))
        result = api.generate_assignment(assignment.id, force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not generate {assignment.id}:\n{result['log']}\n{result.get('error', '')}")
        built = work / "release" / assignment.id
        target = destination / assignment.id
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(built, target)
    return target / assignment.notebook
