"""Every student of the three attack runs: how to build their files and what they may score.

Honest controls must get exactly their score; an attacker at most what its honest part earns
(usually 0). Students are named so that controls sort before (``aa_``) and after (``zz_``) the
attackers: with two workers some run next to an attacker and some after it.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import stat
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat

from tests.attacks import notebooks as nbs
from tests.attacks import payloads as pl


@dataclass(frozen=True)
class Student:
    id: str  # folder name (the start of it, for ids the grader must clean)
    attack: str  # "control", or the attack class "1".."6" and what it tries
    allowed: float  # the most this student may score
    exact: bool  # controls: the score must equal ``allowed``
    build: Callable[[Path, dict], None]  # writes the student's file(s) under the submissions folder


def _code_defines(source: str) -> set[str]:
    return set(re.findall(r"^def (\w+)\(", source, flags=re.M))


def attack_notebook(ctx: dict, top: str, base: str = "blank", cell: str = "predict", extra: dict | None = None):
    """A notebook whose ``cell`` answer runs the prelude, that cell's answer, then ``top``.

    ``base``: "blank" (zero-returning answers), "release" (answers raise) or "solution". Answers
    that ``top`` defines are emptied in their own cells, so the attack's versions stay in force.
    ``extra``: grade_id -> source of further answer cells (each gets the prelude too).
    """
    notebook = {"blank": nbs.blank_answers, "release": nbs.release, "solution": nbs.full}[base]()
    defined = _code_defines(top)
    for grade_id in nbs.answers():
        if grade_id in defined and grade_id != cell:
            notebook = nbs.with_answer(notebook, grade_id, f"# {grade_id} is defined in the {cell} cell above\n")
    current = "" if cell in defined else notebook.cells[nbs.index_of(notebook, cell)].source + "\n"
    notebook = nbs.with_answer(notebook, cell, pl.prelude(ctx) + current + "\n" + top)
    for grade_id, source in (extra or {}).items():
        notebook = nbs.with_answer(notebook, grade_id, pl.prelude(ctx) + source)
    return notebook


def _writer(make: Callable[[dict], nbformat.NotebookNode]) -> Callable[[Path, dict], None]:
    def build(path: Path, ctx: dict) -> None:
        nbs.write(make(ctx), path / nbs.NOTEBOOK)
    return build


def _attack(top: str, **kwargs) -> Callable[[Path, dict], None]:
    return _writer(lambda ctx: attack_notebook(ctx, top, **kwargs))


def _on(nb_factory, student_dir: str | None = None):
    return _writer(lambda ctx: nb_factory())


# --- (1) ------------------------------------------------------------------------------------


def _fake_pass(path: Path, ctx: dict) -> None:
    """Fake [PASS] lines, forged nbgrader metadata and stored outputs that claim full marks."""
    notebook = nbs.with_answer(nbs.blank_answers(), "predict", nbs.blank_answer("predict") +
                               'print("[PASS] predict (3 cases)\\nScore: 21/21")\n')
    data = json.loads(nbformat.writes(notebook))
    record = {"output_type": "display_data", "metadata": {},
              "data": {pl.RECORD_MIME: {"name": "predict(x, phi)", "value": {"kind": "array", "dtype": "float",
                                                                                "shape": [7], "data": [0.0] * 7},
                                        "rtol": 1e9, "atol": 1e9, "hint": ""}}}
    passed = {"output_type": "stream", "name": "stdout", "text": "[PASS] hidden tests\n"}
    for cell in data["cells"]:
        grade = cell.get("metadata", {}).get("nbgrader", {})
        if grade.get("grade"):
            grade["points"] = 100
            cell["outputs"] = [record, passed]
            cell["execution_count"] = 1
    bonus = {"cell_type": "code", "execution_count": 1, "id": "bonus", "source": 'print("[PASS] bonus")',
             "outputs": [passed],
             "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus_hidden", "points": 100, "locked": True,
                                       "solution": False, "schema_version": 3, "task": False}}}
    twin = {"cell_type": "code", "execution_count": 1, "id": "twin", "outputs": [record],
            "source": 'from dlcourse import grading\ngrading.record("predict(x, phi)", [0.0] * 7)',
            "metadata": {"nbgrader": {"grade": True, "grade_id": "predict_hidden", "points": 3, "locked": True,
                                      "solution": False, "schema_version": 3, "task": False}}}
    data["cells"] += [bonus, twin]
    data["metadata"]["nbgrader"] = {"score": 100, "max_score": 100}
    nbs.write_raw(data, path / nbs.NOTEBOOK)


def _exit_in(cell_source: str) -> Callable[[Path, dict], None]:
    return _writer(lambda ctx: nbs.with_answer(nbs.full(), "squared_error_loss", cell_source))


EXIT_OS = (
    "import os\n_calls = [0]\n\n\n"
    "def squared_error_loss(x, y, phi):\n"
    '    """Right for two calls, then the kernel exits."""\n'
    "    _calls[0] += 1\n"
    "    if _calls[0] > 2:\n"
    "        os._exit(0)\n"
    "    return float(np.sum((phi[0] + phi[1] * x - y) ** 2))\n"
)


# --- (2) ------------------------------------------------------------------------------------


def _symlink_file(path: Path, ctx: dict) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.symlink(nbs.ASSIGNMENT.source_path(), path / nbs.NOTEBOOK)


def _symlink_dir(path: Path, ctx: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(nbs.ASSIGNMENT.source_path().parent, path)


def _flat_named(prefix: str) -> Callable[[Path, dict], None]:
    """A blank notebook at the top of the submissions, named ``<prefix><notebook>``."""
    def build(path: Path, ctx: dict) -> None:
        nbs.write(nbs.release(), path.parent / f"{prefix}{nbs.NOTEBOOK}")
    return build


def _nested(depth: int) -> Callable[[Path, dict], None]:
    def build(path: Path, ctx: dict) -> None:
        nbs.write(nbs.full(), path.joinpath(*["d"] * depth) / nbs.NOTEBOOK)
    return build


def _impersonate(path: Path, ctx: dict) -> None:
    """A file inside the attacker's folder named like another student's flat download."""
    nbs.write(nbs.release(), path / f"mm_victim_{nbs.NOTEBOOK}")


# --- (4) ------------------------------------------------------------------------------------


def _print_source(ctx: dict):
    last = list(nbs.answers())[-1]
    return attack_notebook(ctx, pl.PRINT_SOURCE, extra={last: nbs.blank_answer(last) + pl.PRINT_HISTORY})


# --- (5) ------------------------------------------------------------------------------------


def _big_cell(path: Path, ctx: dict) -> None:
    blob = "_blob = '" + "x" * (3 << 20) + "'\n"
    nbs.write(nbs.with_answer(nbs.release(), "predict", blob + nbs.blank_answer("predict")), path / nbs.NOTEBOOK)


def _many_cells(per_cell: int) -> Callable[[Path, dict], None]:
    def build(path: Path, ctx: dict) -> None:
        notebook = nbs.release()
        at = nbs.index_of(notebook, "predict") + 1
        for i in range(400):
            notebook.cells.insert(at + i, nbformat.v4.new_code_cell(f'print("{i:03d}" + "y" * {per_cell})'))
        nbs.write(notebook, path / nbs.NOTEBOOK)
    return build


def _file_99mib(path: Path, ctx: dict) -> None:
    """A 99 MiB notebook of empty code cells, written without building it in memory."""
    path.mkdir(parents=True, exist_ok=True)
    cell = b'{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ""}'
    head = b'{"cells": ['
    tail = b'], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}'
    count = (99 * 2 ** 20 - len(head) - len(tail)) // (len(cell) + 2)
    with open(path / nbs.NOTEBOOK, "wb") as handle:
        handle.write(head)
        block = b", ".join([cell] * 10_000)
        written = 0
        while written + 10_000 <= count:
            handle.write((b", " if written else b"") + block)
            written += 10_000
        if count - written:
            handle.write((b", " if written else b"") + b", ".join([cell] * (count - written)))
        handle.write(tail)


def _fifo(path: Path, ctx: dict) -> None:
    """A named pipe where the notebook should be: reading it would block forever."""
    path.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path / nbs.NOTEBOOK)


def _deep_json(path: Path, ctx: dict) -> None:
    """Valid JSON nested 200 000 levels deep, which a recursive parser cannot read."""
    path.mkdir(parents=True, exist_ok=True)
    depth = 200_000
    (path / nbs.NOTEBOOK).write_text('{"cells": [], "metadata": {"x": ' + "[" * depth + "]" * depth
                                     + '}, "nbformat": 4, "nbformat_minor": 4}', encoding="utf-8")


# --- (6) ------------------------------------------------------------------------------------


def _html(path: Path, ctx: dict) -> None:
    """Raw HTML in Markdown, in stored outputs of every kind, in metadata, attachments and code."""
    token = ctx["token"]
    block = pl.html_block(token)
    top = f"_HTML = {block!r}\n# </script><script>alert('XSS-{token}-source')</script>\n" + pl.RUNTIME_HTML
    notebook = attack_notebook(ctx, top)
    notebook.cells.insert(2, nbformat.v4.new_markdown_cell(block + "\n\n![att](attachment:evil.svg)"))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'XSS-{token}-svg\')">'
           f"<script>alert('XSS-{token}-svg2')</script></svg>")
    import base64
    notebook.cells[2]["attachments"] = {"evil.svg": {"image/svg+xml": base64.b64encode(svg.encode()).decode()}}
    data = json.loads(nbformat.writes(notebook))
    outputs = [
        {"output_type": "display_data", "metadata": {}, "data": {"text/html": block, "text/plain": "x"}},
        {"output_type": "display_data", "metadata": {}, "data": {"application/javascript": f"alert('XSS-{token}-js')"}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": svg}},
        {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": block}},
        {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/html": block}},
        {"output_type": "stream", "name": "stdout", "text": "</pre>" + block},
        {"output_type": "error", "ename": f"<script>alert('XSS-{token}-ename')</script>",
         "evalue": f"<img src=x onerror=alert('XSS-{token}-evalue')>",
         "traceback": [f"\x1b[31m<script>alert('XSS-{token}-tb')</script>\x1b[0m"]},
    ]
    for cell in data["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = copy.deepcopy(outputs)
            cell["execution_count"] = 3
    data["metadata"]["title"] = f"</title><script>alert('XSS-{token}-title')</script>"
    data["metadata"]["kernelspec"]["display_name"] = f"<script>alert('XSS-{token}-kernel')</script>"
    data["metadata"]["language_info"]["name"] = f"python<script>alert('XSS-{token}-lang')</script>"
    nbs.write_raw(data, path / nbs.NOTEBOOK)


def _ansi_exception(ctx: dict):
    return attack_notebook(ctx, pl.ANSI_EXCEPTION.format(msg=pl.ansi_message(ctx["token"])))


def _csv_formula(path: Path, ctx: dict) -> None:
    """A file name a spreadsheet would run as a formula if grades.csv quoted it as is."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "=HYPERLINK(0)+cmd.txt").write_text("not a notebook", encoding="utf-8")


