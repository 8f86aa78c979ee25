"""Read the course definition (course/course.toml) and the nbgrader configuration."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPO_ROOT = Path(__file__).resolve().parents[2]
COURSE_FILE = REPO_ROOT / "course" / "course.toml"
NBGRADER_CONFIG = REPO_ROOT / "course" / "nbgrader_config.py"


@dataclass(frozen=True)
class Assignment:
    """One entry of the syllabus: an nbgrader assignment holding one notebook."""

    id: str
    title: str
    goals: tuple[str, ...] = field(default_factory=tuple)

    @property
    def notebook(self) -> str:
        """File name of the assignment's notebook, the same in source/ and release/."""
        return f"{self.id}.ipynb"

    def source_path(self, root: Path = REPO_ROOT) -> Path:
        """The instructor notebook."""
        return root / "source" / self.id / self.notebook

    def release_path(self, root: Path = REPO_ROOT) -> Path:
        """The student notebook."""
        return root / "release" / self.id / self.notebook


@dataclass(frozen=True)
class Course:
    """Course-wide settings and the ordered syllabus."""

    title: str
    course_id: str
    repository: str
    student_repository: str
    branch: str
    package: str
    package_directory: str
    fast_mode_variable: str
    assignments: tuple[Assignment, ...]

    def assignment(self, assignment_id: str) -> Assignment:
        """Look an assignment up by id; the error lists the ids that exist."""
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        known = ", ".join(a.id for a in self.assignments)
        raise KeyError(f"no assignment {assignment_id!r} in course/course.toml; known: {known}")

    def colab_url(self, assignment: Assignment) -> str:
        """Colab link that opens the student notebook straight from the student edition."""
        slug = self.student_repository.removeprefix("https://github.com/").rstrip("/")
        return f"https://colab.research.google.com/github/{slug}/blob/{self.branch}/release/{assignment.id}/{assignment.notebook}"

    def package_pip_spec(self) -> str:
        """What the Colab setup cell passes to pip to install the helper package (from the student edition)."""
        return f"{self.package} @ git+{self.student_repository}@{self.branch}#subdirectory={self.package_directory}"

    def setup_install_line(self) -> str:
        """The setup cell's install line: pip in the kernel's own Python, silent when nothing changes.

        ``%pip`` would print "you may need to restart the kernel" on every run, even when pip changed nothing;
        Colab runs as root, and pip would warn about that in red.
        """
        return (f'!{{sys.executable}} -m pip install --quiet --disable-pip-version-check --root-user-action=ignore '
                f'"{self.package_pip_spec()}"')



def load_course(path: Path = COURSE_FILE) -> Course:
    """Parse course/course.toml, with an error that names a missing key."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        settings = data["course"]
        assignments = tuple(
            Assignment(id=entry["id"], title=entry["title"], goals=tuple(entry.get("goals", ())))
            for entry in data["assignment"]
        )
        return Course(assignments=assignments, **settings)
    except (KeyError, TypeError) as error:
        raise ValueError(f"{path}: malformed course definition ({error}); see the README's instructor section") from None


def load_nbgrader_config(root: Path, db_url: str) -> Config:
    """The course's nbgrader configuration, pointed at ``root`` and a given gradebook."""
    config = PyFileConfigLoader(NBGRADER_CONFIG.name, path=str(NBGRADER_CONFIG.parent)).load_config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = db_url
    return config
