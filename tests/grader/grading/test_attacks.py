"""Hostile submissions of notebook 01 against `python -m autograder grade`, next to honest ones.

Three grading runs, each shared by its tests:
- the main run (--jobs 2): honest controls, an isolation probe and every attack that should leave
  the grader alive: forged results, sandbox escapes, leaks of the hidden tests, resource hogs,
  feedback injection;
- the killers run: attacks on the grader's processes (kill, pkill, SIGSTOP, a kernel that never
  answers); the test also SIGKILLs the grader's main process once some results are stored, then
  resumes the run with the same command until every row is there;
- the zip run: a .zip of submissions with a zip bomb, zip-slip names, a symlink entry, a nested zip.

Each test checks one promise: an attacker scores at most what its honest part earns (usually 0)
and reports no HOLE line; every honest student keeps exactly their score; every input file has a
row; nothing outside the run's output changed; no process of the run survives it; the grader's own
processes stay under 1 GiB; feedback holds no hidden-test line, solution line, expected value or
active HTML; grades.csv and the console hold no control characters.

Safety: the attacks are written to stay harmless if a sandbox fails (see tests/attacks/payloads.py),
and the fixtures remove whatever an escaped attack left behind, after recording it as a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.authoring.course import REPO_ROOT
from autograder.execution.settings import GradingSettings
from tests.attacks import catalog
from tests.attacks import inspect_run as ir
from tests.attacks import notebooks as nbs

TOKEN = "atk" + secrets.token_hex(5)
SEED = "seed-" + secrets.token_hex(8)
GiB = 1 << 30
MAIN = catalog.main_run(per_cell_output=int(GradingSettings().max_output_bytes * 0.95))
KILLERS = catalog.killers_run()


def student_id(student: catalog.Student) -> str:
    return student.id.replace("{token}", TOKEN)


@dataclass
class Run:
    """One grading run of a folder (or .zip) of submissions, with what the test saw around it."""

    submissions: Path
    out: Path
    invocations: list[ir.Invocation]
    rows: list[dict]
    inputs: int
    outputs: dict[str, str]  # student folder -> output text of their autograded notebook
    survivors: list[str]
    traces: list[str]  # files an escaped attack left outside the run (removed again)
    private_changes: list[str]  # changes to the submissions and an earlier run's output
    late_changes: list[str]  # output files that changed after the grader had finished
    listener_hits: list[str] = field(default_factory=list)
    survivors_after_kill: list[str] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        return "".join(i.stdout for i in self.invocations)

    @property
    def stderr(self) -> str:
        return "".join(i.stderr for i in self.invocations)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A folder named after the token, and the listeners attacks must not reach."""
    base = tmp_path_factory.mktemp(f"attacks-{TOKEN}-")
    listeners = ir.Listeners(TOKEN)
    ctx = {
        "token": TOKEN,
        "host_pidns": ir.HOST_PIDNS,
        "port": listeners.port,
        "host_ip": ir.host_ip(),
        "unix": listeners.unix_path,
        "abstract": listeners.abstract,
        "repo_guesses": sorted({str(REPO_ROOT), "/work/main", "/work", "/repo", "/course"}),
        "hidden_paths": [str(REPO_ROOT / p) for p in ("source", "autograder", ".git", "tests", "course")]
        + [str(base), "/tmp/pytest-of-root", os.path.expanduser("~/.ssh")],
    }
    yield base, ctx, listeners
    listeners.close()


def _decoy_output(folder: Path) -> None:
    """An earlier run's output folder, which no kernel of this run may touch."""
    (folder / "results").mkdir(parents=True)
    (folder / "feedback" / "someone").mkdir(parents=True)
    row = "someone,01_linear_regression,x.ipynb,9,21,graded,,True"
    (folder / "grades.csv").write_text(",".join(ir.COLUMNS) + "\n" + row + "\n")
    (folder / "results" / "someone.json").write_text('{"score": 9}')
    (folder / "feedback" / "someone" / "x.html").write_text("<p>ok</p>")
    db = sqlite3.connect(folder / "gradebook.db")
    db.execute("create table grade (student text, score real)")
    db.execute("insert into grade values ('someone', 9)")
    db.commit()
    db.close()