def _control_filename(path: Path, ctx: dict) -> None:
    nbs.write(nbs.full(), path / f"01_linear_regression\x1b[2J\r\nFORGED-{ctx['token']}.ipynb")


# --- the probe ------------------------------------------------------------------------------


def _probe(ctx: dict):
    return attack_notebook(ctx, pl.PROBE)


# ----------------------------------------------------------------------------------------------


def main_run(per_cell_output: int) -> list[Student]:
    """The students of the one big run: controls, the probe and every attack that leaves the grader alive."""
    full, partial = nbs.max_score(), nbs.max_score() - sum(nbs.points_of(g) for g in nbs.PARTIAL_LOST)
    first = nbs.points_of("predict_hidden")
    exit_kept = nbs.max_score() - nbs.points_of("squared_error_loss_hidden")
    return [
        Student("aa_full", "control", full, True, _on(nbs.full)),
        Student("aa_partial", "control", partial, True, _on(nbs.partial)),
        Student("aa_blank", "control", 0, True, _on(nbs.release)),
        Student("mm_victim", "control", full, True, _on(nbs.full)),
        Student("zz_full", "control", full, True, _on(nbs.full)),
        Student("zz_partial", "control", partial, True, _on(nbs.partial)),
        Student("zz_blank", "control", 0, True, _on(nbs.release)),
        Student("probe", "probe", 0, False, _writer(_probe)),
        # (1) full marks without a solution
        Student("c1_frames", "1 expected values from the test's frames and the heap", 0, False, _attack(pl.FRAMES)),
        Student("c1_rebind_record", "1 rebinding grading.record and the checkers in the test's globals", 0, False,
                _attack(pl.REBIND_RECORD)),
        Student("c1_swap_code", "1 swapping __code__ of grading.record and numpy functions", 0, False,
                _attack(pl.SWAP_CODE)),
        Student("c1_numpy_patch", "1 patching numpy submodules and the seed's hash", 0, False,
                _attack(pl.NUMPY_PATCH)),
        Student("c1_event_callbacks", "1 pre/post_run_cell callbacks forging records, errors swallowed", 0, False,
                _attack(pl.EVENT_CALLBACKS, base="release")),
        Student("c1_thread_repatch", "1 a background thread re-patching grading", 0, False,
                _attack(pl.THREAD_REPATCH)),
        Student("c1_kernel_handler", "1 ipykernel's execute_request handler replaced", 0, False,
                _attack(pl.KERNEL_HANDLER, base="release")),
        Student("c1_ctypes", "1 ctypes writes: record's code pointer, other processes' memory", 0, False,
                _attack(pl.CTYPES)),
        Student("c1_forge_records", "1 forged records: guessed values, duplicates, malformed, huge, display ids",
                0, False, _attack(pl.FORGE_RECORDS)),
        Student("c1_fake_pass", "1 fake [PASS] lines, forged nbgrader metadata and stored outputs", 0, False,
                _fake_pass),
        Student("c1_exit_system", "1 SystemExit inside a tested function (honest elsewhere)", exit_kept, False,
                _exit_in("def squared_error_loss(x, y, phi):\n    raise SystemExit(0)\n")),
        Student("c1_exit_keyboard", "1 KeyboardInterrupt inside a tested function (honest elsewhere)", exit_kept,
                False, _exit_in("def squared_error_loss(x, y, phi):\n    raise KeyboardInterrupt\n")),
        Student("c1_exit_os", "1 os._exit in the middle of a hidden test (honest before it)", first, False,
                _exit_in(EXIT_OS)),
        Student("c1_exec_source", "1 finding the instructor notebook and running its solutions", 0, False,
                _attack(pl.EXEC_SOURCE)),
        Student("c1_steal_reference", "1 reading reference or other students' records from disk", 0, False,
                _attack(pl.STEAL_REFERENCE)),
        # (2) other students harmed
        Student("c2_startup_files", "2 startup files, sitecustomize, .pth that poison later kernels", 0, False,
                _attack(pl.STARTUP_FILES)),
        Student("c2_drive_kernels", "2 driving other kernels through their connection files", 0, False,
                _attack(pl.DRIVE_KERNELS)),
        Student("c2_rewrite_disk", "2 rewriting dlcourse, source/, release/, the grader, the venv", 0, False,
                _attack(pl.REWRITE_DISK)),
        Student("c2_daemon", "2 a double-forked daemon tampering with grades.csv, gradebook.db, results", 0, False,
                _attack(pl.DAEMON)),
        Student("c2_overwrite_victim", "2 overwriting another student's submission, adding one", 0, False,
                _attack(pl.OVERWRITE_VICTIM)),
        Student("c2_network", "2 network: the test's TCP/unix listeners, the internet", 0, False,
                _attack(pl.NETWORK)),
        Student("c2_symlink_file", "2 a submission that is a symlink to the instructor notebook", 0, False,
                _symlink_file),
        Student("c2_symlink_dir", "2 a student folder that is a symlink to source/01_linear_regression", 0, False,
                _symlink_dir),
        Student("c2_impersonate", "2 a file named like another student's flat download, in the attacker's folder",
                0, False, _impersonate),
        # (4) hidden tests leaked
        Student("c4_print_source", "4 printing the test's source: frames, linecache, In/_ih, base64, files, errors",
                0, False, _writer(_print_source)),
        Student("c4_read_source", "4 reading source/ through dlcourse's path", 0, False, _attack(pl.READ_SOURCE)),
        Student("c4_forge_type", "4 the test's lines sent as a record's kind/type, which verdicts echo", 0, False,
                _attack(pl.FORGE_TYPE)),
        # (5) resources
        Student("c5_big_cell", "5 a 3 MiB code cell", 0, False, _big_cell),
        Student("c5_many_cells", "5 400 cells each printing near the per-cell cap", 0, False,
                _many_cells(per_cell_output)),
        Student("c5_file_99mib", "5 a 99 MiB notebook of empty cells", 0, False, _file_99mib),
        Student("c5_disk_hog", "5 writing 1.5 GiB to disk", 0, False, _attack(pl.DISK_HOG)),
        Student("c5_memory_hog", "5 allocating memory until stopped", 0, False, _attack(pl.MEMORY_HOG)),
        *[Student(f"c5_{kind}_hog", f"5 memory held in {kind}, invisible to resident-size polling", 0, False,
                  _attack(pl.HIDDEN_MEMORY_HOG.replace("KIND", repr(kind)))) for kind in ("memfd", "sysv_shm", "sockets")],
        Student("c2_keyring", "2 the kernel keyrings: planting, reading and listing keys", 0, False, _attack(pl.KEYRING)),
        Student("mm_victim-flat", "2 a flat file `mm_victim-<notebook>` beside the folder mm_victim/", 0, False,
                _flat_named("mm_victim-")),
        Student(os.fsdecode(b"c2_undecodable\xff"), "2 a folder name that is not UTF-8 (full solution)", 0, False,
                _on(nbs.full)),
        Student("c2_deep", "2 a notebook 40 folders deep", 0, False, _nested(40)),
        Student("c5_fork_flood", "5 a fork flood (1023 processes at most)", 0, False, _attack(pl.FORK_FLOOD)),
        Student("c5_fifo", "5 a named pipe instead of a notebook", 0, False, _fifo),
        Student("c5_message_flood", "5 24 messages of 31 MiB and 8 records of 7 million numbers", 0, False,
                _attack(pl.MESSAGE_FLOOD)),
        Student("c5_deep_json", "5 JSON nested 200 000 levels deep", 0, False, _deep_json),
        # (6) feedback injection
        Student("c6_html", "6 <script>, <img onerror>, remote <link> in Markdown, outputs, metadata", 0, False,
                _html),
        Student("c6_ansi_exception", "6 ANSI escapes and newlines in exception messages and names", 0, False,
                _writer(_ansi_exception)),
        Student("c6_ansi_id\x1b[31mred\x1b[0m", "6 ANSI escapes in a student id (honest full solution)", full, True,
                _on(nbs.full)),
        Student("c6_newline_id\nFORGED-{token},01_linear_regression,01_linear_regression.ipynb,18,18,graded,,True",
                "6 a newline and a forged CSV row in a student id", 0, False, _on(nbs.release)),
        Student("c6_xss_id<img src=x onerror=alert('XSS-{token}-id')>", "6 HTML in a student id", 0, False,
                _on(nbs.release)),
        Student("c6_control_filename", "6 control characters in a file name (full solution)", full, False,
                _control_filename),
        Student("c6_csv_formula", "6 a file name that starts a spreadsheet formula", 0, False, _csv_formula),
        Student("-2+3", "6 a student id that starts with '-' (a formula in a spreadsheet)", 0, False,
                _on(nbs.release)),
        Student("@SUM(1+1)", "6 a student id that starts with '@' (a formula in a spreadsheet)", 0, False,
                _on(nbs.release)),
    ]


