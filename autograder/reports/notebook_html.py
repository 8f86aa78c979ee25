"""A student's notebook as safe HTML for their feedback page: Markdown rendered, math drawn, their own outputs.

* Markdown: mistune with raw HTML escaped (and harmful links neutralised), then bleach with an
  allowlist of tags and attributes.
* Math (``$...$``, ``$$...$$``): drawn on the grader's side by matplotlib's mathtext into PNG
  images inlined as ``data:`` URIs, so the page loads nothing; TeX that mathtext cannot draw is
  shown as code. Drawings are cached per process: most formulas are the release's own text.
* Outputs, as the student submitted them: text (escaped), tracebacks (colours removed), PNG and
  JPEG images whose base64 decodes. HTML, SVG, JavaScript and widget outputs are not rendered:
  they are named instead.
"""

from __future__ import annotations

import base64
import binascii
import functools
import io
import re
import secrets

import bleach
import mistune

from autograder.grading.sanitize import escaped, plain

MAX_TEXT_CHARS = 20_000
MAX_IMAGE_BYTES = 1_500_000
MAX_FORMULA_CHARS = 500
# No <img> from Markdown (a remote image would be a tracking pixel); formulas are added after cleaning.
ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "code", "pre", "ul", "ol", "li", "a",
                "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "del"}
ALLOWED_ATTRIBUTES = {"a": ["href"]}
IMAGE_TYPES = ("image/png", "image/jpeg")
MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$", re.S)
_markdown = mistune.create_markdown(escape=True, plugins=["strikethrough", "table"])


# TeX that mathtext does not know, rewritten to what it does (a bold phi still draws, unbolded).
MATHTEXT_REWRITES = (
    (re.compile(r"\\boldsymbol\s*(\\[A-Za-z]+|[A-Za-z])"), r"\\mathbf{\1}"), (re.compile(r"\\boldsymbol"), r"\\mathbf"),
    (re.compile(r"\\[td]frac"), r"\\frac"), (re.compile(r"\\frac\s*([0-9A-Za-z])\s*([0-9A-Za-z])"), r"\\frac{\1}{\2}"),
    (re.compile(r"\\(?:text|textrm|operatorname)\s*\{"), r"\\mathrm{"),
    (re.compile(r"\\[Bb]igg?[lr]?(?![A-Za-z])"), ""), (re.compile(r"\\ge(?![A-Za-z])"), r"\\geq"),
    (re.compile(r"\\le(?![A-Za-z])"), r"\\leq"), (re.compile(r"\s*\n\s*"), " "),
    (re.compile(r"\\mathbf\s*(\\[A-Za-z]+|[A-Za-z0-9])"), r"\\mathbf{\1}"), (re.compile(r"\\top(?![A-Za-z])"), "T"),
    (re.compile(r"\\qquad(?![A-Za-z])"), r"\\quad\\quad"),
)


def mathtext_tex(tex: str) -> str:
    """``tex`` in the dialect of matplotlib's mathtext."""
    for pattern, replacement in MATHTEXT_REWRITES:
        tex = pattern.sub(replacement, tex)
    return tex.strip()


