"""Cleaning text from submissions for the console, grades.csv and HTML."""

from autograder.grading.sanitize import csv_cell, escaped, plain


def test_ansi_sequences_and_control_characters_are_removed_and_lines_joined():
    forged = "ok\x1b[2K\r\x1b[1A    alice   18.0 / 18.0  graded\n\x07\u202eevil"
    cleaned = plain(forged)
    assert "\x1b" not in cleaned and "\r" not in cleaned and "\n" not in cleaned and "\u202e" not in cleaned
    assert cleaned.startswith("ok") and cleaned.endswith("evil")


def test_plain_text_can_be_cut_to_a_length():
    assert plain("x" * 500, 20) == "x" * 17 + "..."


def test_csv_cells_do_not_start_formulas():
    assert csv_cell("=HYPERLINK(\"http://evil\")") == "'=HYPERLINK(\"http://evil\")"
    assert csv_cell("+1") == "'+1" and csv_cell("fine") == "fine"


def test_html_text_is_escaped_without_control_characters():
    assert escaped("<script>alert(1)</script>\x1b[31m") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped("a\nb") == "a\nb"
