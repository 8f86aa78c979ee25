#!/usr/bin/env python3
"""Give each student notebook a working copy in work/ once, and never touch it again.

    python .ci/student_work.py [REPO_ROOT]        # what `make lab` runs first

For every file of ``release/NN_slug/`` that has no copy yet, this copies it to ``work/NN_slug/``.
An existing copy is never overwritten, moved or deleted, whatever happened to the release since
(``make release``, a ``git pull``): work/ is git-ignored and only this script writes there, and it
only creates files. When a release notebook has changed since its copy was made, it says so and
how to get a fresh copy (rename yours, run `make lab` again). Standard library only: it runs
before the course environment exists.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

RECORD = ".release-hashes.json"  # sha256 of each release file when its copy was made


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def release_files(release: Path) -> list[Path]:
    """Files of release/NN_slug/ folders, relative to release/ (checkpoints left out)."""
    if not release.is_dir():
        return []
    found = []
    for folder in sorted(p for p in release.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(release)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                found.append(relative)
    return found


def make_copies(root: Path) -> list[str]:
    """Create the missing copies under root/work; return one line per copy made or release changed."""
    release, work = root / "release", root / "work"
    record_path = work / RECORD
    try:
        record = json.loads(record_path.read_text()) if record_path.is_file() else {}
    except ValueError:
        record = {}
    messages, changed_record = [], False
    for relative in release_files(release):
        source, copy = release / relative, work / relative
        key = relative.as_posix()
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            record[key] = _digest(source)
            changed_record = True
            messages.append(f"created work/{key} from release/{key}")
        elif key in record and record[key] != _digest(source) and source.suffix == ".ipynb":
            messages.append(
                f"release/{key} has changed since your copy was made; work/{key} is kept as it is. "
                f"For a fresh copy, rename yours (e.g. to {copy.stem}-mine.ipynb) and run `make lab` again.")
    if changed_record:
        record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return messages


def main(argv: list[str]) -> int:
    root = Path(argv[0]).resolve() if argv else Path(__file__).resolve().parent.parent
    messages = make_copies(root)
    for line in messages:
        print(line)
    print(f"Your notebooks are in {root / 'work'}: open them from there. "
          "Course updates never overwrite them.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
