"""CappedNotebookClient: what a kernel sends is read within bounds, and a too-large part is never parsed."""

import json

import nbformat

from autograder.execution.capped_client import DROPPED, capped_unpacker
from autograder.execution.run_notebook import execute_notebook
from autograder.execution.settings import GradingSettings


def test_a_part_over_the_limit_becomes_a_placeholder_without_being_parsed():
    parsed = []

    def unpack(data):
        parsed.append(len(data))
        return json.loads(data)

    unpack_capped = capped_unpacker(unpack, limit=100)
    assert unpack_capped(b'{"a": 1}') == {"a": 1}
    large = b"[" + b"0.0, " * 100 + b"0.0]"
    placeholder = unpack_capped(large)
    assert placeholder[DROPPED] == len(large) and placeholder["msg_id"] == "" and parsed == [8]


def test_a_record_over_the_message_limit_is_dropped_and_the_next_cells_still_run(pool):
    """The c1_forge_records attack's 15 MB record used to cost its grading worker 440 MB to parse."""
    settings = GradingSettings(max_message_bytes=200_000)
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from IPython.display import display\n"
                                  "display({'application/vnd.dlcourse.record+json': {'name': 'w', 'value': "
                                  "{'kind': 'array', 'shape': [100000], 'data': [0.0] * 100000}}}, raw=True)"),
        nbformat.v4.new_code_cell("print('x' * 1000)"),
    ])
    execution = execute_notebook(notebook, settings, pool, stop=2, refill=False)
    assert execution.failure == ""
    assert notebook.cells[0].outputs == []
    assert notebook.cells[1].outputs[0]["text"] == "x" * 1000 + "\n"
    assert "output of 1 cell(s) truncated" in execution.notes
