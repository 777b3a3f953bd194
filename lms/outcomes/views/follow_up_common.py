"""What the follow-up pages share: the states' and waves' names."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.outcomes.follow_ups.waves import WaveState

STATE_LABELS = {
    WaveState.UPCOMING: _l("Not due yet"),
    WaveState.DUE: _l("Due now"),
    WaveState.OVERDUE: _l("Overdue"),
    WaveState.COLLECTED: _l("Filled in"),
}


def wave_label(months: int) -> str:
    """How a wave is named on pages: at graduation, or N months after."""
    if not months:
        return _("At graduation")
    return ngettext("%(num)d month after graduation", "%(num)d months after graduation", months)
