"""Every row we hold about one person, found from the metadata: the rows that name her, and the rows that hang
from those (a submission's versions and files, a follow-up's quantities and evidence), however many areas add."""

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Table, or_, select

from lms.core.extensions import db

# Not hers to download or for anonymisation to change: the security log keeps its own time (``LMS_SECURITY_LOG_DAYS``);
# the file rows are reached through their owners; sessions and codes are ended, never handed out.
NOT_PERSONAL = frozenset(
    {
        "security_events",
        "media_files",
        "sign_in_sessions",
        "password_setup_codes",
        "texted_codes",
        "outbox_emails",
        "users",
    }
)
# Columns never written into a download, whatever table holds them.
SECRET_SUFFIXES = ("_hash", "password", "token", "_secret")
# Rows that hang from rows that hang from her: a submission, its version, the version's files.
MAX_DEPTH = 4


@dataclass
class PersonalRecords:
    """Her rows, by table, in the order the metadata sorts tables (parents first)."""

    tables: dict[str, list[dict]] = field(default_factory=dict)

    def media_ids(self) -> list[int]:
        """The ids of the stored files her rows name (handed-in work, evidence photos)."""
        ids = []
        for name, rows in self.tables.items():
            for column in media_columns(db.metadata.tables[name]):
                ids.extend(row[column] for row in rows if row[column] is not None)
        return list(dict.fromkeys(ids))


def media_columns(table: Table) -> list[str]:
    return [
        column.name
        for column in table.columns
        if any(key.column.table.name == "media_files" for key in column.foreign_keys)
    ]


def is_secret(column_name: str) -> bool:
    return column_name.endswith(SECRET_SUFFIXES)


@functools.cache
def personal_tables() -> tuple[Table, ...]:
    return tuple(table for table in db.metadata.sorted_tables if table.name not in NOT_PERSONAL)


def collect_records(person_id: int) -> PersonalRecords:
    """Every row that names the person, then the rows that name those, a few levels down: one query per table and
    level, however many rows she has."""
    found: dict[str, set] = {"users": {person_id}}
    records = PersonalRecords()
    for _depth in range(MAX_DEPTH):
        added = False
        for table in personal_tables():
            conditions = [
                key.parent.in_(sorted(found[key.column.table.name]))
                for key in table.foreign_keys
                if key.column.table.name in found and key.column.name == "id"
            ]
            if not conditions:
                continue
            rows = db.session.execute(select(table).where(or_(*conditions))).mappings().all()
            known = records.tables.setdefault(table.name, [])
            seen = {primary_key(table, row) for row in known}
            fresh = [dict(row) for row in rows if primary_key(table, row) not in seen]
            if fresh:
                added = True
                known.extend(fresh)
                if "id" in table.columns:
                    found.setdefault(table.name, set()).update(row["id"] for row in fresh)
        if not added:
            break
    records.tables = {name: rows for name, rows in records.tables.items() if rows}
    return records


def primary_key(table: Table, row) -> tuple:
    return tuple(row[column.name] for column in table.primary_key.columns)


def mapped_class(table_name: str):
    """The model class of a table (None for a plain association table)."""
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table_name:
            return mapper.class_
    return None


def public_columns(table_name: str) -> list[str]:
    return [column.name for column in db.metadata.tables[table_name].columns if not is_secret(column.name)]


def each_table(records: PersonalRecords) -> Iterator[tuple[str, list[str], list[dict]]]:
    for name, rows in records.tables.items():
        yield name, public_columns(name), rows
