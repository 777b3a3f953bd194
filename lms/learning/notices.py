"""The learner's journey's notices: mentors hear of work to review, learners of feedback on theirs."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.models import Enrollment
from lms.cohorts.services import cohort_mentors_of
from lms.core.extensions import db
from lms.learning import signals
from lms.learning.models import ReviewDecision
from lms.notifications.models import NotificationKind
from lms.notifications.services import link_to, notify, register_wording

register_wording(NotificationKind.FEEDBACK_RECEIVED, _l("Feedback received on “%(lesson)s”: accepted."))
register_wording(
    NotificationKind.REVISION_REQUESTED,
    _l("Revision requested on “%(lesson)s”: read the feedback from %(mentor)s and submit again."),
)
register_wording(NotificationKind.SUBMISSION_TO_REVIEW, _l("Work to review: %(learner)s, “%(lesson)s”."))


def reviewers_of(submission) -> list[User]:
    """The learner's paired mentor when they have one in the cohort, else every mentor of the cohort."""
    mentors = cohort_mentors_of(submission.cohort_id)
    paired_id = db.session.scalar(
        select(Enrollment.mentor_id).where(
            Enrollment.cohort_id == submission.cohort_id, Enrollment.learner_id == submission.learner_id
        )
    )
    paired = [mentor for mentor in mentors if mentor.id == paired_id]
    return paired or mentors


def on_submission_submitted(learner: User, submission, version=None, **_extra) -> None:
    link = link_to("cohorts.review_queue")
    for mentor in reviewers_of(submission):
        notify(
            mentor,
            NotificationKind.SUBMISSION_TO_REVIEW,
            link,
            program_id=submission.cohort.program_id,
            learner=learner.name,
            lesson=submission.lesson.title,
        )


def on_submission_reviewed(mentor: User, submission, review, **_extra) -> None:
    accepted = review.decision == ReviewDecision.ACCEPTED
    kind = NotificationKind.FEEDBACK_RECEIVED if accepted else NotificationKind.REVISION_REQUESTED
    learner = db.session.get(User, submission.learner_id)
    notify(
        learner,
        kind,
        link_to("cohorts.my_submission", lesson_id=submission.lesson_id),
        program_id=submission.cohort.program_id,
        lesson=submission.lesson.title,
        mentor=mentor.name,
    )


signals.submission_submitted.connect(on_submission_submitted)
signals.submission_reviewed.connect(on_submission_reviewed)
