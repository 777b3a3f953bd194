"""Reading a bulk-enrolment CSV file: its encoding, its header and each row's own problems.

Nothing here touches the database; lms.cohorts.import_services adds the checks that need it.
"""

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from lms.accounts.services import normalize_email, normalize_phone
from lms.core.calendar import utcnow
from lms.core.spreadsheets import FileRefusedError, decode, table_rows

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
# Column → the header names a spreadsheet may use for it (English or Chinese).
COLUMNS = {
    "name": ("name", "姓名"),
    "phone": ("phone", "手机号"),
    "email": ("email", "邮箱"),
    "county": ("county", "县"),
    "township": ("township", "乡镇"),
    "village": ("village", "村"),
    "gender": ("gender", "性别"),
    "birth_year": ("birth_year", "出生年份"),
}
OPTIONAL_COLUMNS = {"email"}
HEADER_NAMES = {alias.lower(): column for column, aliases in COLUMNS.items() for alias in aliases}
GENDERS = {"男", "女", "其他", "male", "female", "other", "m", "f"}
COUNTY_SUFFIXES = ("县", "区", "市", "旗")
LIMITS = {"name": 100, "email": 254, "township": 50, "village": 50, "county": 50}


@dataclass
class ImportRow:
    """One learner from the file, as typed and in stored form, with its problems."""

    line: int
    values: dict[str, str]
    phone: str | None = None
    email: str | None = None
    problems: list[str] = field(default_factory=list)
    existing_user_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def read_header(header: list[str]) -> list[str]:
    """The column each header cell names; raises FileRefusedError for a header that is not the expected one."""
    columns, unknown = [], []
    for cell in header:
        column = HEADER_NAMES.get(cell.strip().lower())
        if column is None:
            unknown.append(cell.strip() or "?")
        columns.append(column)
    missing = [column for column in COLUMNS if column not in columns and column not in OPTIONAL_COLUMNS]
    duplicated = sorted({column for column in columns if column and columns.count(column) > 1})
    if unknown or missing or duplicated:
        expected = ", ".join(f"{aliases[0]} ({aliases[1]})" for aliases in COLUMNS.values())
        details = []
        if unknown:
            details.append(_("unknown columns: %(names)s", names=", ".join(unknown)))
        if missing:
            details.append(_("missing columns: %(names)s", names=", ".join(missing)))
        if duplicated:
            details.append(_("columns given twice: %(names)s", names=", ".join(duplicated)))
        raise FileRefusedError(
            _(
                "The first line must name the columns: %(expected)s (email may be left out). "
                "This file has %(details)s.",
                expected=expected,
                details="; ".join(details),
            )
        )
    return columns


def parse_rows(data: bytes) -> list[ImportRow]:
    """Every learner row of the file with the problems visible in the row alone."""
    too_large = _("The file is too large: at most %(max)d learners at once.", max=MAX_ROWS)
    if len(data) > MAX_BYTES:
        raise FileRefusedError(too_large)
    rows = []
    no_rows = _("The file has a header but no learners.")
    for number, values, extra in table_rows(decode(data), read_header, COLUMNS, no_rows, too_large, MAX_ROWS):
        row = ImportRow(line=number, values=values)
        if extra:
            row.problems.append(_("More cells than columns."))
        check_row(row)
        rows.append(row)
    return rows


def check_row(row: ImportRow) -> None:
    values = row.values
    if not values["name"]:
        row.problems.append(_("The name is missing."))
    for column, limit in LIMITS.items():
        if len(values[column]) > limit:
            row.problems.append(_("%(column)s is longer than %(max)d characters.", column=column, max=limit))
    row.phone = normalize_phone(values["phone"]) if values["phone"] else None
    if row.phone is None:
        row.problems.append(_("Not a mobile number."))
    if values["email"]:
        try:
            validate_email(values["email"], check_deliverability=False)
            row.email = normalize_email(values["email"])
        except EmailNotValidError:
            row.problems.append(_("Not an email address."))
    if values["gender"] and values["gender"].lower() not in GENDERS:
        row.problems.append(_("Gender must be 男, 女 or 其他 (male, female or other)."))
    if values["birth_year"]:
        year = values["birth_year"]
        if not (year.isascii() and year.isdigit() and 1900 <= int(year) <= utcnow().year - 10):
            row.problems.append(_("The birth year must be a year such as 1985."))


def same_county(value: str, county: str) -> bool:
    """Does this cell name the cohort's county? "横峰" is 横峰县; an empty cell means the cohort's own."""
    if not value or not county:
        return True
    return value == county or any(value + suffix == county for suffix in COUNTY_SUFFIXES)


def check_duplicates(rows: list[ImportRow]) -> None:
    """Mark rows that repeat an earlier row's mobile number or email address."""
    phones: dict[str, int] = {}
    emails: dict[str, int] = {}
    for row in rows:
        if row.phone:
            if row.phone in phones:
                row.problems.append(_("The same mobile number as line %(line)d.", line=phones[row.phone]))
            else:
                phones[row.phone] = row.line
        if row.email:
            if row.email in emails:
                row.problems.append(_("The same email as line %(line)d.", line=emails[row.email]))
            else:
                emails[row.email] = row.line
