"""What every per-submission step may read: shared, read-only facts about the run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.settings import GradingSettings
from autograder.template import AssignmentTemplate


@dataclass(frozen=True)
class GradingContext:
    """The assignment template, the limits, the run's secret marker and the prepared caches."""

    template: AssignmentTemplate
    settings: GradingSettings
    marker: str
    guard_source: str
    assets: Path | None = None
    mpl_cache: Path | None = None
