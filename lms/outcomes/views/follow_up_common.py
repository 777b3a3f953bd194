"""What the follow-up pages share: the states' and waves' names, and how a follow-up's history reads."""

from datetime import datetime

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.outcomes.follow_ups import services
from lms.outcomes.follow_ups.waves import WaveState
from lms.outcomes.models import FollowUpSource
from lms.outcomes.views.intake import AUDIT_FIELD_LABELS, audit_value

STATE_LABELS = {
    WaveState.UPCOMING: _l("Not due yet"),
    WaveState.DUE: _l("Due now"),
    WaveState.OVERDUE: _l("Overdue"),
    WaveState.COLLECTED: _l("Filled in"),
}
HISTORY_FIELD_LABELS = {
    **AUDIT_FIELD_LABELS,
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
}
SOURCE_LABELS = {
    FollowUpSource.SELF: _l("the graduate"),
    FollowUpSource.MENTOR: _l("a mentor or lead"),
    FollowUpSource.IMPORT: _l("an import"),
}
HISTORY_ORDER = {name: index for index, name in enumerate((*services.AUDITED_FIELDS, "quantities", "evidence"))}


def wave_label(months: int) -> str:
    """How a wave is named on pages: at graduation, or N months after."""
    if not months:
        return _("At graduation")
    return ngettext("%(num)d month after graduation", "%(num)d months after graduation", months)


def history_value(field: str, value, currency: str, names: dict[int, str]) -> str:
    """One old or new value of a follow-up's history, as it reads on the page."""
    if value is None:
        return "—"
    if field == "verified_by_id":
        return names.get(value, "—")
    if field == "source":
        return str(SOURCE_LABELS.get(value, value))
    if field == "verified_at" and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    return audit_value(field, value, currency)


def in_history_order(changes: dict) -> list:
    """A history entry's changes in the order the form asks for them."""
    return sorted((changes or {}).items(), key=lambda item: HISTORY_ORDER.get(item[0], len(HISTORY_ORDER)))
