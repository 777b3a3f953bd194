"""The ZIP a learner downloads: her profile and every row we hold about her as JSON and CSV, with her files."""

import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.core.extensions import db
from lms.core.i18n import in_language_of
from lms.core.spreadsheets import BOM, csv_text, spreadsheet_safe
from lms.media.models import MediaFile
from lms.media.storage import StoredFileMissing, local_copy
from lms.privacy.records import PersonalRecords, collect_records, each_table, public_columns


def readme() -> str:
    """What the ZIP holds, in the language of the words around it (``in_language_of`` her)."""
    return "\n".join(
        [
            _("Everything this learning site keeps about you."),
            "",
            "profile.json    " + _("your account (never your password)"),
            "data.json       " + _("every record, by table"),
            "tables/*.csv    " + _("the same records, one spreadsheet per table"),
            "files/          " + _("the files you handed in and the photos you sent"),
            "",
            _("Times are in UTC."),
            _("Money is in the smallest unit of its currency: a column ending in _fen counts fen, 100 to a yuan."),
            "",
        ]
    )


def plain(value):
    """A value JSON and CSV can hold: times in UTC (ISO 8601), money and numbers as they are stored."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def rows_as_csv(columns: list[str], rows: list[dict]) -> str:
    cells = ([cell(plain(row[column])) for column in columns] for row in rows)
    return BOM + csv_text([columns, *cells])


def cell(value):
    return spreadsheet_safe(value) if isinstance(value, str) else value


def profile_of(person: User) -> dict:
    table = User.__table__
    row = db.session.execute(select(table).where(table.c.id == person.id)).mappings().one()
    return {column: plain(row[column]) for column in public_columns("users")}


def write_export(person: User, target: BinaryIO) -> PersonalRecords:
    """Write the person's ZIP to ``target`` (a work file on this machine); her files are read through the store."""
    records = collect_records(person.id)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with in_language_of(person):
            archive.writestr("README.txt", readme())
        archive.writestr("profile.json", json.dumps(profile_of(person), ensure_ascii=False, indent=2))
        data = {}
        for name, columns, rows in each_table(records):
            data[name] = [{column: plain(row[column]) for column in columns} for row in rows]
            archive.writestr(f"tables/{name}.csv", rows_as_csv(columns, rows))
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        media_ids = records.media_ids()
        files = db.session.scalars(select(MediaFile).where(MediaFile.id.in_(media_ids))) if media_ids else []
        for media_file in files:
            name = PurePosixPath(media_file.original_name or media_file.path).name
            try:
                with local_copy(media_file.path) as path:
                    archive.write(path, f"files/{media_file.id}-{name}")
            except StoredFileMissing:
                continue  # a file the store lost is left out, not the whole download
    return records
