"""Outcomes: the follow-up export, the data dictionary and the follow-up import."""

from lms.core.extensions import db
from lms.media.models import ExportJob
from tests.permission_cases.common import MANAGER_ACTION, MANAGERS, STAFF, Case, everyone

# A mentor exports only the cohorts they mentor: another cohort, or one that does not exist, is hidden.
MENTOR_HIDDEN = everyone(200, anonymous=302, learner=403, mentor=404)

# An export job's page and file are the asker's alone: anybody else (an admin too) is told there is none.
ASKER_ONLY = everyone(404, anonymous=302, learner=403)


def export_of(user) -> int:
    """An export the queue is still building, asked for by ``user``."""
    export = ExportJob(kind="follow-ups", parameters={}, filename="follow-ups.csv", locale="en", requested_by=user)
    db.session.add(export)
    db.session.commit()
    return export.id


CASES: dict[str, list[Case]] = {
    "media.export_status": [
        Case(lambda w: f"/exports/{export_of(w.lead)}", {**ASKER_ONLY, "lead": 200}),
        Case(lambda w: f"/exports/{export_of(w.mentor_a)}", {**ASKER_ONLY, "mentor": 200}),
        Case(lambda w: "/exports/999999", ASKER_ONLY),
    ],
    # Not ready yet: nobody downloads it (the ready file is downloaded in the export's own tests).
    "media.export_download": [
        Case(lambda w: f"/exports/{export_of(w.lead)}/download", ASKER_ONLY),
    ],
    "outcomes.follow_up_export_page": [
        Case(lambda w: "/follow-ups/export", STAFF),
        Case(lambda w: f"/follow-ups/export?cohort={w.cohort_a.id}&verified=yes&poverty=no", STAFF),
        Case(lambda w: f"/follow-ups/export?cohort={w.cohort_b.id}", MENTOR_HIDDEN),
        Case(lambda w: "/follow-ups/export?cohort=999999", MENTOR_HIDDEN),
        Case(lambda w: "/follow-ups/export?cohort=99999999999999999999&from=2027-02-30&gender=%00", STAFF),
    ],
    "outcomes.follow_up_export": [
        Case(lambda w: "/follow-ups/export.csv", STAFF),
        Case(lambda w: f"/follow-ups/export.csv?cohort={w.cohort_a.id}", STAFF),
        Case(lambda w: f"/follow-ups/export.csv?cohort={w.cohort_b.id}", MENTOR_HIDDEN),
        Case(lambda w: "/follow-ups/export.csv?cohort=999999", MENTOR_HIDDEN),
    ],
    "outcomes.data_dictionary": [
        Case(lambda w: "/outcomes/data-dictionary", STAFF),
    ],
    "outcomes.follow_up_import": [
        Case(lambda w: "/follow-ups/import", MANAGERS),
        # No file chosen: the page again, with the error.
        Case(lambda w: "/follow-ups/import", MANAGERS, method="POST"),
    ],
    "outcomes.confirm_follow_up_import": [
        # No preview waiting: back to the upload page with a message.
        Case(lambda w: "/follow-ups/import/confirm", MANAGER_ACTION, method="POST", data={"token": "x" * 32}),
    ],
    "outcomes.follow_up_import_template": [
        Case(lambda w: "/follow-ups/import/template.csv", MANAGERS),
    ],
    "outcomes.follow_up_import_result": [
        Case(lambda w: "/follow-ups/import/result", MANAGERS),
    ],
}
