"""Feedback pages: the student's own cells and the grader's verdicts, escaped, no scripts or remote loads."""

from html.parser import HTMLParser

import nbformat

from autograder.execution.settings import GradingSettings
from autograder.grading.context import GradingContext
from autograder.grading.steps.match_cells import CellMatches
from autograder.grading.steps.write_error_feedback import WriteErrorFeedback
from autograder.grading.steps.write_feedback import MAX_PAGE_CHARS, WriteFeedback
from autograder.grading.submission import CellResult, Submission, SubmissionState
from autograder.grading.template import AssignmentTemplate, NotebookTemplate, TemplateCell

NAME = "01.ipynb"
TEMPLATE = NotebookTemplate(NAME, (
    TemplateCell("code", "answer", "f", "def f(): ...", "def f(): ...", {}),
    TemplateCell("code", "test", "f_hidden", "hidden", "### BEGIN HIDDEN TESTS\nsecret", {}, 3.0),
))
CONTEXT = GradingContext(template=AssignmentTemplate("01", {NAME: TEMPLATE}), settings=GradingSettings())


class Tags(HTMLParser):
    """Every tag and attribute name of a page, as a browser would parse them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags, self.attributes = set(), set()
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


def feedback(tmp_path, sources, cells, pairs=(0, 1), status="graded", error=""):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    state = SubmissionState(submission=Submission("bob", None, "bob/01.ipynb", NAME, "01"), out=tmp_path,
                            notebook=notebook, matches=CellMatches(pairs=tuple(pairs), extras={}), cells=cells,
                            status=status, error=error)
    WriteFeedback(CONTEXT).run(state)
    return state.feedback_path.read_text(encoding="utf-8")


def test_markup_in_the_submission_is_shown_as_text_and_no_script_or_remote_load_is_possible(tmp_path):
    evil = '<script>alert(1)</script><img src="http://evil/x.png"><iframe src=//evil></iframe>\x1b[31m'
    page = feedback(tmp_path, [f"def f():\n    return '{evil}'", "hidden"],
                    [CellResult("f_hidden", 0.0, 3.0, False, "f(x) is '<b>x</b>', which does not match.")])
    parsed = Tags(page)
    assert not parsed.tags & {"script", "img", "iframe", "link", "object", "embed", "b"}
    assert not parsed.attributes & {"src", "href", "onload", "onerror"}
    assert "&lt;script&gt;" in page and "&lt;b&gt;x&lt;/b&gt;" in page and "\x1b" not in page
    assert "default-src 'none'" in page


def test_verdicts_appear_in_the_table_and_under_the_matched_cell(tmp_path):
    page = feedback(tmp_path, ["def f(): return 1", "hidden"],
                    [CellResult("f_hidden", 0.0, 3.0, False, "f(x) has the sign flipped."),
                     CellResult("f_examples", 0.0, 0.0, True)])
    assert "Score: 0 / 3 points" in page and page.count("has the sign flipped") == 2
    assert "visible check, no points" in page
    assert "BEGIN HIDDEN TESTS" not in page  # only what the student sent is shown


def test_huge_cells_and_pages_are_cut(tmp_path):
    page = feedback(tmp_path, ["x" * 3_000_000] + ["y" * 19_000] * 300, [], pairs=(None, None))
    assert len(page) < MAX_PAGE_CHARS + 100_000 and "more characters not shown" in page and "more cells not shown" in page


def test_a_run_that_stopped_early_says_why(tmp_path):
    page = feedback(tmp_path, ["def f(): ..."], [], pairs=(0, None), status="error", error="the kernel crashed (SIGSEGV)")
    assert "Grading stopped early" in page and "SIGSEGV" in page


def test_error_page_escapes_the_reason(tmp_path):
    state = SubmissionState(submission=Submission("bob", None, "<b>bob</b>.ipynb", None, "bob"), out=tmp_path,
                            error="<script>x</script> is not a notebook")
    WriteErrorFeedback(CONTEXT).run(state)
    page = state.feedback_path.read_text(encoding="utf-8")
    assert "<script>x" not in page and "&lt;b&gt;bob" in page
