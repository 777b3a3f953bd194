"""Graduation rules: which learners meet each of their cohort's rules, and what the others still lack."""

from datetime import date

from sqlalchemy import update

from lms.cohorts.models import EnrollmentStatus
from lms.core.extensions import db
from lms.courses.models import CohortCourse
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Submission, SubmissionState
from lms.outcomes.graduation.services import graduation_status
from lms.outcomes.models import Baseline, Graduation
from tests.factories import EnrollmentFactory, LessonFactory, make_course


def complete_lessons(learner, cohort, course_set, *, accept=True):
    """Finish every published lesson of a course set; its assignment is accepted unless told otherwise."""
    for lesson in (course_set.reading, course_set.video, course_set.quiz, course_set.assignment):
        db.session.add(Completion(learner_id=learner.id, lesson_id=lesson.id))
    state = SubmissionState.ACCEPTED if accept else SubmissionState.SUBMITTED
    submit(learner, cohort, course_set.assignment, state)


def submit(learner, cohort, lesson, state=SubmissionState.ACCEPTED):
    submission = Submission(lesson_id=lesson.id, learner_id=learner.id, cohort_id=cohort.id, state=state)
    db.session.add(submission)
    db.session.commit()
    return submission


def add_baseline(learner):
    db.session.add(Baseline(learner_id=learner.id, monthly_income_fen=350050, household_size=4, business_status="idea"))
    db.session.commit()


def make_ready(learner, cohort, course_set):
    """Everything the default rules ask for: lessons done, assignment accepted, baseline filled in."""
    complete_lessons(learner, cohort, course_set)
    add_baseline(learner)


def row_of(cohort, learner):
    return next(row for row in graduation_status(cohort) if row.learner.id == learner.id)


def test_a_learner_who_did_everything_meets_every_rule(world):
    make_ready(world.learner_a, world.cohort_a, world.courses_a)
    row = row_of(world.cohort_a, world.learner_a)
    assert (row.lessons_left, row.assignments_not_accepted, row.has_baseline) == (0, 0, True)
    assert row.business_plan_accepted is None  # the cohort has no business-plan rule
    assert row.meets_rules
    assert not row.graduated


def test_a_new_learner_lacks_lessons_assignments_and_baseline(world):
    row = row_of(world.cohort_a, world.learner_a)
    # Reading, video, quiz and assignment: the draft lesson does not count.
    assert row.lessons_left == 4
    assert row.assignments_not_accepted == 1
    assert row.has_baseline is False
    assert not row.meets_rules


def test_only_required_published_courses_count(world):
    elective = make_course(world.program, world.cohort_a, "Elective")
    db.session.execute(update(CohortCourse).where(CohortCourse.course_id == elective.course.id).values(required=False))
    unpublished = make_course(world.program, world.cohort_a, "Not yet published")
    unpublished.course.published = False
    db.session.commit()
    make_ready(world.learner_a, world.cohort_a, world.courses_a)
    assert row_of(world.cohort_a, world.learner_a).meets_rules


def test_a_lesson_left_is_counted(world):
    make_ready(world.learner_a, world.cohort_a, world.courses_a)
    LessonFactory(module=world.courses_a.module, kind="reading", title="One more")
    row = row_of(world.cohort_a, world.learner_a)
    assert row.lessons_left == 1
    assert not row.meets_rules


def test_an_assignment_waiting_for_review_is_not_accepted(world):
    complete_lessons(world.learner_a, world.cohort_a, world.courses_a, accept=False)
    add_baseline(world.learner_a)
    row = row_of(world.cohort_a, world.learner_a)
    assert row.lessons_left == 0
    assert row.assignments_not_accepted == 1
    assert not row.meets_rules


def test_business_plan_rule_needs_the_plan_accepted(world):
    plan = world.courses_a.assignment
    world.cohort_a.rule_assignments = False
    world.cohort_a.rule_business_plan_lesson_id = plan.id
    db.session.commit()
    for lesson in (world.courses_a.reading, world.courses_a.video, world.courses_a.quiz, plan):
        db.session.add(Completion(learner_id=world.learner_a.id, lesson_id=lesson.id))
    add_baseline(world.learner_a)
    submission = submit(world.learner_a, world.cohort_a, plan, SubmissionState.REVISION_REQUESTED)
    row = row_of(world.cohort_a, world.learner_a)
    assert row.business_plan_accepted is False
    assert row.assignments_not_accepted is None
    assert not row.meets_rules
    submission.state = SubmissionState.ACCEPTED
    db.session.commit()
    assert row_of(world.cohort_a, world.learner_a).meets_rules


def test_rules_the_cohort_does_not_use_are_not_asked(world):
    world.cohort_a.rule_courses = False
    world.cohort_a.rule_assignments = False
    world.cohort_a.rule_baseline = False
    db.session.commit()
    row = row_of(world.cohort_a, world.learner_a)
    assert (row.lessons_left, row.assignments_not_accepted, row.business_plan_accepted, row.has_baseline) == (
        None,
        None,
        None,
        None,
    )
    assert row.meets_rules


def test_the_baseline_rule_alone(world):
    world.cohort_a.rule_courses = False
    world.cohort_a.rule_assignments = False
    db.session.commit()
    assert not row_of(world.cohort_a, world.learner_a).meets_rules
    add_baseline(world.learner_a)
    assert row_of(world.cohort_a, world.learner_a).meets_rules


def test_only_active_learners_are_listed_and_graduations_are_shown(world):
    gone = EnrollmentFactory(cohort=world.cohort_a, status=EnrollmentStatus.WITHDRAWN).learner
    db.session.add(
        Graduation(learner_id=world.learner_a.id, cohort_id=world.cohort_a.id, graduated_on=date(2027, 6, 30))
    )
    db.session.commit()
    rows = graduation_status(world.cohort_a)
    assert [row.learner.id for row in rows] == [world.learner_a.id]
    assert rows[0].graduated
    assert gone.id not in {row.learner.id for row in rows}
    # Cohort B's learner is not in cohort A's list, and cohort A's progress does not leak into B's.
    assert [row.learner.id for row in graduation_status(world.cohort_b)] == [world.learner_b.id]