def _grade(base: Path, name: str, submissions: Path, extra: list[str], timeout: float,
           kill_first_when=None, resumes: int = 0, expected_rows: int | None = None) -> Run:
    """Grade, watch, wait for late tampering, collect every trace; resume up to ``resumes`` times."""
    out = base / f"out-{name}-{TOKEN}"
    decoy = base / f"old-out-{name}-{TOKEN}"
    _decoy_output(decoy)
    private_before = {"submissions": ir.snapshot(submissions) if submissions.is_dir() else {},
                      "decoy": ir.snapshot(decoy)}
    shared = [(p, 8) for p in ir.SHARED_PLACES] + [(p, 3) for p in ir.host_places()]
    invocations = [ir.run_grader(submissions, out, SEED, extra, timeout, kill_when=kill_first_when)]
    survivors_after_kill = ir.survivors([invocations[0].watch], TOKEN) if kill_first_when else []
    if survivors_after_kill:
        ir.kill_leftovers([invocations[0].watch], TOKEN)
    while resumes and (expected_rows is None or len(ir.read_rows(out)) < expected_rows
                       or invocations[-1].returncode != 0):
        invocations.append(ir.run_grader(submissions, out, SEED, extra, timeout))
        resumes -= 1
    finished = {k: v for k, v in ir.snapshot(out).items() if not k.startswith(("kernels", "run"))}
    time.sleep(8)  # a daemon that escaped has had time to strike
    later = {k: v for k, v in ir.snapshot(out).items() if not k.startswith(("kernels", "run"))}
    watches = [i.watch for i in invocations]
    left = ir.survivors(watches, TOKEN)
    ir.kill_leftovers(watches, TOKEN)
    traces = [p for place, depth in shared for p in ir.token_traces(TOKEN, [place], depth)
              if not str(p).startswith(f"/tmp/attack-{TOKEN}.sock")]  # the test's own listener
    ir.remove_traces(TOKEN, traces)
    private_after = {"submissions": ir.snapshot(submissions) if submissions.is_dir() else {},
                     "decoy": ir.snapshot(decoy)}
    private = [f"{k}/{c}" for k in private_before for c in ir.changed(private_before[k], private_after[k])]
    stats = [{"returncode": i.returncode, "started_at": round(i.started_at), "wall_s": round(i.wall, 1),
              "killed_by_test": i.killed_by_test,
              "peak_rss_mib": i.watch.peak_rss >> 20, "peak_hwm_mib": max(i.watch.peak_hwm.values(), default=0) >> 20,
              "peak_disk_mib": i.watch.peak_disk >> 20, "peak_processes": i.watch.peak_processes}
             for i in invocations]
    (base / f"{name}-stats.json").write_text(json.dumps(stats, indent=1))
    return Run(submissions=submissions, out=out, invocations=invocations, rows=ir.read_rows(out),
               inputs=ir.input_entries(submissions) if submissions.is_dir() else 0,
               outputs=ir.autograded_outputs(out), survivors=left, traces=[str(t) for t in traces],
               private_changes=private,
               late_changes=ir.changed(finished, later), survivors_after_kill=survivors_after_kill)


def _limits(options: str, cell_timeout: int, notebook_timeout: int = 120) -> list[str]:
    """Shorter limits than the defaults (300 s a cell), so attacks that hang a cell cost less time."""
    limits = []
    if "--cell-timeout" in options:
        limits += ["--cell-timeout", str(cell_timeout)]
    if "--notebook-timeout" in options:
        limits += ["--notebook-timeout", str(notebook_timeout)]
    return limits


@pytest.fixture(scope="module")
def main_run(workspace):
    base, ctx, listeners = workspace
    submissions = base / f"subs-{TOKEN}"
    for student in MAIN:
        student.build(submissions / student_id(student), ctx)
    # 2 GiB per notebook: notebook 01 needs a few hundred MiB; the hogs then stop well before the machine fills
    run = _grade(base, "main", submissions, _limits(ir.grader_help(), 25) + ["--memory-mb", "2048"], timeout=1800)
    run.listener_hits = list(listeners.hits)
    return run


