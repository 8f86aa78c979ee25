"""CopyShardOutputs: gather the shards' results, feedback pages and autograded notebooks into one output folder."""

from __future__ import annotations

import shutil

from autograder.grading.steps.base import Step
from autograder.grading.steps.choose_seed import SEED_FILE


class CopyShardOutputs(Step):
    """Copy shard outputs: results/, feedback/ and autograded/ of every shard into OUT, and the shared seed file."""

    requires = ("shard_outs", "out", "results")
    provides = ("copied",)

    def run(self, state) -> None:
        state.out.mkdir(parents=True, exist_ok=True)
        for folder in state.shard_outs:
            if folder.resolve() == state.out.resolve():
                continue
            for part in ("results", "feedback", "autograded"):
                if (folder / part).is_dir():
                    shutil.copytree(folder / part, state.out / part, dirs_exist_ok=True, symlinks=True)
            if (folder / SEED_FILE).is_file() and not (state.out / SEED_FILE).exists():
                shutil.copy2(folder / SEED_FILE, state.out / SEED_FILE)
        state.copied = True
