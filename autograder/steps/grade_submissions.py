"""GradeSubmissions: run the per-submission pipeline for every file, in parallel worker processes."""

from __future__ import annotations

import multiprocessing
import secrets
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from autograder.context import GradingContext
from autograder.guard import imported_modules, install_source
from autograder.kernel_pool import close_pools
from autograder.result import SubmissionResult
from autograder.steps.base import Step
from autograder.template import TEST


def build_matplotlib_cache(folder: Path) -> Path:
    """Build matplotlib's font cache once, so that each sandbox starts with a copy instead of rebuilding it."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env={"MPLCONFIGDIR": str(folder), "HOME": str(folder)},
                   capture_output=True, check=False, timeout=300)
    return folder


def build_context(state) -> GradingContext:
    """The read-only facts every worker needs, prepared once per run."""
    tests = [cell.instructor_source for nb in state.template.notebooks.values() for cell in nb.cells if cell.role == TEST]
    assets = state.assignment.release_path().parent
    return GradingContext(
        template=state.template, settings=state.settings, marker=f"autograder-done-{secrets.token_hex(16)}",
        guard_source=install_source(imported_modules(tests)), assets=assets if assets.is_dir() else None,
        mpl_cache=build_matplotlib_cache(state.scratch / "matplotlib"),
    )


def crashed(submission, max_score: float, reason: str) -> SubmissionResult:
    """The result for a file whose worker process died."""
    return SubmissionResult(submission=submission, status="error", message=f"the grading worker died ({reason}); "
                            "regrade this student alone with --jobs 1 and a separate --out", max_score=max_score)


class GradeSubmissions(Step):
    """Grade submissions: SUBMISSION_STEPS per file, `settings.jobs` at a time; only results come back."""

    requires = ("template", "submissions", "settings", "scratch", "out")
    provides = ("results",)

    def run(self, state) -> None:
        from autograder.pipeline import grade_submission

        context = build_context(state)
        pending = list(state.submissions)
        if state.settings.jobs <= 1:
            try:
                state.results = [grade_submission(s, context, state.out) for s in pending]
            finally:
                close_pools()
            return
        done: dict[int, SubmissionResult] = {}
        broken: list[int] = []
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=state.settings.jobs, mp_context=spawn) as pool:
            futures = {i: pool.submit(grade_submission, s, context, state.out) for i, s in enumerate(pending)}
            for i, future in futures.items():
                try:
                    done[i] = future.result()
                except BrokenProcessPool:
                    broken.append(i)
                except Exception as error:
                    done[i] = crashed(pending[i], state.template.max_score, f"{type(error).__name__}: {error}")
        # A dead worker takes the queued submissions with it: grade those once more, one at a time here.
        try:
            for i in broken:
                done[i] = grade_submission(pending[i], context, state.out)
        except Exception as error:
            for i in broken:
                done.setdefault(i, crashed(pending[i], state.template.max_score, f"{type(error).__name__}: {error}"))
        finally:
            close_pools()
        state.results = [done[i] for i in range(len(pending))]