@pytest.fixture(scope="module")
def killers_run(workspace):
    base, ctx, listeners = workspace
    submissions = base / f"subs-killers-{TOKEN}"
    for student in KILLERS:
        student.build(submissions / student_id(student), ctx)

    def some_results_stored(out: Path) -> bool:
        results = out / "results"
        return results.is_dir() and sum(1 for _ in results.rglob("*") if _.is_file()) >= 3

    options = ir.grader_help()
    return _grade(base, "killers", submissions, _limits(options, 15, notebook_timeout=40), timeout=900,
                  kill_first_when=some_results_stored, resumes=3, expected_rows=len(KILLERS))


@pytest.fixture(scope="module")
def zip_run(workspace):
    base, ctx, listeners = workspace
    archive = base / f"subs-zip-{TOKEN}.zip"
    members = catalog.build_zip(archive, ctx)
    run = _grade(base, "zip", archive, [], timeout=900)
    run.inputs = len(members)
    return run, members


def _row(run: Run, student: catalog.Student) -> dict | None:
    return ir.row_of(run.rows, student_id(student))


def _outputs(run: Run, student: catalog.Student) -> str:
    sid = student_id(student)
    return run.outputs.get(sid) or next((t for s, t in run.outputs.items() if s.startswith(sid[:8])), "")


# --- the main run ---------------------------------------------------------------------------


def test_main_run_finishes(main_run):
    last = main_run.invocations[-1]
    assert last.returncode == 0, f"grader exited {last.returncode}\n{last.stdout[-3000:]}\n{last.stderr[-12000:]}"


def test_main_every_input_file_has_a_row(main_run):
    ids = [r["student_id"] for r in main_run.rows]
    assert len(main_run.rows) == main_run.inputs, f"{len(main_run.rows)} rows for {main_run.inputs} files: {ids}"
    missing = [student_id(s) for s in MAIN if _row(main_run, s) is None]
    assert not missing, f"no row for {missing!r}"


@pytest.mark.parametrize("student", [s for s in MAIN if s.exact], ids=lambda s: s.id.split("\x1b")[0])
def test_main_honest_student_keeps_exact_score(main_run, student):
    row = _row(main_run, student)
    assert row is not None, f"no row for {student_id(student)!r}"
    assert ir.score(row) == student.allowed, f"{student.id}: {row}"
    assert row["status"] == "graded" and row["sandboxed"].lower() in ("true", "1", "yes"), row
    twins = [r for r in main_run.rows if r["student_id"] == row["student_id"]]
    assert len(twins) == 1, f"{len(twins)} rows carry this student's id: {twins}"


@pytest.mark.parametrize("student", [s for s in MAIN if not s.exact and s.attack != "probe"],
                         ids=lambda s: s.id.split("\n")[0].split("<")[0])
def test_main_attack_fails(main_run, student):
    """The attacker scores at most its honest part, and its code reports no HOLE."""
    row = _row(main_run, student)
    holes = ir.holes({student.id: _outputs(main_run, student)}, TOKEN)
    problems = []
    if row is None:
        problems.append("no row in grades.csv")
    elif (ir.score(row) or 0) > student.allowed:
        problems.append(f"scored {row['score']} > {student.allowed}: {row}")
    if holes:
        problems.append(f"HOLE lines: {holes}")
    assert not problems, f"{student.attack}: " + "; ".join(problems)


