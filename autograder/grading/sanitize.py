"""Text from submissions on its way to the console, grades.csv and HTML: no control characters, no markup."""

from __future__ import annotations

import base64
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


SECRET_WINDOW = 8  # this many characters of a secret's form, in a row, count as the secret
NUMBER = re.compile(r"[-+]?\d[\d.,eE+-]*")


def secret_forms(secret: str) -> list[str]:
    """Forms in which text might carry ``secret``: itself, reversed, hex, base64, and as one number."""
    if not secret:
        return []
    raw = secret.encode()
    forms = {secret, secret[::-1], raw.hex(), base64.b64encode(raw).decode().rstrip("="),
             base64.urlsafe_b64encode(raw).decode().rstrip("=")}
    for base in (16, 10):
        try:
            forms.add(str(int(secret, base)))
        except ValueError:
            pass
    forms.add("".join(str(ord(c)) for c in secret))
    return sorted(f.lower() for f in forms if f)


def carries_secret(text: str, secret: str) -> bool:
    """True when ``text`` holds ``secret`` in a form the grader recognises, even split by separators."""
    squeezed = re.sub(r"[^0-9a-z]", "", text.lower())
    for form in secret_forms(secret):
        form = re.sub(r"[^0-9a-z]", "", form)
        if len(form) < SECRET_WINDOW:
            if form and form in squeezed:
                return True
            continue
        if any(form[i:i + SECRET_WINDOW] in squeezed for i in range(len(form) - SECRET_WINDOW + 1)):
            return True
    return False


def withhold_secret(message: str, secret: str) -> str:
    """``message`` with its numbers withheld when it would carry ``secret`` (the grading seed)."""
    if not carries_secret(message, secret):
        return message
    withheld = NUMBER.sub("#", message)
    if carries_secret(withheld, secret):
        return "the recorded values do not match (details withheld)"
    return withheld + " (numbers withheld)"
