"""Outcomes: intake, graduation, support, audit."""

from datetime import date

from sqlalchemy import select

from lms.core.extensions import db
from lms.outcomes.models import Graduation, SupportRecord
from tests.permission_cases.common import MANAGER_ACTION, MANAGERS, Case, everyone, moved_to_cohort_b, other_lead


def graduation_of_learner_a(world) -> int:
    """A URL-builder's helper (graduation area): learner A's graduation from cohort A, made once when a URL is built."""
    found = db.session.scalar(
        select(Graduation.id).where(
            Graduation.learner_id == world.learner_a.id, Graduation.cohort_id == world.cohort_a.id
        )
    )
    if found is not None:
        return found
    return world.graduate(graduated_on=date(2027, 6, 30), baseline_fen=None).id


def support_record_of(learner) -> int:
    """A URL-builder's helper (support area): a new support record of ``learner``, made when the URL is built."""
    record = SupportRecord(
        learner_id=learner.id, kind="loan", given_on=date(2026, 3, 1), value_fen=500_000, given_by="County bank"
    )
    db.session.add(record)
    db.session.commit()
    return record.id


CASES: dict[str, list[Case]] = {
    # ---- Graduation: mentors of the cohort see the table; only leads and admins confirm and undo ----
    "outcomes.graduation": [
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/graduation", other_lead(everyone(200, anonymous=302, learner=403))),
        Case(lambda w: f"/cohorts/{w.cohort_b.id}/graduation", everyone(200, anonymous=302, learner=403, mentor=404)),
        Case(lambda w: "/cohorts/999999/graduation", everyone(404, anonymous=302, learner=403)),
    ],
    "outcomes.confirm_graduation": [
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/graduation/confirm",
            MANAGER_ACTION,
            method="POST",
            data={"learner_ids": "1"},
        ),
        # Nothing ticked: back to the page with a message.
        Case(lambda w: f"/cohorts/{w.cohort_b.id}/graduation/confirm", MANAGER_ACTION, method="POST"),
        Case(
            lambda w: "/cohorts/999999/graduation/confirm",
            everyone(404, anonymous=302, learner=403, mentor=403),
            method="POST",
        ),
    ],
    "outcomes.undo_graduation": [
        Case(lambda w: f"/graduations/{graduation_of_learner_a(w)}/undo", MANAGERS),
        Case(
            lambda w: f"/graduations/{graduation_of_learner_a(w)}/undo",
            MANAGER_ACTION,
            method="POST",
            data={"reason": "Confirmed by mistake."},
        ),
        # Without a reason nothing is undone: the form again, with the error.
        Case(lambda w: f"/graduations/{graduation_of_learner_a(w)}/undo", MANAGERS, method="POST"),
        Case(lambda w: "/graduations/999999/undo", everyone(404, anonymous=302, learner=403, mentor=403)),
    ],
    # ---- Intake (consent, baseline): the learner, a mentor of their active cohort, leads and admins ----
    "outcomes.intake": [
        Case(lambda w: f"/learners/{w.learner_a.id}/intake", other_lead(everyone(200, anonymous=302))),
        # Cohort B's learner: hidden from learner A and from cohort A's mentor.
        Case(lambda w: f"/learners/{w.learner_b.id}/intake", everyone(200, anonymous=302, learner=404, mentor=404)),
        # A mentor is not a learner: nobody has an intake for them.
        Case(lambda w: f"/learners/{w.mentor_b.id}/intake", everyone(404, anonymous=302)),
        Case(lambda w: "/learners/999999/intake", everyone(404, anonymous=302)),
    ],
    "outcomes.set_consent": [
        Case(lambda w: f"/learners/{w.learner_a.id}/consent", everyone(302), method="POST", data={"granted": "yes"}),
        Case(
            lambda w: f"/learners/{w.learner_b.id}/consent",
            everyone(302, learner=404, mentor=404),
            method="POST",
            data={"granted": "no"},
        ),
        Case(
            lambda w: "/learners/999999/consent", everyone(404, anonymous=302), method="POST", data={"granted": "yes"}
        ),
    ],
    # ---- The audit log: leads and admins only ----
    "outcomes.program_audit_log": [
        Case(lambda w: "/audit", MANAGERS),
        Case(lambda w: "/audit?entity=support&page=2", MANAGERS),
    ],
    "outcomes.audit_log": [
        Case(lambda w: f"/learners/{w.learner_a.id}/audit", MANAGERS),
        Case(lambda w: "/learners/999999/audit", everyone(404, anonymous=302, learner=403, mentor=403)),
    ],
    # ---- Support: leads and admins record; the learner's mentors and the learner themself read ----
    "outcomes.support": [
        Case(lambda w: f"/learners/{w.learner_a.id}/support", everyone(200, anonymous=302)),
        # Learner B is in cohort B: hidden from learner A and from cohort A's mentor.
        Case(lambda w: f"/learners/{w.learner_b.id}/support", everyone(200, anonymous=302, learner=404, mentor=404)),
        # A learner who moved from cohort A to B: hidden from cohort A's mentor too.
        Case(
            lambda w: f"/learners/{moved_to_cohort_b(w)}/support", everyone(200, anonymous=302, learner=404, mentor=404)
        ),
        # Only learners have support records.
        Case(lambda w: f"/learners/{w.lead.id}/support", everyone(404, anonymous=302)),
        Case(lambda w: "/learners/999999/support", everyone(404, anonymous=302)),
    ],
    "outcomes.add_support": [
        # Nothing filled in: the page again, with the errors.
        Case(lambda w: f"/learners/{w.learner_a.id}/support", MANAGERS, method="POST"),
        Case(
            lambda w: f"/learners/{w.learner_b.id}/support",
            MANAGER_ACTION,
            method="POST",
            data={"kind": "loan", "given_on": "2026-03-01", "value_yuan": "5000", "given_by": "County bank"},
        ),
        Case(lambda w: f"/learners/{w.lead.id}/support", everyone(404, anonymous=302, learner=403, mentor=403), "POST"),
        Case(lambda w: "/learners/999999/support", everyone(404, anonymous=302, learner=403, mentor=403), "POST"),
    ],
    "outcomes.delete_support": [
        Case(lambda w: f"/support/{support_record_of(w.learner_a)}/delete", MANAGERS),
        Case(lambda w: f"/support/{support_record_of(w.learner_b)}/delete", MANAGER_ACTION, method="POST"),
        Case(lambda w: "/support/999999/delete", everyone(404, anonymous=302, learner=403, mentor=403)),
        Case(lambda w: "/support/999999/delete", everyone(404, anonymous=302, learner=403, mentor=403), "POST"),
    ],
    "outcomes.support_overview": [
        Case(lambda w: "/support", MANAGERS),
        Case(lambda w: f"/support?cohort={w.cohort_a.id}&page=2", MANAGERS),
        Case(lambda w: "/support?cohort=99999999999999999999999", MANAGERS),
    ],
}