def killers_run() -> list[Student]:
    """Attacks that go for the grader itself; graded in a run of their own, resumed if it dies."""
    full, partial = nbs.max_score(), nbs.max_score() - sum(nbs.points_of(g) for g in nbs.PARTIAL_LOST)
    return [
        Student("aa_full", "control", full, True, _on(nbs.full)),
        Student("aa_partial", "control", partial, True, _on(nbs.partial)),
        Student("aa_blank", "control", 0, True, _on(nbs.release)),
        Student("k_kill_parent", "3 SIGKILL/SIGTERM to the parent, pid 1 and the process group", 0, False,
                _attack(pl.KILL_PARENT)),
        Student("k_kill_all", "3 kill -9 -1", 0, False, _attack(pl.KILL_ALL)),
        Student("k_pkill_python", "3 pkill -9 python", 0, False, _attack(pl.PKILL_PYTHON)),
        Student("k_kill_grader", "3 finding the grader's processes and killing them", 0, False,
                _attack(pl.KILL_GRADER)),
        Student("k_sigstop_self", "5 SIGSTOP to itself", 0, False, _attack(pl.SIGSTOP_SELF)),
        Student("k_sigstop_parent", "5 SIGSTOP to its parent, pid 1 and its process group", 0, False,
                _attack(pl.SIGSTOP_PARENT)),
        Student("k_silent_handler", "1 an execute_request handler that never answers", 0, False,
                _attack(pl.SILENT_HANDLER)),
        Student("zz_full", "control", full, True, _on(nbs.full)),
        Student("zz_partial", "control", partial, True, _on(nbs.partial)),
    ]


