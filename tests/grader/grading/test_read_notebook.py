"""Reading a submitted file: clear errors for files that are not notebooks."""

import json

import pytest

from autograder.execution.settings import GradingSettings
from autograder.grading.context import GradingContext
from autograder.grading.steps.read_notebook import MAX_CELL_CHARS, MAX_NOTEBOOK_BYTES, ReadNotebook
from autograder.grading.submission import GradingError, Submission, SubmissionState
from autograder.grading.template import AssignmentTemplate, NotebookTemplate

NAME = "01_linear_regression.ipynb"
CONTEXT = GradingContext(template=AssignmentTemplate("01", {NAME: NotebookTemplate(NAME, ())}),
                         settings=GradingSettings())


def read(tmp_path, content: bytes, notebook=NAME, problem=""):
    path = tmp_path / "file"
    path.write_bytes(content)
    state = SubmissionState(submission=Submission("s", path, "s/file", notebook, "file", problem=problem), out=tmp_path)
    ReadNotebook(CONTEXT).run(state)
    return state.notebook


@pytest.mark.parametrize("content, words", [
    (b"", "empty file"),
    (b'{"cells": [', "not valid JSON"),
    (b"\xff\xfe\x00binary", "not UTF-8"),
    (b'{"hello": 1}', "not a Jupyter notebook"),
    (b'{"cells": [], "nbformat": 4}', "without cells"),
])
def test_unreadable_files_raise_a_grading_error_that_says_what_to_ask_for(tmp_path, content, words):
    with pytest.raises(GradingError, match=words) as error:
        read(tmp_path, content)
    assert "Download .ipynb" in str(error.value)


def test_file_of_no_known_notebook_is_rejected(tmp_path):
    with pytest.raises(GradingError, match="not a notebook of this assignment"):
        read(tmp_path, b"{}", notebook=None)


def test_sources_stored_as_line_lists_and_odd_cells_are_read(tmp_path):
    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": ["x = 1\n", "y = 2"], "metadata": {}, "outputs": []},
        {"cell_type": "unknown", "source": "?"}, "not a cell",
        {"cell_type": "markdown", "source": "# Title", "metadata": None},
    ]}
    notebook = read(tmp_path, json.dumps(data).encode())
    assert [c.cell_type for c in notebook.cells] == ["code", "markdown"]
    assert notebook.cells[0].source == "x = 1\ny = 2"


def test_notebook_with_too_many_cells_is_rejected(tmp_path):
    cells = [{"cell_type": "code", "source": f"x = {i}", "metadata": {}, "outputs": []} for i in range(2001)]
    with pytest.raises(GradingError, match="2001 cells"):
        read(tmp_path, json.dumps({"nbformat": 4, "cells": cells}).encode())


def test_a_cell_over_the_size_limit_is_rejected_with_its_number(tmp_path):
    cells = [{"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": []},
             {"cell_type": "code", "source": "#" * (MAX_CELL_CHARS + 1), "metadata": {}, "outputs": []}]
    with pytest.raises(GradingError, match="cell 2 holds .* KiB"):
        read(tmp_path, json.dumps({"nbformat": 4, "cells": cells}).encode())


def test_millions_of_json_objects_are_refused_before_they_fill_memory(tmp_path):
    with pytest.raises(GradingError, match="more JSON objects"):
        read(tmp_path, b'{"cells": [' + b"{}," * 300_000 + b"{}]}")


def test_file_over_the_size_limit_is_refused_without_being_read(tmp_path):
    with pytest.raises(GradingError, match="MiB limit"):
        read(tmp_path, b" " * (MAX_NOTEBOOK_BYTES + 1))


def test_a_problem_found_while_unpacking_becomes_the_error(tmp_path):
    with pytest.raises(GradingError, match="too large to extract"):
        read(tmp_path, b"", problem="s/file is too large to extract")


def test_links_and_special_files_are_not_read(tmp_path):
    (tmp_path / "target").write_text("{}")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "target")
    state = SubmissionState(submission=Submission("s", link, "s/link", NAME, "link"), out=tmp_path)
    with pytest.raises(GradingError, match="not a regular file"):
        ReadNotebook(CONTEXT).run(state)
