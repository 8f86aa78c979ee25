"""What every per-submission step may read: shared, read-only facts about the run."""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.execution.kernel_pool import KernelRecipe
from autograder.execution.settings import GradingSettings
from autograder.grading.template import AssignmentTemplate


@dataclass(frozen=True)
class GradingContext:
    """The assignment template, the limits, the sandbox recipe, the reference records and the input hashes.

    ``reference`` maps each hidden test's grade_id to the records the instructor's solution made
    with the run's seed; the seed itself reaches only the sandboxes (through ``recipe``).
    """

    template: AssignmentTemplate
    settings: GradingSettings
    recipe: KernelRecipe | None = None
    reference: dict[str, list] = field(default_factory=dict)
    source_sha256: str = ""
    seed_sha256: str = ""
