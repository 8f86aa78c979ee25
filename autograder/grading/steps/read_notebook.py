"""ReadNotebook: parse a submitted file into a notebook, or say clearly why it cannot be graded."""

from __future__ import annotations

import json
import stat

import nbformat

from autograder.grading.steps.base import Step
from autograder.grading.submission import GradingError

MAX_NOTEBOOK_BYTES = 16 * 2**20
MAX_JSON_OBJECTS = 200_000
MAX_CELLS = 2000
MAX_CELL_CHARS = 256 * 1024
ASK_AGAIN = "ask the student for the .ipynb from Colab (File > Download > Download .ipynb)"


class TooManyObjects(Exception):
    """The JSON holds more objects than any notebook the grader accepts."""


def _text(source) -> str:
    """A cell source stored as a string or as a list of lines."""
    if isinstance(source, list):
        return "".join(str(part) for part in source)
    return source if isinstance(source, str) else ""


def parse_json(raw: bytes):
    """json.loads that refuses files of millions of tiny containers (lists or objects) before building them."""
    if raw.count(b"[") + raw.count(b"{") > 2 * MAX_JSON_OBJECTS:  # brackets in strings count too: a bound
        raise TooManyObjects
    count = 0

    def pairs(items):
        nonlocal count
        count += 1
        if count > MAX_JSON_OBJECTS:
            raise TooManyObjects
        return dict(items)

    return json.loads(raw.decode("utf-8-sig"), object_pairs_hook=pairs)


def notebook_from_json(data) -> nbformat.NotebookNode:
    """A clean nbformat v4 notebook holding the cells' type and source; outputs are dropped."""
    if isinstance(data, dict) and isinstance(data.get("nbformat", 4), int) and data.get("nbformat", 4) < 4:
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


OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")
SHOWN_DATA = ("image/png", "image/jpeg", "text/plain")


def submitted_outputs(data) -> list[list[dict]]:
    """The outputs the student saved, one list per cell that ``notebook_from_json`` keeps, for their feedback page.

    Only plain fields are kept (text, PNG/JPEG/plain-text data, error name and traceback); other
    data types are named by their key only. They are never executed, graded or sent back to a kernel.
    """
    cells = data.get("cells") if isinstance(data, dict) and data.get("nbformat", 4) == 4 else None
    kept = []
    for raw in cells if isinstance(cells, list) else []:
        if not isinstance(raw, dict) or raw.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        outputs = raw.get("outputs") if raw.get("cell_type") == "code" else None
        cell = []
        for output in outputs if isinstance(outputs, list) else []:
            if not isinstance(output, dict) or output.get("output_type") not in OUTPUT_TYPES:
                continue
            data_field = output.get("data") if isinstance(output.get("data"), dict) else {}
            cell.append({"output_type": output["output_type"], "name": output.get("name"),
                         "text": output.get("text"), "ename": output.get("ename"),
                         "traceback": output.get("traceback") if isinstance(output.get("traceback"), list) else None,
                         "data": {key: (data_field[key] if key in SHOWN_DATA else "") for key in list(data_field)[:20]}})
        kept.append(cell)
    return kept


class ReadNotebook(Step):
    """Read notebook: parse the file; a missing, empty, oversized or non-JSON file, or one with too many or too large cells, becomes a clear error."""

    requires = ("submission",)
    provides = ("notebook", "submitted_outputs")

    def run(self, state) -> None:
        submission = state.submission
        name = submission.original_name
        if submission.problem:
            raise GradingError(submission.problem)
        if submission.notebook is None:
            names = ", ".join(self.context.template.notebooks)
            raise GradingError(f"{name} is not a notebook of this assignment ({names}); {ASK_AGAIN}")
        info = submission.path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise GradingError(f"{name} is not a regular file; {ASK_AGAIN}")
        if info.st_size == 0:
            raise GradingError(f"{name} is an empty file (0 bytes); {ASK_AGAIN}")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise GradingError(f"{name} is {info.st_size / 2**20:.0f} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit; "
                               "ask the student to clear outputs (Edit > Clear all outputs) and resubmit")
        with submission.path.open("rb") as handle:
            raw = handle.read(MAX_NOTEBOOK_BYTES + 1)
        try:
            data = parse_json(raw)
        except UnicodeDecodeError:
            raise GradingError(f"{name} is not a text file (not UTF-8), so not a notebook; {ASK_AGAIN}") from None
        except json.JSONDecodeError as error:
            raise GradingError(f"{name} is not valid JSON ({error.msg} at line {error.lineno}); "
                               f"the file is damaged or not a notebook; {ASK_AGAIN}") from None
        except (TooManyObjects, RecursionError):
            raise GradingError(f"{name} holds more JSON objects or nesting than any notebook of this course; "
                               "ask the student to delete scratch cells, clear outputs and resubmit") from None
        del raw
        cells = data.get("cells") if isinstance(data, dict) else None
        if isinstance(cells, list) and len(cells) > MAX_CELLS:
            raise GradingError(f"{name} has {len(cells)} cells, more than the {MAX_CELLS} the grader "
                               f"matches; ask the student to delete scratch cells and resubmit")
        state.notebook = notebook_from_json(data)
        state.submitted_outputs = submitted_outputs(data)
        if not state.notebook.cells:
            raise GradingError(f"{name} is a notebook without cells; {ASK_AGAIN}")
        for number, cell in enumerate(state.notebook.cells, 1):
            if len(cell.source) > MAX_CELL_CHARS:
                raise GradingError(f"{name}: cell {number} holds {len(cell.source) // 1024} KiB of text, over the "
                                   f"{MAX_CELL_CHARS // 1024} KiB limit per cell; ask the student to move data into a file")
