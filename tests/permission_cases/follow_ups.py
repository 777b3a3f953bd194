"""Follow-ups: the graduate's own, their cohort's mentors, leads and admins; the schedule is the leads'."""

from datetime import date

from sqlalchemy import select

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.outcomes.models import FollowUp, Graduation
from tests.factories import follow_up, graduate
from tests.permission_cases.common import MANAGER_ACTION, MANAGERS, SIGNED_IN, STAFF, Case, everyone

GRADUATED_ON = date(2025, 10, 15)  # long enough ago for every default wave to be due
FORM = {
    "wave": "12",
    "period_start": "2026-09-01",
    "period_end": "2026-09-30",
    "monthly_income": "3800",
    "revenue": "9000",
    "products-0-product": "tea",
    "products-0-quantity": "120",
    "products-0-unit": "jin",
    "channels": "kuaishou",
}
EDIT_FORM = {key: value for key, value in FORM.items() if key != "wave"}


def graduation_of(world, learner) -> Graduation:
    """A URL-builder's helper (follow-ups area): the learner's graduation from their cohort, made once."""
    cohort = world.cohort_a if learner.id == world.learner_a.id else world.cohort_b
    found = db.session.scalar(
        select(Graduation).where(Graduation.learner_id == learner.id, Graduation.cohort_id == cohort.id)
    )
    if found is None:
        found = graduate(cohort, learner, graduated_on=GRADUATED_ON, baseline_fen=None)
    return found


def graduated(world, learner) -> int:
    """The learner's id, once they have graduated."""
    graduation_of(world, learner)
    return learner.id


def follow_up_of(world, learner, verified: bool = False) -> int:
    """A URL-builder's helper: a self-reported follow-up (wave 0) of the learner, made once."""
    graduation = graduation_of(world, learner)
    found = db.session.scalar(select(FollowUp).where(FollowUp.graduation_id == graduation.id))
    if found is None:
        found = follow_up(
            graduation,
            0,
            income_fen=300_000,
            period_start=date(2025, 9, 1),
            period_end=date(2025, 9, 30),
            source="self",
        )
    if verified:
        found.verified_at = utcnow()
        found.verified_by_id = world.mentor_a.id
    db.session.commit()
    return found.id


OWN_OR_STAFF_404 = everyone(200, anonymous=302, learner=404, mentor=404)

