"""Suite-wide settings: fast mode, no stderr from any notebook cell, grouping for pytest-xdist.

* Fast mode: kernels started by nbval and the grader inherit ``DLCOURSE_FAST=1``.
* A notebook cell that nbval executes fails when it writes to stderr (warnings, framework
  start-up logs): students would see a red box.
* Under ``pytest -n 2 --dist loadgroup`` (what ``make test`` runs) the cells of one notebook,
  and the tests that share one instance of a module- or class-scoped fixture, run on the same
  worker: one kernel per notebook, each expensive fixture built once.
* At the end, seconds spent per test file, to balance the suite.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

os.environ.setdefault("DLCOURSE_FAST", "1")
# `make test` runs this suite: the `make` commands that tests run behave as typed in a shell, not as
# sub-makes (which print "Entering directory" lines and inherit the outer make's flags).
for _variable in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"):
    os.environ.pop(_variable, None)

SHARED_SCOPES = ("module", "class", "package")


def _is_notebook_cell(item: pytest.Item) -> bool:
    """A cell that nbval executes (nbval.plugin.IPyNbCell)."""
    return type(item).__module__.startswith("nbval")


def _group_names(item: pytest.Item) -> list[str]:
    """xdist groups of an item: its notebook, or each shared fixture instance it uses."""
    if _is_notebook_cell(item):
        return [f"notebook-{item.path.name}"]
    names = []
    fixture_info = getattr(item, "_fixtureinfo", None)
    callspec = getattr(item, "callspec", None)
    for fixture in getattr(item, "fixturenames", ()):
        definitions = fixture_info.name2fixturedefs.get(fixture) if fixture_info else None
        if not definitions or definitions[-1].scope not in SHARED_SCOPES:
            continue
        if not definitions[-1].baseid.split("::", 1)[0].endswith(".py"):
            continue  # fixtures of conftest files and plugins serve many modules: keep those spread out
        param = ""
        if callspec is not None and fixture in callspec.params:
            value = callspec.params[fixture]
            param = f"[{getattr(value, 'id', value)}]"
        names.append(f"{item.path.name}::{fixture}{param}")
    return [re.sub(r"[^\w.-]+", "-", name).strip("-") for name in names]  # xdist splits node ids at "@" and "]"


def _rename(item: pytest.Item, nodeid: str) -> None:
    """Give ``item`` a new node id (pytest 9.2 keeps it in ``_id``; older versions in ``_nodeid``)."""
    try:
        from _pytest.nodeid import NodeId
    except ImportError:
        item._nodeid = nodeid
    else:
        item._id = NodeId.parse(nodeid)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    loadgroup = getattr(config.option, "loadgroup", False)  # set in xdist workers under --dist loadgroup
    for item in items:
        names = _group_names(item)
        for name in names:
            item.add_marker(pytest.mark.xdist_group(name))
        # xdist 3.8 sends an item to its group's worker by the "@group" suffix of its node id, which it
        # writes to item._nodeid; pytest 9.2 reads node ids from item._id, so the suffix is set here.
        # xdist takes the text after the last "@" as the group, so a parameter id holding "@" still
        # gets this suffix; the check only stops a second renaming.
        suffix = "@" + "_".join(sorted(names))
        if names and loadgroup and not item.nodeid.endswith(suffix):
            _rename(item, item.nodeid + suffix)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Under pytest-xdist, worker gw0 starts tests/test_pins.py's resolution of the pins as soon as
    the tests are collected (minutes of network waits, little CPU), so that it overlaps the others."""
    workerinput = getattr(session.config, "workerinput", None)
    if workerinput is None or workerinput.get("workerid") != "gw0":
        return
    if any(item.path.name == "test_pins.py" and "resolve" in item.name for item in session.items):
        import importlib.util

        spec = importlib.util.spec_from_file_location("pins", Path(__file__).parent / ".ci" / "pins.py")
        pins = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(pins)
        pins.start_in_background(pins.background_folder(workerinput["testrunuid"]))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    if _is_notebook_cell(item):
        for output in getattr(item, "test_outputs", None) or []:
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                pytest.fail(f"the cell wrote to stderr (students see a red box): {output.get('text', '')[:500]!r}",
                            pytrace=False)
    return result


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Seconds per test file (setup, call and teardown of every test in it), slowest first."""
    per_file: dict[str, float] = defaultdict(float)
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) in ("setup", "call", "teardown") and hasattr(report, "duration"):
                per_file[report.nodeid.split("::", 1)[0]] += report.duration
    if len(per_file) < 2:
        return
    terminalreporter.write_sep("=", "seconds per test file (summed over tests, all workers)")
    for path, seconds in sorted(per_file.items(), key=lambda kv: -kv[1])[:30]:
        terminalreporter.write_line(f"{seconds:8.1f} s  {path}")