ZIP_CONTROLS = {"aa_full": "full", "aa_partial": "partial", "aa_blank": "blank", "zz lee": "full", "zz_lee": "partial"}
WRAP = "class"  # learning platforms put every file in one folder


def flag_utf8_with_bad_bytes(data: bytes, name: bytes, bad: bytes) -> bytes:
    """The archive with member ``name`` renamed to ``bad`` (same length) and flagged as UTF-8 in the central directory."""
    data = bytearray(data.replace(name, bad))
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        length = int.from_bytes(data[position + 28:position + 30], "little")
        if bytes(data[position + 46:position + 46 + length]) == bad:
            flags = int.from_bytes(data[position + 8:position + 10], "little") | 0x800
            data[position + 8:position + 10] = flags.to_bytes(2, "little")
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def hashed_id(raw: str) -> str:
    """The id the grader gives a folder whose name cleans to a taken one (what an attacker can compute too)."""
    from autograder.grading.steps.collect_submissions import assign_ids

    ids, _ = assign_ids([("folder", raw), ("folder", raw.replace(" ", "_"))])
    return ids[("folder", raw)]


def build_zip(path: Path, ctx: dict) -> list[tuple[str, str]]:
    """A .zip of submissions in a wrapping folder: five controls and every hostile member name.

    A zip bomb, zip-slip names, an absolute path, a symlink entry, a nested zip, a second member of
    a control's name, a name flagged UTF-8 that is not, a 300-byte name, 1,100 nested folders, a
    file where a folder is, a flat file naming a control, a flat file named like a control's hashed
    id. Returns (member name, what it is) per member.
    """
    token = ctx["token"]
    members: list[tuple[str, str]] = []
    blank = nbformat.writes(nbs.release())
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for student, kind in ZIP_CONTROLS.items():
            notebook = {"full": nbs.full, "partial": nbs.partial, "blank": nbs.release}[kind]()
            name = f"{WRAP}/{student}/{nbs.NOTEBOOK}"
            archive.writestr(name, nbformat.writes(notebook))
            members.append((name, kind))
        bomb = f"{WRAP}/bomb/{nbs.NOTEBOOK}"
        with archive.open(zipfile.ZipInfo(bomb), "w", force_zip64=True) as handle:
            handle.write(b'{"cells": [')
            chunk = b" " * (16 << 20)
            for _ in range(128):  # 2 GiB of JSON whitespace
                handle.write(chunk)
            handle.write(b'], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}')
        members.append((bomb, "bomb"))
        for name in (f"../../escape-{token}/{nbs.NOTEBOOK}", f"/tmp/abs-{token}/{nbs.NOTEBOOK}",
                     f"{WRAP}/slip/../../../escape2-{token}.ipynb", f"{WRAP}/../aa_full/{nbs.NOTEBOOK}",
                     f"/{WRAP}/aa_partial/{nbs.NOTEBOOK}"):
            archive.writestr(name, blank)
            members.append((name, "slip"))
        with warnings.catch_warnings():  # zipfile warns about a name written twice: that is the attack
            warnings.simplefilter("ignore")
            archive.writestr(f"{WRAP}/aa_partial/{nbs.NOTEBOOK}", blank)
        members.append((f"{WRAP}/aa_partial/{nbs.NOTEBOOK}", "duplicate"))
        link = zipfile.ZipInfo(f"{WRAP}/link/{nbs.NOTEBOOK}")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, str(nbs.ASSIGNMENT.source_path()))
        members.append((link.filename, "symlink"))
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_DEFLATED) as nested:
            with nested.open(zipfile.ZipInfo(f"inner/{nbs.NOTEBOOK}"), "w", force_zip64=True) as handle:
                for _ in range(64):
                    handle.write(b" " * (16 << 20))
        archive.writestr(f"{WRAP}/nested/nested.zip", inner.getvalue())
        members.append((f"{WRAP}/nested/nested.zip", "nested"))
        for name, kind in ((f"{WRAP}/badutf8/{nbs.NOTEBOOK}", "undecodable"),
                           (f"{WRAP}/" + "x" * 300 + ".ipynb", "long name"),
                           (f"{WRAP}/" + "/".join(["d"] * 1100) + f"/{nbs.NOTEBOOK}", "deep"),
                           (f"{WRAP}/aa_blank", "file where a folder is"),
                           (f"{WRAP}/aa_full-{nbs.NOTEBOOK}", "flat name of a control"),
                           (f"{WRAP}/{hashed_id('zz lee')}_{nbs.NOTEBOOK}", "flat name of a hashed id")):
            archive.writestr(name, blank)
            members.append((name, kind))
    path.write_bytes(flag_utf8_with_bad_bytes(path.read_bytes(), f"{WRAP}/badutf8/{nbs.NOTEBOOK}".encode(),
                                              f"{WRAP}/bad".encode() + b"\xffutf/" + nbs.NOTEBOOK.encode()))
    return members