PROBE_CHECKS = {
    "unprivileged_uid": lambda f: f["euid"] != 0 and all(
        line.split()[1] != "0" for line in f["uid_map"].splitlines() if len(line.split()) == 3),
    "own_pid_namespace": lambda f: f["ns_pid"] != ir.HOST_PIDNS and not any("autograder" in p for p in f["processes"]),
    "own_net_namespace": lambda f: f["ns_net"] != os.readlink("/proc/self/ns/net") and not f["reached_listener"]
    and set(f["interfaces"] or []) <= {"lo"},
    "own_ipc_namespace": lambda f: f["ns_ipc"] != os.readlink("/proc/self/ns/ipc"),
    "own_mount_namespace": lambda f: f["ns_mnt"] != os.readlink("/proc/self/ns/mnt"),
    "nothing_of_the_repo_visible": lambda f: not any(f["paths"].values()),
    "read_only_environment": lambda f: not any(v for k, v in f["writable"].items()
                                                if k not in (f["cwd"], f["home"], "/tmp")),
    "no_capabilities": lambda f: int(f.get("cap_eff") or "0", 16) == 0,
    "rlimits": lambda f: all(f["rlimits"][n][0] not in (-1, None) for n in ("RLIMIT_NPROC", "RLIMIT_FSIZE")),
    "bounded_scratch": lambda f: all(v is not None and v <= 2 * GiB for v in f["space"].values()),
}


@pytest.mark.parametrize("prop", sorted(PROBE_CHECKS))
def test_main_sandbox_probe(main_run, prop):
    facts = ir.probe_facts(main_run.outputs)
    assert facts is not None, f"the probe's PROBE line is not in autograded/probe: {list(main_run.outputs)[:5]}"
    assert PROBE_CHECKS[prop](facts), {k: facts.get(k) for k in (
        "uid", "euid", "uid_map", "ns_pid", "ns_net", "ns_ipc", "ns_mnt", "processes", "paths", "writable",
        "cap_eff", "rlimits", "space", "interfaces", "reached_listener")}


def test_main_no_process_survives(main_run):
    assert not main_run.survivors, "\n".join(main_run.survivors)


def test_main_grader_memory_under_1_gib(main_run):
    watch = main_run.invocations[0].watch
    biggest = max(watch.peak_hwm.items(), key=lambda kv: kv[1], default=(0, 0))
    assert watch.peak_rss < GiB and biggest[1] < GiB, (
        f"grader processes peaked at {watch.peak_rss / GiB:.2f} GiB together; largest VmHWM "
        f"{biggest[1] / GiB:.2f} GiB (pid {biggest[0]}: {watch.cmdlines.get(biggest[0], '')[:120]})")


def test_main_grader_disk_use_bounded(main_run):
    """A 1.5 GiB disk hog and a 99 MiB file leave the grader's own folders small."""
    disk = main_run.invocations[0].watch.peak_disk
    assert disk < GiB, f"the grader's temporary and output folders reached {disk / GiB:.2f} GiB"


def test_main_nothing_outside_the_run_changed(main_run):
    problems = main_run.private_changes + [f"left behind: {t}" for t in main_run.traces]
    assert not problems, "\n".join(problems)


def test_main_outputs_do_not_change_after_the_run(main_run):
    assert not main_run.late_changes, "\n".join(main_run.late_changes)


def test_main_network_listeners_not_reached(main_run):
    assert not main_run.listener_hits, main_run.listener_hits


def test_main_feedback_exists_for_every_graded_row(main_run):
    pages = ir.feedback_files(main_run.out)
    assert len(pages) >= sum(1 for r in main_run.rows if r["status"] == "graded"), [p.name for p in pages]


def test_main_no_secret_in_feedback_or_grades(main_run):
    """No hidden-test line, solution line or expected value in any feedback page or in grades.csv."""
    facts = ir.probe_facts(main_run.outputs) or {}
    forms = ir.value_forms(ir.reference_values(facts.get("seed") or SEED))
    secret = nbs.secret_lines()
    assert secret and forms
    own = {}
    for folder in main_run.submissions.iterdir():
        files = list(folder.glob("*.ipynb")) if folder.is_dir() and not folder.is_symlink() else []
        own[folder.name] = "\n".join(ir.own_text(f) for f in files)
    found = []
    for page in ir.feedback_files(main_run.out):
        folder = ir.folder_for(page.parent.name, list(own))
        for leak in ir.leaks(page.read_text(encoding="utf-8", errors="replace"), secret, forms, own.get(folder, "")):
            found.append(f"{page.relative_to(main_run.out)}: {leak}")
    csv_text = "\n".join(" ".join(row.values()) for row in main_run.rows)
    found += [f"grades.csv: {leak}" for leak in ir.leaks(csv_text, secret, forms, "")]
    found += [f"console: {leak}" for leak in ir.leaks(main_run.stdout + main_run.stderr, secret, forms, "")]
    assert not found, "\n".join(found[:40])


