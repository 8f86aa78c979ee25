"""Verdicts decided in the grader: the student's records against the reference's."""

import numpy as np

from autograder.grading.verdict import RECORD_MIME, judge_cell, records_of
from dlcourse.grading import encode


def record(name, value, **options):
    return {"name": name, "value": encode(value), "rtol": options.get("rtol", 1e-6), "atol": options.get("atol", 1e-8),
            "hint": options.get("hint", "")}


def test_matching_records_pass_and_mistakes_are_named_without_the_expected_values():
    reference = [record("f(x)", np.array([1.5, -2.25, 3.125]), hint="add one.")]
    assert judge_cell(reference, [record("f(x)", np.array([1.5, -2.25, 3.125]))]).passed
    verdict = judge_cell(reference, [record("f(x)", np.array([-1.5, 2.25, -3.125]))])
    assert not verdict.passed and "sign flipped" in verdict.message and "Hint: add one." in verdict.message
    assert "3.125" not in verdict.message.replace("-3.125", "")


def test_an_approximation_of_an_exact_answer_is_named_as_one():
    """A tight tolerance (an analytic derivative) against central differences, which agree to about 10 digits."""
    exact = np.array([0.25, -0.125, 0.0625])
    reference = [record("gradient", exact, rtol=1e-12, atol=1e-15)]
    assert judge_cell(reference, [record("gradient", exact * (1 + 1e-15))]).passed
    verdict = judge_cell(reference, [record("gradient", exact * (1 + 3e-10))])
    assert not verdict.passed and "agrees only to about 10 significant digits" in verdict.message
    assert "finite difference" in verdict.message
    loose = judge_cell([record("gradient", exact)], [record("gradient", exact * 2)])
    assert "finite difference" not in loose.message


def test_missing_duplicated_and_absent_reference_records_fail():
    reference = [record("f(x)", 1.0)]
    assert "no value was recorded" in judge_cell(reference, []).message
    assert "recorded 2 times" in judge_cell(reference, [record("f(x)", 1.0)] * 2).message
    assert not judge_cell([], [record("f(x)", 1.0)]).passed


def test_student_controlled_strings_are_quoted_short_and_printable():
    secret = "### BEGIN HIDDEN TESTS\n" + "rng = grading.rng('x')\n" * 20
    forged = {"name": "f(x)", "value": {"kind": "other", "type": secret}, "rtol": 0, "atol": 0}
    message = judge_cell([record("f(x)", 1.0)], [forged]).message
    assert len(message) < 200
    assert "\n" not in message and secret not in message
    forged = {"name": "f(x)", "value": {"kind": secret}, "rtol": 0, "atol": 0}
    assert secret not in judge_cell([record("f(x)", 1.0)], [forged]).message
    string = judge_cell([record("f(x)", "yes")], [record("f(x)", secret)]).message
    assert len(string) < 120 and secret not in string


def test_malformed_records_are_ignored_or_fail_cleanly():
    outputs = [{"output_type": "display_data", "data": {RECORD_MIME: "not a dict"}},
               {"output_type": "display_data", "data": {RECORD_MIME: {"name": 3, "value": {}}}},
               {"output_type": "stream", "text": "x"}]
    assert records_of(outputs) == []
    broken = {"name": "f(x)", "value": {"kind": "array", "shape": [-1, 10**9], "data": ["a"]}, "rtol": 0, "atol": 0}
    assert "could not be read" in judge_cell([record("f(x)", 1.0)], [broken]).message


def test_a_record_that_only_claims_a_shape_never_matches():
    reference = [{"name": "w", "value": {"kind": "too_large", "shape": [500, 500]}, "rtol": 1e-6, "atol": 1e-8}]
    assert not judge_cell(reference, [{"name": "w", "value": {"kind": "too_large", "shape": [500, 500]}}]).passed


def test_messages_never_quote_strings_the_student_controls():
    """A forged record could carry hidden-test lines in its type, text or keys; the verdict must not echo them."""
    from autograder.grading.verdict import judge_cell

    secret = 'rng = grading.rng("predict")'
    references = [
        {"kind": "array", "dtype": "float", "shape": [], "data": [1.0]},
        {"kind": "str", "value": "relu"},
        {"kind": "dict", "items": {"W": {"kind": "array", "dtype": "float", "shape": [], "data": [1.0]}}},
    ]
    forgeries = [{"kind": "other", "type": secret}, {"kind": "str", "value": secret},
                 {"kind": "dict", "items": {secret: {"kind": "none"}}}, {"kind": secret}]
    for reference in references:
        for forged in forgeries:
            verdict = judge_cell([{"name": "v", "value": reference, "rtol": 1e-6, "atol": 1e-8, "hint": ""}],
                                 [{"name": "v", "value": forged}])
            assert not verdict.passed
            assert "grading" not in verdict.message and "predict" not in verdict.message, verdict.message


def test_a_verdict_quotes_at_most_a_handful_of_the_students_numbers():
    """A forged record of many numbers (or many dimensions) must not turn a verdict into a data channel."""
    import re

    expected = {"kind": "array", "shape": [40], "data": [0.0] * 40}
    reference = [{"name": "f(x)", "value": expected, "rtol": 1e-6, "atol": 1e-8}]
    chosen = [float(1000 + i) for i in range(40)]
    for shape in ([40], [2] * 5 + [1] * 27 + [5, 4]):
        size = int(np.prod(shape))
        forged = {"name": "f(x)", "value": {"kind": "array", "shape": shape, "data": chosen[:size] + [0.0] * (size - 40)}}
        message = judge_cell(reference, [forged]).message
        numbers = re.findall(r"\d+(?:\.\d+)?", message)
        assert len(numbers) <= 6, message


def test_the_seed_is_withheld_from_verdicts_in_any_form_recognised():
    from autograder.grading.sanitize import withhold_secret

    seed = "9f2c41d07be3a566"
    for message in (f"f(x) is [{seed}]", f"f(x) is [{seed[:4]}, {seed[4:8]}, {seed[8:12]}]",
                    f"f(x) is {int(seed, 16)}", f"f(x) is {seed.encode().hex()}"):
        cleaned = withhold_secret(message, seed)
        assert seed[:8] not in cleaned.replace(", ", "") and str(int(seed, 16))[:8] not in cleaned, cleaned
    assert withhold_secret("f(x) is [0.5, 1.5] (shape (2,))", seed) == "f(x) is [0.5, 1.5] (shape (2,))"
