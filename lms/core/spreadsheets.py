"""CSV files from and for spreadsheets: reading what people upload, cells that never run as formulas, sending."""

import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

from flask import Response
from flask_babel import gettext as _

from lms.core.errors import UserFacingError

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


def template_header(columns: dict[str, tuple[str, ...]], chinese: bool) -> list[str]:
    """An import template's header: each column by its English (first) or Chinese (second) name."""
    return [names[1] if chinese else names[0] for names in columns.values()]


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


class FileRefusedError(UserFacingError):
    """The file as a whole cannot be read; the message says what to do."""


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a BOM), else GB18030 (which contains GBK)."""
    if not data.strip():
        raise FileRefusedError(_("The file is empty."))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise FileRefusedError(_("This is a spreadsheet file, not CSV. In your spreadsheet, use Save as → CSV."))
    if b"\x00" in data:
        raise FileRefusedError(_("This is not a CSV file. In your spreadsheet, use Save as → CSV."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefusedError(_("The file's characters cannot be read. Save it as CSV in UTF-8 or GBK."))


def table_rows(text: str, read_header, column_names, empty_message: str, too_many_message: str, max_rows: int):
    """Yield (line number, {column: cell}, has extra cells) for each non-blank row of a CSV text after its header.

    Every bulk import reads its file here: the file-level refusals are the same, only the columns and words differ.
    """
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise FileRefusedError(_("This is not a CSV file. In your spreadsheet, use Save as → CSV.")) from None
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise FileRefusedError(_("The file is empty."))
    columns = read_header(lines[0])
    if len(lines) == 1:
        raise FileRefusedError(empty_message)
    if len(lines) - 1 > max_rows:
        raise FileRefusedError(too_many_message)
    for number, cells in enumerate(lines[1:], start=2):
        values = dict.fromkeys(column_names, "")
        for column, cell in zip(columns, cells, strict=False):
            if column is not None:
                values[column] = cell.replace("\x00", "").strip()
        extra = len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :])
        yield number, values, extra