@functools.lru_cache(maxsize=4096)
def math_image(tex: str, display: bool) -> str | None:
    """``<img>`` of a formula drawn by mathtext, or None when mathtext cannot draw it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import mathtext

    if len(tex) > MAX_FORMULA_CHARS:
        return None
    buffer = io.BytesIO()
    try:
        mathtext.math_to_image(f"${mathtext_tex(tex)}$", buffer, dpi=110, format="png")
    except Exception:  # mathtext knows a subset of TeX; the rest is shown as code
        return None
    data = base64.b64encode(buffer.getvalue()).decode()
    kind = "math display" if display else "math"
    return f'<img class="{kind}" alt="{escaped(tex)}" src="data:image/png;base64,{data}">'


def markdown_html(source: str) -> str:
    """A Markdown cell as sanitised HTML, its formulas as images (or code where they cannot be drawn)."""
    token = secrets.token_hex(8)
    formulas: list[tuple[str, bool]] = []

    def hold(match: re.Match) -> str:
        formulas.append((match.group(1) or match.group(2), match.group(1) is not None))
        return f"MATH{token}N{len(formulas) - 1}E"

    held = MATH.sub(hold, source[:MAX_TEXT_CHARS])
    html = bleach.clean(_markdown(held), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        protocols={"http", "https", "mailto"}, strip=True)

    def draw(match: re.Match) -> str:
        tex, display = formulas[int(match.group(1))]
        image = math_image(tex, display)
        return image if image else f"<code>{escaped(('$$%s$$' if display else '$%s$') % tex)}</code>"

    drawn = re.sub(f"MATH{token}N(\\d+)E", draw, html)
    return f'<div class="md">{drawn}</div>'


def _text(value) -> str:
    text = "".join(value) if isinstance(value, list) else str(value)
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS] + f"\n... ({len(text) - MAX_TEXT_CHARS} more characters not shown)"
    return text


def _image(kind: str, payload) -> str | None:
    encoded = "".join(payload) if isinstance(payload, list) else payload
    if not isinstance(encoded, str) or len(encoded) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        return None
    try:
        raw = base64.b64decode(encoded.replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    magic = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}[kind]
    if not raw.startswith(magic):
        return None
    return f'<img class="output" alt="an image your code drew" src="data:{kind};base64,{base64.b64encode(raw).decode()}">'


def output_html(output) -> str:
    """One output of the student's cell, safe to show."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre class='out'>{escaped(_text(output.get('text', '')))}</pre>"
    if kind == "error":
        lines = _text("\n".join(str(line) for line in output.get("traceback") or []))
        return f"<pre class='out err'>{escaped(lines) or escaped(plain(output.get('ename', 'error')))}</pre>"
    data = output.get("data") or {}
    for image_type in IMAGE_TYPES:
        if image_type in data:
            image = _image(image_type, data[image_type])
            if image:
                return image
    if "text/plain" in data:
        return f"<pre class='out'>{escaped(_text(data['text/plain']))}</pre>"
    shown = ", ".join(sorted(str(k) for k in data))[:200]
    return f"<p class='out'><em>(an output of type {escaped(shown) or 'unknown'}, not shown here)</em></p>"


def cell_html(cell, max_chars: int = MAX_TEXT_CHARS, outputs: list | None = None) -> str:
    """A cell as the student submitted it: Markdown rendered, code as escaped text with ``outputs``
    (the outputs the student saved; default: the cell's own)."""
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    if cell.get("cell_type") == "markdown":
        return markdown_html(source)
    text = source if len(source) <= max_chars else (
        source[:max_chars] + f"\n... ({len(source) - max_chars} more characters not shown)")
    shown = "".join(output_html(o) for o in (cell.get("outputs", []) if outputs is None else outputs)
                    if isinstance(o, dict))
    return f"<pre class='code'>{escaped(text)}</pre>{shown}"


def count_drawn(paths) -> tuple[int, int, list[str]]:
    """(formulas, drawn, the TeX of those not drawn) over the Markdown cells of the notebooks at ``paths``."""
    import json

    formulas = []
    for path in paths:
        for cell in json.loads(open(path, encoding="utf-8").read()).get("cells", []):
            if cell.get("cell_type") == "markdown":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                formulas += [(m.group(1) or m.group(2), m.group(1) is not None) for m in MATH.finditer(source)]
    undrawn = [tex for tex, display in formulas if math_image(tex, display) is None]
    return len(formulas), len(formulas) - len(undrawn), undrawn


if __name__ == "__main__":  # python -m autograder.reports.notebook_html release/*/*.ipynb
    import sys

    total, drawn, undrawn = count_drawn(sys.argv[1:])
    print(f"{drawn} of {total} formulas drawn by mathtext; shown as TeX: {len(undrawn)}")
    for tex in undrawn:
        print("  " + " ".join(tex.split())[:120])
