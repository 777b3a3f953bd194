"""Reading a follow-up CSV file: its encoding, its header, then each row's own problems (checked in import_rows).

Nothing here touches the database; lms.outcomes.import_services adds the checks that need it. The file-level
checks (spreadsheets, empty files, UTF-8 or GBK) are the bulk enrolment's.
"""

import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _

from lms.core.spreadsheets import FileRefusedError, decode, table_rows
from lms.outcomes.imports.rows import COLUMN_LABELS, FollowUpImportRow, check_row

MAX_ROWS = 5000
MAX_BYTES = 4 * 1024 * 1024
# Column → the header names a spreadsheet may use for it: English first, then Chinese (the template uses these two).
COLUMNS = {
    "phone": ("phone", "手机号", "mobile", "手机"),
    "wave": ("wave", "回访期(月)", "wave_months", "回访期"),
    "period_start": ("period_start", "开始日期"),
    "period_end": ("period_end", "结束日期"),
    "monthly_income": ("monthly_income", "月收入"),
    "revenue": ("revenue", "销售额"),
    "product": ("product", "产品"),
    "quantity": ("quantity", "数量"),
    "unit": ("unit", "单位"),
    "channels": ("channels", "销售渠道"),
    "households": ("households", "带动户数"),
    "employed": ("employed", "雇用人数"),
    "livestreams": ("livestreams", "直播场次"),
    "shop_link": ("shop_link", "店铺链接"),
    "notes": ("notes", "备注"),
    "verified": ("verified", "已核实"),
}
REQUIRED_COLUMNS = ("phone", "wave", "period_start", "period_end", "monthly_income")
# Header cells are compared in NFKC form, so full-width brackets such as "回访期（月）" match too.
HEADER_NAMES = {
    unicodedata.normalize("NFKC", alias).lower(): column for column, names in COLUMNS.items() for alias in names
}


@dataclass
class FollowUpImportPreview:
    rows: list[FollowUpImportRow]

    @property
    def bad_rows(self) -> list[FollowUpImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def unusual_rows(self) -> list[FollowUpImportRow]:
        return [row for row in self.rows if row.warnings]

    @property
    def ok(self) -> bool:
        return not self.bad_rows


# ---- Reading the file ----


def read_text(data: bytes) -> str:
    """The file's text; a file that mixes UTF-8 lines with lines in another encoding is refused, naming them."""
    if b"\x00" not in data:  # binary files (spreadsheets) get decode's own message
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            refuse_mixed_encodings(data)
    return decode(data)


def refuse_mixed_encodings(data: bytes) -> None:
    """Raise FileRefusedError when some lines read as UTF-8 and others cannot: GB18030 would turn them to nonsense."""
    utf8_lines, other_lines = [], []
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            other_lines.append(number)
            continue
        # Chinese in UTF-8 takes three bytes a character. A GBK character can pass for a two-byte UTF-8 one
        # (瓶 reads as ƿ), so such a line proves nothing either way.
        if any(ord(character) >= 0x800 for character in text):
            utf8_lines.append(number)
    if utf8_lines and other_lines:
        raise FileRefusedError(
            _(
                "The file mixes two character encodings: lines %(utf8)s are UTF-8, lines %(other)s are not "
                "(GBK, perhaps). Save the whole file again as CSV in one encoding, UTF-8 or GBK.",
                utf8=line_list(utf8_lines),
                other=line_list(other_lines),
            )
        )


def line_list(numbers: list[int], shown: int = 5) -> str:
    text = ", ".join(str(number) for number in numbers[:shown])
    return text + (", …" if len(numbers) > shown else "")


def read_header(header: list[str]) -> list[str | None]:
    """The column each header cell names; raises FileRefusedError for unknown, missing or repeated columns."""
    columns = [HEADER_NAMES.get(unicodedata.normalize("NFKC", cell).strip().lower()) for cell in header]
    unknown = [cell.strip() or "?" for cell, column in zip(header, columns, strict=True) if column is None]
    missing = [COLUMNS[column][0] for column in REQUIRED_COLUMNS if column not in columns]
    repeated = sorted({COLUMNS[column][0] for column in columns if column and columns.count(column) > 1})
    if unknown or missing or repeated:
        details = []
        if unknown:
            details.append(_("unknown columns: %(names)s", names=", ".join(unknown)))
        if missing:
            details.append(_("missing columns: %(names)s", names=", ".join(missing)))
        if repeated:
            details.append(_("columns given twice: %(names)s", names=", ".join(repeated)))
        required = ", ".join(f"{COLUMNS[column][0]} ({COLUMNS[column][1]})" for column in REQUIRED_COLUMNS)
        raise FileRefusedError(
            _(
                "The first line must name the columns. These are needed: %(required)s; the others are listed on "
                "this page. This file has %(details)s.",
                required=required,
                details="; ".join(details),
            )
        )
    return columns


def parse_rows(data: bytes) -> list[FollowUpImportRow]:
    """Every follow-up row of the file with the problems visible in the row alone."""
    too_large = _("The file is too large: at most %(max)d follow-ups at once.", max=MAX_ROWS)
    if len(data) > MAX_BYTES:
        raise FileRefusedError(too_large)
    rows = []
    no_rows = _("The file has a header but no follow-ups.")
    for number, values, extra in table_rows(read_text(data), read_header, COLUMNS, no_rows, too_large, MAX_ROWS):
        row = FollowUpImportRow(line=number, values=values)
        if extra:
            row.errors.append(_("More cells than columns."))
        check_row(row)
        rows.append(row)
    return rows


def column_guide() -> list[tuple[str, str, object, bool]]:
    """(English header, Chinese header, label, required) of every column, for the upload page."""
    return [
        (names[0], names[1], COLUMN_LABELS[column], column in REQUIRED_COLUMNS) for column, names in COLUMNS.items()
    ]
