"""CSV files people open in a spreadsheet: cells that never run as formulas, and one way to send a file."""

import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

from flask import Response

# A cell starting with one of these would run as a formula (tab and CR too: spreadsheets strip them first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
READ_CHUNK = 64 * 1024


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a name typed as "=1+2" stays text)."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def csv_text(rows: Iterable[Iterable]) -> str:
    """Rows written as CSV text in the spreadsheet dialect."""
    out = io.StringIO()
    csv.writer(out, dialect="excel").writerows(rows)
    return out.getvalue()


def send_csv(content: str | BinaryIO, filename: str) -> Response:
    """A CSV download: UTF-8 with a BOM (spreadsheets on Chinese Windows then read it right), never cached.

    ``content`` is the whole text, or a binary file of UTF-8 positioned at its start, streamed in
    chunks and closed once sent. Exports carry names, figures and one-time codes: no cache keeps them.
    """
    if isinstance(content, str):
        response = Response((BOM + content).encode("utf-8"))
    else:
        response = Response(_chunks_with_bom(content))
        response.call_on_close(content.close)
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _chunks_with_bom(file: BinaryIO):
    # The finally also closes a file whose response was dropped unread.
    try:
        yield BOM.encode("utf-8")
        while chunk := file.read(READ_CHUNK):
            yield chunk
    finally:
        file.close()
