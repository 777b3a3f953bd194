"""``lms seed-scale``: a program of N learners written in bulk, in the shape the load benchmark needs."""

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.app.demo.progress import required_lessons
from lms.cohorts.models import Cohort, Enrollment
from lms.core.calendar import add_months, program_today
from lms.core.extensions import db
from lms.core.roles import Role
from lms.courses.models import CohortCourse
from lms.learning.models import QuizAnswer, QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Review, Submission, SubmissionState
from lms.outcomes.models import Baseline, FollowUp, FollowUpQuantity, Graduation, ReportingConsent

PASSWORD = "scale-pass-2028"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_scale_writes_a_program_of_n_learners_and_refuses_a_second(app):
    runner = app.test_cli_runner()
    args = ["lms", "seed-scale", "--learners", "12", "--cohort-size", "4", "--password", PASSWORD]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "12 learners in 3 cohorts" in result.output

    assert count(User, User.role == Role.LEARNER) == 12
    assert count(User, User.role == Role.MENTOR) == 1
    assert count(Enrollment) == 12
    assert count(Baseline) == 12
    # The first learner of each cohort declined to be counted in reports.
    assert count(ReportingConsent, ReportingConsent.granted.is_(False)) == 3
    cohorts = list(db.session.scalars(select(Cohort).order_by(Cohort.id)))
    assert [len(cohort.mentors) for cohort in cohorts] == [1, 1, 1]
    assert count(CohortCourse) == 6
    lead = db.session.scalar(select(User).where(User.role == Role.LEAD))
    assert cohorts[0].program.leads == [lead]  # she runs it: her dashboard has figures
    today = program_today()
    ended, under_way = cohorts[:2], cohorts[2]
    assert all(cohort.ends_on < today for cohort in ended)
    assert under_way.ends_on > today

    graduations = list(db.session.scalars(select(Graduation)))
    assert 0 < len(graduations) <= 8
    assert {graduation.cohort_id for graduation in graduations} <= {cohort.id for cohort in ended}
    # Every graduate is past all four waves; a few skipped one.
    assert all(add_months(graduation.graduated_on, 12) <= today for graduation in graduations)
    waves = db.session.execute(select(FollowUp.wave_months, func.count()).group_by(FollowUp.wave_months)).all()
    assert {wave for wave, _count in waves} <= {0, 3, 6, 12}
    assert len(graduations) * 3 <= count(FollowUp) <= len(graduations) * 4
    assert count(FollowUpQuantity) == count(FollowUp)

    # A graduate did every lesson of the required course, with quiz answers and reviewed work.
    graduate = graduations[0].learner_id
    assert count(Completion, Completion.learner_id == graduate) == len(required_lessons(ended[0]))
    assert count(QuizAnswer, QuizAnswer.attempt.has(QuizAttempt.learner_id == graduate)) > 0
    assert count(Review, Review.submission.has(Submission.learner_id == graduate)) > 0
    assert count(Submission, Submission.state == SubmissionState.ACCEPTED) > 0

    again = runner.invoke(args=args)
    assert again.exit_code != 0
    assert "installed already" in again.output
    assert count(User, User.role == Role.LEARNER) == 12