def test_main_no_active_html_in_feedback(main_run):
    found = []
    for page in ir.feedback_files(main_run.out):
        for problem in ir.active_content(page.read_text(encoding="utf-8", errors="replace"), TOKEN):
            found.append(f"{page.relative_to(main_run.out)}: {problem}")
    assert not found, "\n".join(found[:40])


def test_main_grades_csv_is_clean(main_run):
    path = main_run.out / "grades.csv"
    raw = path.read_text(encoding="utf-8", errors="replace")
    rows = main_run.rows
    assert list(rows[0]) == ir.COLUMNS, list(rows[0])
    dirty = [(r["student_id"][:40], k) for r in rows for k, v in r.items() if v and ir.CONTROL.search(v)]
    assert not dirty, f"control characters in {dirty}"
    assert len(raw.splitlines()) == len(rows) + 1, "a field spans several lines"
    forged = [line for line in raw.splitlines() if line.startswith("FORGED")]
    assert not forged, forged
    formulas = [(r["student_id"], k, v[:40]) for r in rows for k, v in r.items()
                if k in ("student_id", "assignment", "notebook", "status", "message") and v and v[0] in "=+-@\t\r"]
    assert not formulas, f"fields a spreadsheet would run as formulas: {formulas}"


def test_main_console_is_clean(main_run):
    text = main_run.stdout + main_run.stderr
    dirty = [line for line in text.split("\n") if ir.CONTROL.search(line.replace("\t", ""))]
    assert not dirty, dirty[:10]
    forged = [line for line in text.split("\n") if line.lstrip().startswith(("FORGED", "[PASS]"))]
    assert not forged, forged[:10]


def test_main_output_file_names_are_clean(main_run):
    bad = [str(p.relative_to(main_run.out)) for p in main_run.out.rglob("*") if ir.CONTROL.search(p.name)]
    assert not bad, bad


# --- the killers run ------------------------------------------------------------------------


def test_killers_no_process_survives_the_killed_grader(killers_run):
    assert killers_run.invocations[0].killed_by_test, "the grader finished before the test could kill it"
    assert not killers_run.survivors_after_kill, "\n".join(killers_run.survivors_after_kill)


def test_killers_resume_completes_every_row(killers_run):
    last = killers_run.invocations[-1]
    assert last.returncode == 0, (f"{len(killers_run.invocations)} invocations; last exited {last.returncode}\n"
                                  f"{last.stderr[-3000:]}")
    assert len(killers_run.rows) == killers_run.inputs == len(KILLERS), [r["student_id"] for r in killers_run.rows]


@pytest.mark.parametrize("student", KILLERS, ids=lambda s: s.id)
def test_killers_scores(killers_run, student):
    row = _row(killers_run, student)
    assert row is not None, f"no row for {student.id}"
    holes = ir.holes({student.id: _outputs(killers_run, student)}, TOKEN)
    if student.exact:
        assert ir.score(row) == student.allowed and row["status"] == "graded", row
    else:
        assert (ir.score(row) or 0) <= student.allowed and not holes, (row, holes)


def test_killers_no_process_survives(killers_run):
    assert not killers_run.survivors, "\n".join(killers_run.survivors)


def test_killers_nothing_outside_the_run_changed(killers_run):
    problems = killers_run.private_changes + [f"left behind: {t}" for t in killers_run.traces]
    assert not problems, "\n".join(problems)


def test_killers_grader_memory_under_1_gib(killers_run):
    peaks = [i.watch.peak_rss for i in killers_run.invocations]
    assert all(peak < GiB for peak in peaks), [f"{peak / GiB:.2f} GiB" for peak in peaks]


# --- the zip run ----------------------------------------------------------------------------


def test_zip_every_member_has_a_row(zip_run):
    run, members = zip_run
    assert run.invocations[-1].returncode == 0, run.invocations[-1].stderr[-3000:]
    assert len(run.rows) == len(members), ([r["student_id"] for r in run.rows], [m for m, _ in members])


