"""A learner's data: her own page, download and deletion request; leads of her program decide; retention.

Only learners have the page (staff ask an admin); a download is hers alone (404 for another learner's); a
request is decided by admins and the leads of her program (a lead of another program finds nothing).
"""

from lms.core.extensions import db
from lms.privacy import services
from tests.permission_cases.common import MANAGERS, Case, everyone, other_lead

LEARNER_PAGE = everyone(403, anonymous=302, learner=200)
LEARNER_ACTION = everyone(403, anonymous=302, learner=302)


def export_of(learner) -> int:
    """A ready download of the learner's data (made when the case's URL is built)."""
    export = services.request_export(learner, "en")
    db.session.commit()  # the job runs once the request commits
    return export.id


def deletion_request_of(learner) -> int:
    request = services.request_deletion(learner)
    db.session.commit()
    return request.id


CASES: dict[str, list[Case]] = {
    "privacy.my_data": [Case(lambda w: "/my-data", LEARNER_PAGE)],
    "privacy.request_export": [Case(lambda w: "/my-data/export", LEARNER_ACTION, method="POST")],
    "privacy.download_export": [
        Case(lambda w: f"/my-data/export/{export_of(w.learner_a)}/download", LEARNER_PAGE),
        Case(lambda w: f"/my-data/export/{export_of(w.learner_b)}/download", everyone(403, anonymous=302, learner=404)),
        Case(lambda w: "/my-data/export/999999/download", everyone(403, anonymous=302, learner=404)),
    ],
    "privacy.request_deletion": [
        Case(lambda w: "/my-data/deletion", LEARNER_ACTION, method="POST", data={"confirm": "yes"})
    ],
    "privacy.withdraw_deletion": [Case(lambda w: "/my-data/deletion/withdraw", LEARNER_ACTION, method="POST")],
    "privacy.data_requests": [Case(lambda w: "/data-requests", other_lead(MANAGERS, 200))],
    "privacy.decide_request": [
        Case(lambda w: f"/data-requests/{deletion_request_of(w.learner_a)}", other_lead(MANAGERS)),
        Case(lambda w: "/data-requests/999999", everyone(404, anonymous=302, learner=403, mentor=403)),
        # A decision that is neither anonymise nor refuse shows the page again, saying nothing was done.
        Case(
            lambda w: f"/data-requests/{deletion_request_of(w.learner_b)}",
            other_lead(everyone(400, anonymous=302, learner=403, mentor=403)),
            method="POST",
        ),
    ],
    "privacy.retention": [
        Case(lambda w: f"/programs/{w.program.id}/retention", other_lead(MANAGERS)),
        Case(lambda w: "/programs/999999/retention", everyone(404, anonymous=302, learner=403, mentor=403)),
    ],
}
