"""Export the gradebook of a grading run to CSV with nbgrader's own CSV export plugin."""

from __future__ import annotations

from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.plugins.export import CsvExportPlugin


def export_gradebook(out: Path, to: Path | None = None) -> Path:
    """Write nbgrader's CSV (one row per student and assignment) of OUT/gradebook.db; return its path."""
    database = out / "gradebook.db"
    if not database.is_file():
        raise FileNotFoundError(f"{database} does not exist; run `python -m autograder grade SUBMISSIONS "
                                f"--assignment ID --out {out}` first")
    target = to or out / "gradebook_export.csv"
    with Gradebook(f"sqlite:///{database.resolve()}") as gradebook:
        CsvExportPlugin(to=str(target)).export(gradebook)
    return target
