"""The in-kernel guard's helpers: what it watches and how its answers are read."""

import ast

from autograder.guard import imported_modules, install_source, marker_line, unwrap_expression


def test_test_cell_imports_of_numpy_and_dlcourse_are_watched_but_not_frameworks():
    sources = ["import numpy as np\nfrom dlcourse.checks import check_close", "import torch\nfrom . import x", "def ("]
    assert imported_modules(sources) == ["dlcourse.checks", "numpy"]


def test_install_source_is_valid_python_and_watches_the_defaults():
    source = install_source(["dlcourse.gradcheck"])
    ast.parse(source)
    assert "'dlcourse.gradcheck'" in source and "'numpy'" in source


def test_marker_line_prints_through_builtins():
    assert marker_line("m-1") == "\n__builtins__.print('m-1')"


def test_expression_answers_are_unwrapped_or_explained():
    ok = {"content": {"status": "ok", "user_expressions": {"g": {"status": "ok", "data": {"text/plain": "'ok'"}}}}}
    assert unwrap_expression(ok, "g") == "ok"
    assert unwrap_expression(None, "g") == "no reply from the kernel"
    missing = {"content": {"status": "ok", "user_expressions": {}}}
    assert unwrap_expression(missing, "g") == "guard did not answer"
    failed = {"content": {"status": "ok", "user_expressions": {"g": {"status": "error", "ename": "KeyError", "evalue": "x"}}}}
    assert unwrap_expression(failed, "g") == "guard failed: KeyError x"
