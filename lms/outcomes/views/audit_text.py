"""How audit entries read: a translated label for every audited field, and each value as a person reads it.

The audit log pages and a follow-up's history both read entries through here, so a field is named the
same wherever it shows, and a person recorded by id shows by name (looked up once per page).
"""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_currency, format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.core.i18n import enumeration
from lms.core.web import MAX_ID
from lms.outcomes.follow_ups import services as follow_up_services
from lms.outcomes.graduation.services import GRADUATION_AUDITED_FIELDS
from lms.outcomes.intake.forms import BUSINESS_STATUS_LABELS, CHANNEL_LABELS, GENDER_LABELS
from lms.outcomes.intake.services import BASELINE_FIELDS
from lms.outcomes.models import FollowUpSource
from lms.outcomes.support.forms import KIND_LABELS
from lms.outcomes.support.services import AUDITED_FIELDS as SUPPORT_AUDITED_FIELDS

ENTITY_LABELS = {
    "baseline": _l("Baseline"),
    "consent": _l("Consent"),
    "graduation": _l("Graduation"),
    "support": _l("Support"),
    "follow-up": _l("Follow-up"),
}
ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "undo": _l("undone"),
}
FIELD_LABELS = {
    "baseline": {
        "monthly_income_fen": _l("Monthly household income"),
        "household_size": _l("Household size"),
        "business_status": _l("Business"),
        "main_products": _l("Main products"),
        "channels": _l("Sales channels"),
        "gender": _l("Gender"),
        "birth_year": _l("Year of birth"),
    },
    "consent": {"granted": _l("Consent to reports")},
    "graduation": {
        "graduated_on": _l("Graduated on"),
        "confirmed_by_id": _l("Confirmed by"),
        "undone_at": _l("Undone on"),
        "undone_by_id": _l("Undone by"),
        "undo_reason": _l("Reason"),
    },
    "support": {
        "kind": _l("Kind of support"),
        "given_on": _l("Given on"),
        "value_fen": _l("Value"),
        "given_by": _l("Given by"),
        "notes": _l("Notes"),
    },
    "follow-up": {
        "wave_months": _l("Months after graduation"),
        "period_start": _l("First day"),
        "period_end": _l("Last day"),
        "monthly_income_fen": _l("Monthly income"),
        "revenue_fen": _l("Sales in the period"),
        "channels": _l("Where sold"),
        "households_benefiting": _l("Households that earn from the business"),
        "people_employed": _l("People employed"),
        "livestreams": _l("Livestreams"),
        "shop_link": _l("Shop link"),
        "notes": _l("Notes"),
        "source": _l("Entered by"),
        "unusual_confirmed": _l("Unusual figures confirmed"),
        "verified_at": _l("Verified on"),
        "verified_by_id": _l("Verified by"),
        "quantities": _l("Quantities sold"),
        "evidence": _l("Photos"),
    },
}
# What each kind of record audits: the fields above must name every one of them.
AUDITED_FIELDS = {
    "baseline": BASELINE_FIELDS,
    "consent": ("granted",),
    "graduation": GRADUATION_AUDITED_FIELDS,
    "support": SUPPORT_AUDITED_FIELDS,
    "follow-up": (*follow_up_services.AUDITED_FIELDS, "quantities", "evidence"),
}
SOURCE_LABELS = {
    FollowUpSource.SELF: _l("the graduate"),
    FollowUpSource.MENTOR: _l("a mentor or lead"),
    FollowUpSource.IMPORT: _l("an import"),
}
VALUE_LABELS = {
    "business_status": BUSINESS_STATUS_LABELS,
    "gender": GENDER_LABELS,
    "kind": KIND_LABELS,
    "source": SOURCE_LABELS,
}
DATE_FIELDS = {"graduated_on", "given_on", "period_start", "period_end"}
MOMENT_FIELDS = {"undone_at", "verified_at"}


def field_label(entity: str, field: str) -> str:
    """A field's name as the page shows it: a follow-up's income is not the household's income at intake."""
    return str(FIELD_LABELS.get(entity, {}).get(field, field))


def in_form_order(entity: str, changes: dict) -> list:
    """An entry's changes in the order its record's form asks for them."""
    order = {name: index for index, name in enumerate(AUDITED_FIELDS.get(entity, ()))}
    return sorted((changes or {}).items(), key=lambda item: order.get(item[0], len(order)))


def people_mentioned(entries) -> set[int]:
    """The ids of the people these entries record (who confirmed, undid, verified)."""
    return {
        value
        for entry in entries
        for field, values in (entry.changes or {}).items()
        if field.endswith("_by_id")
        for value in values
        if isinstance(value, int) and 0 < value <= MAX_ID
    }


def person_names(entries) -> dict[int, str]:
    """id → name of everyone these entries record by id, in one query."""
    return follow_up_services.user_names(people_mentioned(entries))


def _parsed(kind, value: str):
    try:
        return kind.fromisoformat(value)
    except ValueError:
        return None


def audit_value(field: str, value, currency: str, names: dict[int, str]) -> str:
    """How one old or new value of an audit entry reads on the page."""
    if value is None or value == "":
        return "—"
    if field.endswith("_by_id"):
        return names.get(value, _("A deleted account"))
    if field.endswith("_fen") and isinstance(value, int):
        return format_currency(Decimal(value) / 100, currency)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in DATE_FIELDS and isinstance(value, str) and (day := _parsed(date, value)):
        return format_date(day)
    if field in MOMENT_FIELDS and isinstance(value, str) and (moment := _parsed(datetime, value)):
        return format_datetime(moment, "short")
    if field == "channels" and isinstance(value, str):
        return enumeration(CHANNEL_LABELS.get(code, code) for code in value.split(",") if code)
    labels = VALUE_LABELS.get(field)
    if labels is not None:
        return str(labels.get(value, value))
    return str(value)
