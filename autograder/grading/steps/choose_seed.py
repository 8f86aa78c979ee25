"""ChooseSeed: the secret seed of the hidden tests' inputs: --seed, else the one saved in OUT/seed, else a new one."""

from __future__ import annotations

import os
import secrets

from autograder.grading.steps.base import Step

SEED_FILE = "seed"


class ChooseSeed(Step):
    """Choose seed: --seed, or OUT/seed from an earlier run (so a resumed run matches), or a new random one saved there."""

    requires = ("out", "seed_option", "shard")
    provides = ("seed",)

    def run(self, state) -> None:
        path = state.out / SEED_FILE
        saved = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
        seed = state.seed_option or saved
        if not seed:
            if state.shard[1] > 1:
                raise ValueError("a sharded run needs --seed SECRET, the same for every shard (for example the "
                                 "output of `python -c 'import secrets; print(secrets.token_hex(16))'`)")
            seed = secrets.token_hex(16)
        if seed != saved:
            state.out.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(seed + "\n")
        state.seed = seed
