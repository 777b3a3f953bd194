"""The cohorts area's notices: a cohort's mentors hear when a learner joins."""

from flask_babel import lazy_gettext as _l

from lms.accounts.models import User
from lms.cohorts import signals
from lms.cohorts.models import Cohort
from lms.cohorts.services import cohort_mentors_of
from lms.notifications.models import NotificationKind
from lms.notifications.services import link_to, notify, register_wording

register_wording(NotificationKind.INVITE_ACCEPTED, _l("%(learner)s joined %(cohort)s."))


def on_invite_accepted(learner: User, cohort: Cohort, **_extra) -> None:
    for mentor in cohort_mentors_of(cohort.id):
        notify(
            mentor,
            NotificationKind.INVITE_ACCEPTED,
            link_to("cohorts.detail", cohort_id=cohort.id),
            program_id=cohort.program_id,
            learner=learner.name,
            cohort=cohort.name,
        )


signals.invite_accepted.connect(on_invite_accepted)
