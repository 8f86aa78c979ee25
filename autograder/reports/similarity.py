"""Which students' answers look alike: copydetect's winnowing (the fingerprinting MOSS uses) over answer cells only.

Only the code of the answer cells is compared (the cells marked as solutions, as the grader placed
them in each autograded notebook), with the release's starter code of those cells (signatures,
docstrings, ``raise NotImplementedError()``) removed as boilerplate: never the tests or the rest of
the notebook. copydetect tokenises the code with Pygments and replaces names, so renamed variables,
changed comments and blank lines do not hide a copy; winnowing works on k-grams, so reordered
functions do not either. A pair is listed when either side has at least ``threshold`` of its
fingerprints in the other. The page shows each pair side by side, the shared code marked.
A high score is a reason to look, never a verdict: short exercises leave little room to differ.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from html import escape

from copydetect import CodeFingerprint, compare_files

from autograder.reports.html_page import report_page

NOISE_TOKENS = 25       # copydetect's defaults: k-grams shorter than this are noise,
GUARANTEE_TOKENS = 30   # and a copied run this long is always caught
WINDOW = GUARANTEE_TOKENS - NOISE_TOKENS + 1
THRESHOLD = 0.6
MAX_SHOWN = 100         # pairs shown side by side on the page (all of them are in the CSV)


@dataclass(frozen=True)
class Pair:
    """Two students whose answers share code: for each, the share of its tokens found in the other, and where."""

    student_a: str
    student_b: str
    share_a: float
    share_b: float
    code_a: str
    code_b: str
    slices_a: tuple[tuple[int, int], ...]
    slices_b: tuple[tuple[int, int], ...]

    @property
    def score(self) -> float:
        return max(self.share_a, self.share_b)


def answer_code(notebook) -> str:
    """The source of a notebook's answer cells (code cells marked as solutions), joined."""
    cells = notebook.get("cells", []) if isinstance(notebook, dict) else notebook.cells
    parts = []
    for cell in cells:
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if cell.get("cell_type") == "code" and meta.get("solution") and not meta.get("grade"):
            source = cell.get("source", "")
            parts.append("".join(source) if isinstance(source, list) else str(source))
    return "\n\n".join(parts)


def _fingerprint(name: str, code: str, boilerplate) -> CodeFingerprint:
    return CodeFingerprint(f"{name}.py", NOISE_TOKENS, WINDOW, boilerplate=boilerplate, language="python",
                           fp=io.StringIO(code))


def similar_pairs(answers: dict[str, str], starter: str, threshold: float = THRESHOLD,
                  detailed: int = MAX_SHOWN) -> list[Pair]:
    """Every pair of students whose answers share at least ``threshold`` of either side's fingerprints, most alike first.

    Shares are counted on winnowed fingerprints (set intersections, fast for a whole class); the
    ``detailed`` most alike pairs also get copydetect's token-level shares and the copied slices
    the page marks.
    """
    boilerplate = sorted(_fingerprint("starter", starter, None).hashes) if starter.strip() else None
    prints = {student: _fingerprint("answer", code, boilerplate) for student, code in sorted(answers.items())}
    found = []
    for (a, print_a), (b, print_b) in itertools.combinations(prints.items(), 2):
        if not print_a.hashes or not print_b.hashes:
            continue
        common = len(print_a.hashes & print_b.hashes)
        share_a, share_b = common / len(print_a.hashes), common / len(print_b.hashes)
        if max(share_a, share_b) >= threshold:
            found.append((max(share_a, share_b), a, b, share_a, share_b))
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    pairs = []
    for rank, (_, a, b, share_a, share_b) in enumerate(found):
        slices_a = slices_b = ()
        if rank < detailed:
            _, (share_a, share_b), (cut_a, cut_b) = compare_files(prints[a], prints[b])
            slices_a, slices_b = tuple(zip(*map(list, cut_a))), tuple(zip(*map(list, cut_b)))
        pairs.append(Pair(a, b, float(share_a), float(share_b), prints[a].raw_code, prints[b].raw_code,
                          slices_a, slices_b))
    return pairs


def _marked(code: str, slices: tuple[tuple[int, int], ...]) -> str:
    """``code`` escaped, with the shared slices in <mark>."""
    parts, position = [], 0
    for start, end in sorted(slices):
        start, end = max(int(start), position), int(end)
        if end <= start:
            continue
        parts += [escape(code[position:start]), "<mark>", escape(code[start:end]), "</mark>"]
        position = end
    parts.append(escape(code[position:]))
    return "".join(parts)


def render(assignment: str, pairs: list[Pair], students: int, threshold: float) -> str:
    """The similarity page: a table of the pairs, then each pair side by side."""
    rows = "".join(f"<tr><td><a href='#pair{i}'>{escape(p.student_a)} / {escape(p.student_b)}</a></td>"
                   f"<td>{p.share_a:.0%}</td><td>{p.share_b:.0%}</td></tr>" for i, p in enumerate(pairs))
    sides = "".join(
        f"<h2 id='pair{i}'>{escape(p.student_a)} ({p.share_a:.0%}) and {escape(p.student_b)} ({p.share_b:.0%})</h2>"
        f"<div class='sides'><pre>{_marked(p.code_a, p.slices_a)}</pre><pre>{_marked(p.code_b, p.slices_b)}</pre></div>"
        for i, p in enumerate(pairs[:MAX_SHOWN]))
    if len(pairs) > MAX_SHOWN:
        sides += f"<p>The other {len(pairs) - MAX_SHOWN} pairs are in similarity.csv.</p>"
    return report_page(f"Similarity: {assignment}", (
        f"<h1>Similarity of answers: {escape(assignment)}</h1>"
        f"<p>{students} students' answer cells compared pairwise with copydetect (winnowing, as MOSS does; names, "
        f"comments and blank lines ignored; the starter code removed). {len(pairs)} pair(s) share at least "
        f"{threshold:.0%} of one side's code. A high share is a reason to look, not a verdict: short exercises "
        "leave little room to differ.</p>"
        "<table><tr><th>pair</th><th>share of the first</th><th>share of the second</th></tr>" + rows + "</table>"
        + sides),
        ".sides{display:flex;gap:1em}.sides pre{flex:1;background:#f6f8fa;padding:.6em;overflow-x:auto;"
        "white-space:pre-wrap;font-size:85%}mark{background:#ffd8a8}")
