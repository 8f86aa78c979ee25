"""bench/mutation_rate.py makes single-point changes of solution lines only, each one real Python."""

import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from mutation_rate import equivalent_reason, mutants_of, solution_lines  # noqa: E402

CELL = '''def step(x, w, lr):
    """Docstring: not a solution line."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    grad = 2 * x.sum() - w
    return w - lr * grad
    ### END SOLUTION
'''


def test_only_the_lines_between_the_markers_are_changed():
    assert solution_lines(CELL) == {4, 5, 6}
    mutants = mutants_of("step", CELL)
    descriptions = [m.mistake.rsplit(" #", 1)[0] for m in mutants]
    assert "line 6: Sub -> Add" in descriptions and "line 5: Mult -> Div" in descriptions
    assert "line 5: .sum -> .mean" in descriptions and "line 5: 2 -> 3" in descriptions
    assert "line deleted: x = np.asarray(x, dtype=float)" in descriptions
    assert not any("lr=" in d or "line 1" in d or "line 2" in d for d in descriptions)
    sources = [m.source for m in mutants]
    assert len(sources) == len(set(sources))
    for source in sources:
        assert "def step(x, w, lr)" in source
        ast.parse(source)


def test_a_deleted_float_conversion_counts_as_equivalent_and_a_sign_swap_does_not():
    by_change = {m.mistake.rsplit(" #", 1)[0]: m for m in mutants_of("step", CELL)}
    assert equivalent_reason(by_change["line deleted: x = np.asarray(x, dtype=float)"])
    assert equivalent_reason(by_change["line 6: Sub -> Add"]) is None
