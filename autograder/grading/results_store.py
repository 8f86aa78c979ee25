"""The durable record of a run: one JSON file per submitted file under OUT/results/, written atomically.

A worker stores each result as soon as the file is graded, so a run that is killed loses nothing
already graded; `grade` run again skips every file whose stored result was made from the same
file, the same instructor notebook and the same seed. grades.csv and gradebook.db are rebuilt
from this store.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

from autograder.grading.result import SubmissionResult
from autograder.grading.submission import Submission


def sha256_file(path: Path, limit: int | None = None) -> str:
    """Hash of a file's bytes (of its first ``limit`` bytes and its size, for files past the limit)."""
    digest = hashlib.sha256()
    size = path.lstat().st_size
    if not path.is_file() or path.is_symlink():
        return hashlib.sha256(f"not a regular file {size}".encode()).hexdigest()
    with path.open("rb") as handle:
        remaining = size if limit is None else min(size, limit)
        while remaining > 0 and (chunk := handle.read(min(remaining, 2**20))):
            digest.update(chunk)
            remaining -= len(chunk)
    digest.update(str(size).encode())
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class ResultsStore:
    """OUT/results/<key>.json, one per submitted file; the key hashes the student id and the file's name."""

    def __init__(self, out: Path) -> None:
        self.folder = Path(out) / "results"

    @staticmethod
    def key(submission: Submission) -> str:
        return sha256_text(f"{submission.student_id}\0{submission.original_name}")[:32]

    def path(self, submission: Submission) -> Path:
        return self.folder / f"{self.key(submission)}.json"

    def save(self, result: SubmissionResult) -> Path:
        """Write the result atomically: a reader sees the old file or the new one, never half of one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(result.submission)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(result.to_dict(), stream, indent=1, sort_keys=True)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    @property
    def manifest(self) -> Path:
        """The keys of the files of the latest run into this folder (results of other files are stale)."""
        return self.folder / "inputs.json"

    def write_manifest(self, submissions: list[Submission]) -> None:
        """Record which files the latest run had as input, atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / ".inputs.json.tmp"
        partial.write_text(json.dumps(sorted(self.key(s) for s in submissions)), encoding="utf-8")
        os.replace(partial, self.manifest)

    def load_current(self) -> list[SubmissionResult]:
        """The stored results of the latest run's files only (every result when no run recorded its inputs)."""
        try:
            keys = set(json.loads(self.manifest.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return self.load_all()
        return [r for r in self.load_all() if self.key(r.submission) in keys]

    def load(self, submission: Submission) -> SubmissionResult | None:
        """The stored result of a file, or None when there is none (or it cannot be read)."""
        return self._read(self.path(submission))

    def load_all(self) -> list[SubmissionResult]:
        """Every readable result in the store."""
        results = [self._read(path) for path in sorted(self.folder.glob("[0-9a-f]*.json"))]
        return [r for r in results if r is not None]

    @staticmethod
    def _read(path: Path) -> SubmissionResult | None:
        try:
            return SubmissionResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def is_current(self, submission: Submission, file_sha256: str, source_sha256: str, seed_sha256: str,
                   sandboxed: bool) -> bool:
        """True when the stored result was made from these exact inputs and need not be graded again."""
        stored = self.load(submission)
        return (stored is not None and not stored.transient and stored.file_sha256 == file_sha256
                and stored.source_sha256 == source_sha256 and stored.seed_sha256 == seed_sha256
                and stored.sandboxed == sandboxed
                and dataclasses.replace(stored.submission, path=submission.path) == submission)

    def remove_partial_writes(self) -> None:
        """Delete temporary files left by a writer that was killed mid-write."""
        for path in self.folder.glob(".tmp-*"):
            path.unlink(missing_ok=True)