def test_zip_scores(zip_run):
    """Controls keep their exact scores, under their own ids, whatever names the other members carry."""
    run, members = zip_run
    full = nbs.max_score()
    partial = full - sum(nbs.points_of(g) for g in nbs.PARTIAL_LOST)
    expected = {"aa_full": full, "aa_partial": partial, "aa_blank": 0, catalog.hashed_id("zz lee"): full,
                "zz_lee": partial}
    for student, points in expected.items():
        rows = [r for r in run.rows if r["student_id"] == student]
        assert len(rows) == 1 and ir.score(rows[0]) == points, (student, rows)
    others = [r for r in run.rows if r["student_id"] not in expected and (ir.score(r) or 0) > 0]
    assert not others, f"hostile members scored: {others}"


def test_zip_hostile_names_each_get_an_error_row_of_their_own(zip_run):
    run, members = zip_run
    controls = {"aa_full", "aa_partial", "aa_blank", catalog.hashed_id("zz lee"), "zz_lee"}
    hostile = [r for r in run.rows if r["student_id"] not in controls]
    assert len(hostile) == len(members) - len(controls)
    messages = " | ".join(r["message"] for r in hostile)
    for words in ("outside the archive", "absolute path", "appears twice", "symbolic link", "not valid UTF-8",
                  "longer than 255 bytes", "also claimed"):
        assert words in messages, words


def test_zip_nothing_written_outside_the_output(zip_run):
    run, members = zip_run
    escaped = [p for p in (run.out.parent.parent, run.out.parent, Path("/tmp"), REPO_ROOT)
               for p in p.glob(f"*escape*{TOKEN}*")] + list(Path("/tmp").glob(f"abs-{TOKEN}"))
    assert not escaped and not run.traces and not run.private_changes, (escaped, run.traces, run.private_changes)


def test_zip_bomb_neither_fills_disk_nor_memory(zip_run):
    run, members = zip_run
    disk = max(i.watch.peak_disk for i in run.invocations)
    assert disk < GiB, f"the grader's temporary and output folders reached {disk / GiB:.2f} GiB"
    assert all(i.watch.peak_rss < GiB for i in run.invocations), [i.watch.peak_rss / GiB for i in run.invocations]


def test_zip_no_process_survives(zip_run):
    run, members = zip_run
    assert not run.survivors, "\n".join(run.survivors)


# --- properties that one grading run cannot show reliably -----------------------------------


def test_sandbox_uids_of_two_workers_never_collide(tmp_path, monkeypatch):
    """Two workers' sandboxes must never share a uid: RLIMIT_NPROC counts per uid, so a fork flood
    holding the limit in one student's sandbox would stop the other student's kernel from starting
    threads. Workers started together get consecutive pids."""
    import itertools

    from autograder.execution import sandbox as sandbox_module

    uids = {}
    for worker_pid in (40_000, 40_001):  # each worker process has its own module state
        monkeypatch.setattr(sandbox_module.os, "getpid", lambda pid=worker_pid: pid)
        monkeypatch.setattr(sandbox_module, "_counter", itertools.count())
        uids[worker_pid] = [sandbox_module.Sandbox(GradingSettings(), tmp_path).uid for _ in range(20)]
    shared = sorted(set(uids[40_000]) & set(uids[40_001]))
    assert not shared, (f"uids {shared[:4]} go to both workers: worker 40000's sandbox "
                        f"#{uids[40_000].index(shared[0]) + 1} and worker 40001's #{uids[40_001].index(shared[0]) + 1}")


def test_forged_too_large_record_does_not_pass():
    """A reference record too large to send (over dlcourse.grading.MAX_ELEMENTS) must not be matched
    by a forged record that only claims the same shape."""
    from autograder.grading.verdict import judge_cell

    reference = [{"name": "weights", "value": {"kind": "too_large", "shape": [500, 500]}, "rtol": 1e-6,
                  "atol": 1e-8, "hint": ""}]
    forged = [{"name": "weights", "value": {"kind": "too_large", "shape": [500, 500]}}]
    assert not judge_cell(reference, forged).passed
