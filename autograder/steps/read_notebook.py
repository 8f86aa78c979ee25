"""ReadNotebook: parse a submitted file into a notebook, or say clearly why it cannot be graded."""

from __future__ import annotations

import json

import nbformat

from autograder.steps.base import Step
from autograder.submission import GradingError

MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024
MAX_CELLS = 2000
ASK_AGAIN = "ask the student for the .ipynb from Colab (File > Download > Download .ipynb)"


def _text(source) -> str:
    """A cell source stored as a string or as a list of lines."""
    if isinstance(source, list):
        return "".join(str(part) for part in source)
    return source if isinstance(source, str) else ""


def notebook_from_json(data) -> nbformat.NotebookNode:
    """A clean nbformat v4 notebook holding the cells' type and source; outputs are dropped."""
    if isinstance(data, dict) and data.get("nbformat", 4) < 4:
        data = json.loads(nbformat.writes(nbformat.reads(json.dumps(data), as_version=4)))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise GradingError(f"not a Jupyter notebook (the JSON has no list of cells); {ASK_AGAIN}")
    notebook = nbformat.v4.new_notebook()
    for raw in data["cells"]:
        if not isinstance(raw, dict):
            continue
        kind = raw.get("cell_type")
        metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        if kind == "code":
            cell = nbformat.v4.new_code_cell(_text(raw.get("source")))
        elif kind in ("markdown", "raw"):
            cell = (nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_raw_cell)(_text(raw.get("source")))
        else:
            continue
        cell.metadata = nbformat.from_dict(metadata)
        notebook.cells.append(cell)
    return notebook


class ReadNotebook(Step):
    """Read notebook: parse the file; a missing, empty, oversized or non-JSON file becomes a clear error."""

    requires = ("submission",)
    provides = ("notebook",)

    def run(self, state) -> None:
        submission = state.submission
        if submission.notebook is None:
            names = ", ".join(self.context.template.notebooks)
            raise GradingError(f"{submission.original_name} is not a notebook of this assignment ({names}); {ASK_AGAIN}")
        size = submission.path.stat().st_size
        if size == 0:
            raise GradingError(f"{submission.original_name} is an empty file (0 bytes); {ASK_AGAIN}")
        if size > MAX_NOTEBOOK_BYTES:
            raise GradingError(f"{submission.original_name} is {size // 2**20} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit; "
                               "ask the student to clear outputs (Edit > Clear all outputs) and resubmit")
        raw = submission.path.read_bytes()
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise GradingError(f"{submission.original_name} is not a text file (not UTF-8), so not a notebook; {ASK_AGAIN}") from None
        except json.JSONDecodeError as error:
            raise GradingError(f"{submission.original_name} is not valid JSON ({error.msg} at line {error.lineno}); "
                               f"the file is damaged or not a notebook; {ASK_AGAIN}") from None
        state.notebook = notebook_from_json(data)
        if not state.notebook.cells:
            raise GradingError(f"{submission.original_name} is a notebook without cells; {ASK_AGAIN}")
        if len(state.notebook.cells) > MAX_CELLS:
            raise GradingError(f"{submission.original_name} has {len(state.notebook.cells)} cells, more than the "
                               f"{MAX_CELLS} the grader matches; ask the student to delete scratch cells and resubmit")
