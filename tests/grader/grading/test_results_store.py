"""The results store: one JSON file per submitted file, written atomically, read back to resume."""

import json
import os
from pathlib import Path

from autograder.grading.result import SubmissionResult
from autograder.grading.results_store import ResultsStore, sha256_file
from autograder.grading.submission import CellResult, Submission

SUBMISSION = Submission("alice", Path("/tmp/alice.ipynb"), "alice/01.ipynb", "01.ipynb", "01")


def result(**changes) -> SubmissionResult:
    fields = dict(submission=SUBMISSION, assignment="01", status="graded", message="", max_score=6.0,
                  cells=[CellResult("f_hidden", 3.0, 3.0, True), CellResult("f_examples", 0.0, 0.0, False, "failed")],
                  file_sha256="f", source_sha256="s", seed_sha256="k")
    return SubmissionResult(**{**fields, **changes})


def test_a_saved_result_reads_back_equal(tmp_path):
    store = ResultsStore(tmp_path)
    store.save(result())
    assert store.load(SUBMISSION) == result()
    assert store.load(SUBMISSION).score == 3.0
    assert [r.submission.student_id for r in store.load_all()] == ["alice"]


def test_saving_replaces_the_file_atomically_and_leaves_no_temporary(tmp_path, monkeypatch):
    store = ResultsStore(tmp_path)
    store.save(result(message="first"))
    real_replace = os.replace

    def crash(*args):
        raise KeyboardInterrupt  # killed between writing and renaming

    monkeypatch.setattr(os, "replace", crash)
    try:
        store.save(result(message="second"))
    except KeyboardInterrupt:
        pass
    monkeypatch.setattr(os, "replace", real_replace)
    assert store.load(SUBMISSION).message == "first"
    assert [p.name for p in store.folder.iterdir()] == [store.path(SUBMISSION).name]


def test_a_result_is_current_only_for_the_same_file_notebook_seed_and_sandbox(tmp_path):
    store = ResultsStore(tmp_path)
    store.save(result())
    moved = Submission("alice", Path("/elsewhere/alice.ipynb"), "alice/01.ipynb", "01.ipynb", "01")
    assert store.is_current(moved, "f", "s", "k", True)  # the same file extracted elsewhere
    for args in (("other", "s", "k", True), ("f", "other", "k", True), ("f", "s", "other", True), ("f", "s", "k", False)):
        assert not store.is_current(SUBMISSION, *args), args
    store.save(result(transient=True))
    assert not store.is_current(SUBMISSION, "f", "s", "k", True)


def test_unreadable_results_count_as_missing(tmp_path):
    store = ResultsStore(tmp_path)
    store.folder.mkdir()
    store.path(SUBMISSION).write_text("{not json")
    (store.folder / ".tmp-half.json").write_text(json.dumps({"half": True}))
    assert store.load(SUBMISSION) is None and store.load_all() == []
    store.remove_partial_writes()
    assert not (store.folder / ".tmp-half.json").exists()


def test_file_hash_covers_content_and_size(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_bytes(b"x" * 100)
    second.write_bytes(b"x" * 101)
    assert sha256_file(first) != sha256_file(second)
    assert sha256_file(first, limit=10) != sha256_file(second, limit=10)


def test_merge_takes_only_the_files_of_each_shards_latest_input(tmp_path):
    """A file removed from a shard's input before it was regraded must not come back in `merge`."""
    from autograder.grading.run_state import RunState
    from autograder.execution.settings import GradingSettings
    from autograder.grading.steps.load_shard_results import LoadShardResults

    shard = tmp_path / "shard0"
    store = ResultsStore(shard)
    bob = Submission("bob", Path("/tmp/bob.ipynb"), "bob/01.ipynb", "01.ipynb", "01")
    store.save(result())
    store.save(result(submission=bob))
    store.write_manifest([SUBMISSION, bob])
    assert sorted(r.submission.student_id for r in store.load_current()) == ["alice", "bob"]
    store.write_manifest([SUBMISSION])  # bob's file was removed, the shard graded again
    state = RunState(out=tmp_path / "merged", settings=GradingSettings(), shard_outs=(shard,))
    try:
        LoadShardResults().run(state)
    except KeyError:  # the course has no assignment "01"; the results were loaded before that lookup
        pass
    assert [r.submission.student_id for r in state.results] == ["alice"]
