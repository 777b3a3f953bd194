"""What is due and who is at risk: optional courses, graduates and work handed in; same query count at any size."""

from datetime import date, timedelta

import pytest

from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.learning.models.submission import Submission, SubmissionState
from lms.learning.services.completions import record_completion
from lms.learning.services.lessons import course_outline
from lms.outcomes.models import Graduation
from lms.progress import cohort_services, home_services
from lms.progress.mentor_home import at_risk_learners
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    MentorFactory,
    ModuleFactory,
    ProgramFactory,
    graduate,
)

LONG_AGO = utcnow() - timedelta(days=40)


def due_titles(learner) -> list[str]:
    return [item.lesson.title for item in home_services.learner_home(learner).due]


def overdue_titles(cohort, learner) -> list[str] | None:
    """The overdue assignments the cohort's at-risk page gives for the learner, or None when not listed."""
    rows = {row.learner.id: row for row in cohort_services.learners_at_risk(cohort, 7)}
    return [lesson.title for lesson, _due_on in rows[learner.id].overdue] if learner.id in rows else None


def home_due_section(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return html.split("Assignments due")[1].split("</section>")[0] if "Assignments due" in html else ""


def hand_in(learner, lesson, cohort, state=SubmissionState.SUBMITTED) -> Submission:
    submission = Submission(lesson_id=lesson.id, learner_id=learner.id, cohort_id=cohort.id, state=state)
    db.session.add(submission)
    db.session.commit()
    return submission


def yesterday() -> date:
    return program_today() - timedelta(days=1)


@pytest.fixture
def optional_world(world):
    """Cohort A started 20 days ago; beside required course A (assignment due day 14) it offers an optional course."""
    world.cohort_a.starts_on = program_today() - timedelta(days=20)
    module = ModuleFactory(course=CourseFactory(program=world.program, title="Optional extras"))
    world.optional_reading = LessonFactory(module=module, kind="reading", title="Optional reading")
    world.optional_assignment = LessonFactory(module=module, kind="assignment", title="Optional task", due_days=3)
    CohortCourseFactory(cohort=world.cohort_a, course=module.course, required=False)
    db.session.commit()
    return world


# ---- Optional courses ----


def test_an_optional_courses_assignment_is_due_only_once_the_learner_started_that_course(client, auth, optional_world):
    world = optional_world
    learner = world.learner_a
    assert due_titles(learner) == [world.courses_a.assignment.title]  # the required one only
    record_completion(learner, world.optional_reading)
    db.session.commit()
    assert due_titles(learner) == [world.optional_assignment.title, world.courses_a.assignment.title]
    auth.login(learner)
    due = home_due_section(client)
    assert "Optional task" in due
    assert due.count("Overdue") == 2


def test_an_optional_courses_assignment_never_puts_a_learner_at_risk(client, auth, optional_world):
    world = optional_world
    learner = world.learner_a
    record_completion(learner, world.courses_a.assignment)  # the required work is done
    record_completion(learner, world.optional_reading)  # and the optional course started, its task overdue
    db.session.commit()
    assert overdue_titles(world.cohort_a, learner) is None
    assert cohort_services.at_risk_counts([world.cohort_a], 7) == {world.cohort_a.id: 0}
    auth.login(world.mentor_a)
    html = client.get(f"/cohorts/{world.cohort_a.id}/at-risk").get_data(as_text=True)
    assert "Nobody in this cohort is at risk now." in html
    assert "0 learners at risk" in client.get("/").get_data(as_text=True)


def test_a_required_courses_assignment_still_puts_a_learner_at_risk(optional_world):
    world = optional_world
    record_completion(world.learner_a, world.optional_reading)
    db.session.commit()
    assert overdue_titles(world.cohort_a, world.learner_a) == [world.courses_a.assignment.title]
    assert cohort_services.at_risk_counts([world.cohort_a], 7) == {world.cohort_a.id: 1}


def test_a_course_optional_in_one_cohort_is_required_in_another(world):
    """``required`` belongs to the cohort's offer: the same course counts where it is required."""
    world.cohort_a.starts_on = world.cohort_b.starts_on = program_today() - timedelta(days=20)
    CohortCourseFactory(cohort=world.cohort_b, course=world.courses_a.course, required=False)
    EnrollmentFactory(cohort=world.cohort_b, learner=world.learner_a)
    db.session.commit()
    assert overdue_titles(world.cohort_a, world.learner_a) == [world.courses_a.assignment.title]
    assert overdue_titles(world.cohort_b, world.learner_a) == [world.courses_b.assignment.title]


# ---- Graduates ----


@pytest.fixture
def silent_and_overdue(world):
    """Cohort A started a month ago; its learner joined then, never came back, and course A's assignment is late."""
    world.cohort_a.starts_on = program_today() - timedelta(days=30)
    world.cohort_a.enrollments[0].enrolled_at = LONG_AGO
    db.session.commit()
    return world


def test_a_graduate_is_not_at_risk_on_any_list(client, auth, silent_and_overdue):
    world = silent_and_overdue
    learner = world.learner_a
    assert overdue_titles(world.cohort_a, learner) == [world.courses_a.assignment.title]
    graduate(world.cohort_a, learner, graduated_on=yesterday(), baseline_fen=None)
    assert overdue_titles(world.cohort_a, learner) is None
    assert cohort_services.at_risk_counts([world.cohort_a], 7) == {world.cohort_a.id: 0}
    assert at_risk_learners([world.cohort_a], 7) == ([], 0)
    auth.login(world.mentor_a)
    assert learner.name not in client.get(f"/cohorts/{world.cohort_a.id}/at-risk").get_data(as_text=True)
    assert "0 learners at risk" in client.get("/").get_data(as_text=True)
    mentor_home = client.get("/").get_data(as_text=True)
    assert learner.name not in mentor_home.split("Learners at risk")[1].split("Check-ins due")[0]


def test_an_undone_graduation_or_one_from_another_cohort_does_not_hide_a_learner(silent_and_overdue):
    world = silent_and_overdue
    graduate(world.cohort_a, world.learner_a, graduated_on=yesterday(), baseline_fen=None, undone=True)
    graduate(world.cohort_b, world.learner_a, graduated_on=yesterday(), baseline_fen=None)
    assert overdue_titles(world.cohort_a, world.learner_a) == [world.courses_a.assignment.title]
    assert [row.learner.id for row in at_risk_learners([world.cohort_a], 7)[0]] == [world.learner_a.id]


def test_a_graduate_has_nothing_due_in_the_cohort_they_graduated_from(silent_and_overdue):
    world = silent_and_overdue
    assert due_titles(world.learner_a) == [world.courses_a.assignment.title]
    graduate(world.cohort_a, world.learner_a, graduated_on=yesterday(), baseline_fen=None)
    assert due_titles(world.learner_a) == []


# ---- Work handed in ----


@pytest.fixture
def assignment_next(world):
    """Course A's reading, video and quiz are done; its assignment, due on day 14, is next and 6 days late."""
    world.cohort_a.starts_on = program_today() - timedelta(days=20)
    for lesson in (world.courses_a.reading, world.courses_a.video, world.courses_a.quiz):
        record_completion(world.learner_a, lesson)
    db.session.commit()
    return world


@pytest.mark.parametrize("state", [SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW])
def test_work_waiting_for_review_is_not_due_and_not_where_to_continue(client, auth, assignment_next, state):
    world = assignment_next
    learner, assignment = world.learner_a, world.courses_a.assignment
    hand_in(learner, assignment, world.cohort_a, state)
    assert due_titles(learner) == []
    assert overdue_titles(world.cohort_a, learner) is None
    assert home_services.next_lessons(learner, [world.courses_a.course.id]) == {}
    auth.login(learner)
    html = client.get("/").get_data(as_text=True)
    assert "Assignments due" not in html
    assert "Continue where you left off" not in html
    assert "Your work is with your mentor for review. You can go on once it is accepted." in html
    assert "Waiting for your mentor" in html
    assert "You have finished every lesson" not in html


def test_work_waiting_for_review_is_where_the_learner_left_off_not_an_untouched_course(assignment_next):
    world = assignment_next
    untouched = LessonFactory(module=ModuleFactory(course=CourseFactory(program=world.program)))
    CohortCourseFactory(cohort=world.cohort_a, course=untouched.module.course, required=False)
    hand_in(world.learner_a, world.courses_a.assignment, world.cohort_a)
    home = home_services.learner_home(world.learner_a)
    assert home.resume is None
    assert home.waiting_for_review
    assert [card.next_lesson for card in home.courses] == [None, untouched]  # still one tap away on its card
    record_completion(world.learner_a, untouched)  # started: now it is somewhere the learner left off
    db.session.commit()
    assert home_services.learner_home(world.learner_a).resume is None  # nothing left in it either
    second = LessonFactory(module=untouched.module)
    db.session.commit()
    home = home_services.learner_home(world.learner_a)
    assert home.resume.next_lesson == second
    assert not home.waiting_for_review


def test_a_revision_requested_is_due_again_and_where_to_continue(client, auth, assignment_next):
    world = assignment_next
    learner, assignment = world.learner_a, world.courses_a.assignment
    hand_in(learner, assignment, world.cohort_a, SubmissionState.REVISION_REQUESTED)
    assert due_titles(learner) == [assignment.title]
    assert overdue_titles(world.cohort_a, learner) == [assignment.title]
    auth.login(learner)
    html = client.get("/").get_data(as_text=True)
    resume = html.split("Continue where you left off")[1].split("</section>")[0]
    assert f'/lessons/{assignment.id}"' in resume
    assert "Overdue" in home_due_section(client)


def test_accepted_work_is_neither_due_nor_overdue(assignment_next):
    world = assignment_next
    hand_in(world.learner_a, world.courses_a.assignment, world.cohort_a, SubmissionState.ACCEPTED)
    record_completion(world.learner_a, world.courses_a.assignment)
    db.session.commit()
    assert due_titles(world.learner_a) == []
    assert overdue_titles(world.cohort_a, world.learner_a) is None


@pytest.mark.parametrize(
    ("sequential", "unlock_on"),
    [(False, "submission"), (True, "acceptance"), (True, "submission")],
    ids=["free", "sequential-on-acceptance", "sequential-on-submission"],
)
def test_continuing_skips_work_waiting_for_review_but_never_into_a_locked_module(sequential, unlock_on):
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    learner = EnrollmentFactory(cohort=cohort).learner
    course = CourseFactory(program=program, sequential=sequential, unlock_on=unlock_on)
    first, second = ModuleFactory(course=course, position=1), ModuleFactory(course=course, position=2)
    task = LessonFactory(module=first, kind="assignment", position=1)
    after_task = LessonFactory(module=first, kind="reading", position=2)
    next_module = LessonFactory(module=second, kind="reading", position=1)
    CohortCourseFactory(cohort=cohort, course=course)
    hand_in(learner, task, cohort)

    def continue_with():
        found = home_services.next_lessons(learner, [course.id]).get(course.id)
        if found is not None:  # never a lesson the course page would refuse as locked
            assert course_outline(course, learner).blocking_module(found) is None
        return found

    assert continue_with() == after_task
    record_completion(learner, after_task)
    db.session.commit()
    # Until the task is accepted, a course that unlocks on acceptance stays closed; one on submission opens.
    stalled = sequential and unlock_on == "acceptance"
    assert continue_with() == (None if stalled else next_module)
    card = home_services.learner_home(learner).courses[0]
    assert card.waiting_for_review == stalled


# ---- Query counts ----


def build(size: int):
    """A cohort a month old with a required and an optional course; its learners in every state the rules know."""
    program = ProgramFactory()
    cohort = CohortFactory(program=program, starts_on=program_today() - timedelta(days=30))
    mentor = MentorFactory()
    cohort.mentors.append(mentor)
    required = ModuleFactory(course=CourseFactory(program=program))
    optional = ModuleFactory(course=CourseFactory(program=program))
    CohortCourseFactory(cohort=cohort, course=required.course)
    CohortCourseFactory(cohort=cohort, course=optional.course, required=False)
    tasks = [LessonFactory(module=required, kind="assignment", due_days=days) for days in (3, 6, 9)]
    optional_reading = LessonFactory(module=optional, kind="reading")
    LessonFactory(module=optional, kind="assignment", due_days=4)
    learners = [EnrollmentFactory(cohort=cohort, enrolled_at=LONG_AGO).learner for _ in range(size)]
    states = [None, SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW, SubmissionState.REVISION_REQUESTED]
    for index, learner in enumerate(learners):
        if index % 5 == 0:
            db.session.add(Graduation(learner_id=learner.id, cohort_id=cohort.id, graduated_on=program_today()))
        if index % 3 == 0:
            record_completion(learner, optional_reading)
        for task in tasks:
            state = states[(index + task.due_days) % len(states)]
            if state:
                db.session.add(Submission(lesson_id=task.id, learner_id=learner.id, cohort_id=cohort.id, state=state))
    db.session.commit()
    return cohort, mentor, learners


def test_query_counts_do_not_grow_with_learners_graduates_or_submissions(client, auth, count_queries):
    counts: dict[str, list[int]] = {}
    for size in (5, 40):
        cohort, mentor, learners = build(size)
        auth.login(mentor)
        for url in (f"/cohorts/{cohort.id}/at-risk", "/", f"/cohorts/{cohort.id}/progress"):
            with count_queries() as queries:
                html = client.get(url).get_data(as_text=True)
            counts.setdefault(url.split("/")[-1] or "home", []).append(len(queries))
            if url.endswith("at-risk"):
                for index, learner in enumerate(learners):
                    assert (f"/learners/{learner.id}" in html) == (index % 5 != 0), index  # graduates left out
        auth.logout()
        auth.login(learners[3])  # submissions in every state, the optional course started
        with count_queries() as queries:
            assert client.get("/").status_code == 200
        counts.setdefault("learner home", []).append(len(queries))
        auth.logout()
    assert all(small == large for small, large in counts.values()), counts
