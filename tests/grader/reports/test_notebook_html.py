"""The student's notebook on their feedback page: Markdown and math rendered, their outputs shown, nothing unsafe."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser

import pytest

from autograder.reports.notebook_html import cell_html, markdown_html, output_html


class Parsed(HTMLParser):
    """Tags and their attributes, as a browser would parse them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def test_markdown_is_rendered_and_raw_html_is_not():
    html = markdown_html('## Loss\n\nSome **bold** text <script>alert(1)</script> <img src=x onerror=alert(1)> '
                         '[ok](https://example.org) [bad](javascript:alert(1)) ![pixel](http://evil.example/p.png)')
    tags = Parsed(html).tags
    assert ("h2", {}) in tags and ("strong", {}) in tags
    assert not [t for t, _ in tags if t in ("script", "img")]
    assert {a.get("href") for t, a in tags if t == "a"} <= {"https://example.org", "#harmful-link", None}
    assert "&lt;script&gt;" in html


def test_formulas_are_drawn_as_inline_images_and_undrawable_tex_stays_code():
    html = markdown_html(r'The loss $L = \sum_i r_i^2$, then $$\frac{\partial L}{\partial \phi_0}$$ and '
                         r'$\begin{aligned} a &= b \end{aligned}$ and $x"><script>$')
    images = [a for t, a in Parsed(html).tags if t == "img"]
    assert [a["class"] for a in images] == ["math", "math display"]
    assert all(a["src"].startswith("data:image/png;base64,") for a in images)
    assert images[0]["alt"] == r"L = \sum_i r_i^2"
    assert r"<code>$\begin{aligned} a &amp;= b \end{aligned}$</code>" in html
    assert not [t for t, _ in Parsed(html).tags if t == "script"]


def test_the_students_own_outputs_are_shown_safely():
    png = _png()
    assert output_html({"output_type": "display_data", "data": {"image/png": png, "text/plain": "<Figure>"}}).startswith(
        '<img class="output" alt="an image your code drew" src="data:image/png;base64,')
    assert output_html({"output_type": "stream", "name": "stdout", "text": "[PASS] f\x1b[31m <b>"}) == \
        "<pre class='out'>[PASS] f &lt;b&gt;</pre>"
    assert "(an output of type text/html, not shown here)" in output_html(
        {"output_type": "display_data", "data": {"text/html": "<script>x</script>"}})


@pytest.mark.parametrize("payload", ["not base64 at all!", base64.b64encode(b"GIF89a....").decode(),
                                     base64.b64encode(b"<svg onload=alert(1)>").decode()])
def test_an_image_that_is_not_a_png_is_not_shown_as_one(payload):
    html = output_html({"output_type": "display_data", "data": {"image/png": payload, "text/plain": "fig"}})
    assert html == "<pre class='out'>fig</pre>"


def test_svg_and_widgets_are_named_not_rendered():
    html = output_html({"output_type": "display_data", "data": {
        "image/svg+xml": "<svg onload=alert(1)/>", "application/vnd.jupyter.widget-view+json": {"model_id": "x"}}})
    assert "<svg" not in html and "not shown here" in html


def test_a_code_cell_shows_its_source_as_text_and_its_error_without_colours():
    cell = {"cell_type": "code", "source": "1/0  # <b>", "outputs": [
        {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
         "traceback": ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]}]}
    html = cell_html(cell)
    assert html == ("<pre class='code'>1/0  # &lt;b&gt;</pre>"
                    "<pre class='out err'>ZeroDivisionError: division by zero</pre>")


def test_the_formulas_of_notebook_01_are_drawn_not_left_as_tex():
    """mathtext knows a subset of TeX; the rewrites (\\boldsymbol, \\tfrac, \\text, \\top, ...) cover the course's."""
    from autograder.reports.notebook_html import count_drawn
    from tests.conftest import REPO_ROOT

    total, drawn, undrawn = count_drawn([REPO_ROOT / "release" / "01_linear_regression" / "01_linear_regression.ipynb"])
    assert total > 30 and drawn == total, undrawn
