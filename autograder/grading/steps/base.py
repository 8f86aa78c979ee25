"""The contract of a pipeline step, and the check that a pipeline runs its steps in a valid order."""

from __future__ import annotations

from typing import Any, ClassVar, Iterable


class PipelineOrderError(ValueError):
    """A step needs a state field that no earlier step provides."""


class Step:
    """One named stage of a pipeline.

    ``requires`` lists the state fields the step reads, ``provides`` those it fills in;
    ``check_order`` turns these declarations into an enforced ordering constraint.
    """

    requires: ClassVar[tuple[str, ...]] = ()
    provides: ClassVar[tuple[str, ...]] = ()

    def __init__(self, context: Any = None) -> None:
        self.context = context

    def run(self, state: Any) -> None:
        """Read ``requires`` from ``state`` and fill in ``provides``."""
        raise NotImplementedError


def check_order(steps: Iterable[type[Step]], available: Iterable[str] = ()) -> None:
    """Raise PipelineOrderError unless every step's inputs are produced by the steps before it."""
    steps = list(steps)
    have = set(available)
    earlier: list[str] = []
    for position, step in enumerate(steps):
        missing = [name for name in step.requires if name not in have]
        if missing:
            later = [s.__name__ for s in steps[position + 1:] if set(s.provides) & set(missing)]
            where = f"move it after {', '.join(later)}" if later else "add a step that provides them"
            raise PipelineOrderError(
                f"{step.__name__} needs {', '.join(missing)}, which no step before it provides "
                f"(before it: {', '.join(earlier) or 'nothing'}); {where}"
            )
        have.update(step.provides)
        earlier.append(step.__name__)
