"""The shell of the instructor's report pages: self-contained, no script, nothing loaded from elsewhere."""

from __future__ import annotations

from html import escape

CSP = "default-src 'none'; style-src 'unsafe-inline'"
BASE_STYLE = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
              "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}")


def report_page(title: str, body: str, style: str = "") -> str:
    """A whole HTML page: ``title`` escaped, ``body`` as given (already escaped by the caller), the base style plus ``style``."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            f"<title>{escape(title)}</title><style>{BASE_STYLE}{style}</style></head><body>{body}</body></html>\n")
