"""What the run-level steps pass along: the inputs of one `grade` or `merge` command and what each step adds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.execution.settings import GradingSettings


@dataclass
class RunState:
    """One grading run: inputs first, then one field per step output."""

    out: Path
    settings: GradingSettings
    assignment: Any = None        # input of `grade` (Assignment); LoadShardResults for `merge`
    submissions_path: Path | None = None
    scratch: Path | None = None   # the run's private folder (zip extraction, connection files), removed after
    seed_option: str = ""         # --seed
    shard: tuple[int, int] = (0, 1)   # --shard K/N
    shard_outs: tuple[Path, ...] = ()  # `merge` inputs
    roster: Any = None            # --roster: Roster, or None
    template: Any = None          # PrepareAssignment: AssignmentTemplate
    db_url: str = ""              # PrepareAssignment: the gradebook in the output folder
    source_sha256: str = ""       # PrepareAssignment: hash of the instructor notebook(s)
    seed: str = ""                # ChooseSeed
    recipe: Any = None            # PrepareSandbox: KernelRecipe
    submissions: list = field(default_factory=list)   # CollectSubmissions: [Submission]
    assigned: list = field(default_factory=list)      # SelectShard: this shard's [Submission]
    pending: list = field(default_factory=list)       # FindPending: those without a current stored result
    regrade: bool = False         # --regrade: grade every file again, even with a current result
    previous: dict = field(default_factory=dict)      # KeepHistory: result key -> the result it replaces
    history: Path | None = None   # KeepHistory: OUT/history/<run>/, when a result was replaced
    reference: dict = field(default_factory=dict)     # RunReference: grade_id -> records of the solution
    graded: int = 0               # GradeSubmissions: how many files were graded in this run
    results: list = field(default_factory=list)       # LoadResults / LoadShardResults: [SubmissionResult]
    copied: bool = False          # CopyShardOutputs
    recorded: bool = False        # RecordGrades
    rows: list = field(default_factory=list)          # WriteGradesCsv: [GradeRow]
    changes: list = field(default_factory=list)       # WriteChanges: (student, notebook, old, new, max, tests)
