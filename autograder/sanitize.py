"""Text from submissions on its way to the console, grades.csv and HTML: no control characters, no markup."""

from __future__ import annotations

import html
import re

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def plain(text: object, limit: int | None = None) -> str:
    """One line of printable text: ANSI sequences and control characters removed, line breaks made spaces."""
    cleaned = CONTROL.sub("", ANSI.sub("", str(text)).replace("\r", " ").replace("\n", " ").replace("\t", " "))
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 3] + "..."
    return cleaned


def csv_cell(text: object) -> str:
    """A CSV field: plain text, and a leading = + - @ defused so spreadsheets do not run it as a formula."""
    cleaned = plain(text)
    return "'" + cleaned if cleaned[:1] in ("=", "+", "-", "@") else cleaned


def escaped(text: object) -> str:
    """Text for an HTML page: ANSI and control characters removed (newlines kept), then escaped."""
    cleaned = CONTROL.sub("", ANSI.sub("", str(text)).replace("\r\n", "\n").replace("\t", "    "))
    return html.escape(cleaned, quote=True)