CASES: dict[str, list[Case]] = {
    # ---- The list of due, overdue and collected follow-ups: mentors (their cohorts) and leads ----
    "outcomes.follow_ups": [
        Case(lambda w: "/follow-ups", STAFF),
        Case(lambda w: f"/follow-ups?state=collected&cohort={w.cohort_b.id}&page=3", STAFF),
        Case(lambda w: "/follow-ups?state=%00&cohort=99999999999999999999&page=-1", STAFF),
    ],
    # ---- A graduate's follow-ups: themself, their cohort's mentors, leads and admins ----
    "outcomes.learner_follow_ups": [
        Case(lambda w: f"/learners/{graduated(w, w.learner_a)}/follow-ups", SIGNED_IN),
        Case(lambda w: f"/learners/{graduated(w, w.learner_b)}/follow-ups", OWN_OR_STAFF_404),
        # Not graduated: the page says so.
        Case(lambda w: f"/learners/{w.learner_a.id}/follow-ups", SIGNED_IN),
        Case(lambda w: f"/learners/{w.mentor_b.id}/follow-ups", everyone(404, anonymous=302)),
        Case(lambda w: "/learners/999999/follow-ups", everyone(404, anonymous=302)),
    ],
    "outcomes.new_follow_up": [
        Case(lambda w: f"/learners/{graduated(w, w.learner_a)}/follow-ups/new?wave=3", SIGNED_IN),
        Case(lambda w: f"/learners/{graduated(w, w.learner_b)}/follow-ups/new", OWN_OR_STAFF_404),
        # Not graduated yet: a clear message, and a POST changes nothing.
        Case(lambda w: f"/learners/{w.learner_a.id}/follow-ups/new", SIGNED_IN),
        Case(
            lambda w: f"/learners/{w.learner_a.id}/follow-ups/new",
            everyone(409, anonymous=302),
            method="POST",
            data=FORM,
        ),
        Case(
            lambda w: f"/learners/{graduated(w, w.learner_a)}/follow-ups/new",
            everyone(302),
            method="POST",
            data=FORM,
        ),
        Case(
            lambda w: f"/learners/{graduated(w, w.learner_b)}/follow-ups/new",
            everyone(302, learner=404, mentor=404),
            method="POST",
            data=FORM,
        ),
        # Nothing filled in: the form again, with the errors.
        Case(lambda w: f"/learners/{graduated(w, w.learner_a)}/follow-ups/new", SIGNED_IN, method="POST"),
        Case(lambda w: f"/learners/{w.lead.id}/follow-ups/new", everyone(404, anonymous=302)),
        Case(lambda w: "/learners/999999/follow-ups/new", everyone(404, anonymous=302), method="POST", data=FORM),
    ],
    "outcomes.follow_up": [
        Case(lambda w: f"/follow-ups/{follow_up_of(w, w.learner_a)}", SIGNED_IN),
        Case(lambda w: f"/follow-ups/{follow_up_of(w, w.learner_b)}", OWN_OR_STAFF_404),
        Case(lambda w: "/follow-ups/999999", everyone(404, anonymous=302)),
    ],
    "outcomes.edit_follow_up": [
        Case(lambda w: f"/follow-ups/{follow_up_of(w, w.learner_a)}/edit", SIGNED_IN),
        Case(lambda w: f"/follow-ups/{follow_up_of(w, w.learner_b)}/edit", OWN_OR_STAFF_404),
        Case(
            lambda w: f"/follow-ups/{follow_up_of(w, w.learner_a)}/edit", everyone(302), method="POST", data=EDIT_FORM
        ),
        Case(
            lambda w: f"/follow-ups/{follow_up_of(w, w.learner_b)}/edit",
            everyone(302, learner=404, mentor=404),
            method="POST",
            data=EDIT_FORM,
        ),
        # Verified by the mentor: the graduate is sent back to the record, staff may still edit.
        Case(lambda w: f"/follow-ups/{follow_up_of(w, w.learner_a, verified=True)}/edit", SIGNED_IN | {"learner": 302}),
        Case(lambda w: "/follow-ups/999999/edit", everyone(404, anonymous=302), method="POST", data=EDIT_FORM),
    ],
    "outcomes.verify_follow_up": [
        Case(lambda w: f"/follow-ups/{follow_up_of(w, w.learner_a)}/verify", everyone(302, learner=403), "POST"),
        Case(
            lambda w: f"/follow-ups/{follow_up_of(w, w.learner_b)}/verify",
            everyone(302, learner=403, mentor=404),
            "POST",
        ),
        Case(lambda w: "/follow-ups/999999/verify", everyone(404, anonymous=302, learner=403), "POST"),
    ],
    "outcomes.delete_follow_up": [
        Case(lambda w: f"/follow-ups/{follow_up_of(w, w.learner_a)}/delete", MANAGERS),
        Case(lambda w: f"/follow-ups/{follow_up_of(w, w.learner_b)}/delete", MANAGER_ACTION, method="POST"),
        Case(lambda w: "/follow-ups/999999/delete", everyone(404, anonymous=302, learner=403, mentor=403)),
        Case(lambda w: "/follow-ups/999999/delete", everyone(404, anonymous=302, learner=403, mentor=403), "POST"),
    ],
    # ---- The program's schedule: leads and admins ----
    "outcomes.follow_up_schedule": [
        Case(lambda w: f"/programs/{w.program.id}/follow-up-schedule", MANAGERS),
        Case(
            lambda w: f"/programs/{w.program.id}/follow-up-schedule",
            MANAGER_ACTION,
            method="POST",
            data={"months": "0, 6, 12"},
        ),
        # Not ascending: the form again, with the message.
        Case(lambda w: f"/programs/{w.program.id}/follow-up-schedule", MANAGERS, method="POST", data={"months": "6,0"}),
        Case(lambda w: "/programs/999999/follow-up-schedule", everyone(404, anonymous=302, learner=403, mentor=403)),
    ],
}
