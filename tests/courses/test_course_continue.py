"""The course page continues where the learner's home does: past work waiting for review, never into a lock."""

import pytest
from sqlalchemy import select

from lms.core.extensions import db
from lms.learning.models.submission import Submission, SubmissionState
from lms.learning.services.completions import record_completion
from lms.learning.services.lessons import course_outline
from lms.progress import home_services
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LeadFactory,
    LessonFactory,
    ModuleFactory,
    ProgramFactory,
)

WITH_MENTOR = "Your work is with your mentor for review. You can go on once it is accepted."
WAITING = [SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW]


def hand_in(learner, lesson, cohort, state=SubmissionState.SUBMITTED) -> Submission:
    submission = Submission(lesson_id=lesson.id, learner_id=learner.id, cohort_id=cohort.id, state=state)
    db.session.add(submission)
    db.session.commit()
    return submission


def course_with_a_task(sequential: bool, unlock_on: str = "acceptance"):
    """Module 1: a reading, then an assignment, then a reading; module 2: one reading. The reading is done."""
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    learner = EnrollmentFactory(cohort=cohort).learner
    course = CourseFactory(program=program, sequential=sequential, unlock_on=unlock_on, title="Open your shop")
    first, second = ModuleFactory(course=course, position=1), ModuleFactory(course=course, position=2)
    intro = LessonFactory(module=first, kind="reading", position=1, title="Why a shop")
    task = LessonFactory(module=first, kind="assignment", position=2, title="Send your shop link")
    after_task = LessonFactory(module=first, kind="reading", position=3, title="Pictures that sell")
    next_module = LessonFactory(module=second, kind="reading", position=1, title="Your first order")
    CohortCourseFactory(cohort=cohort, course=course)
    record_completion(learner, intro)
    db.session.commit()
    return cohort, learner, course, task, after_task, next_module


def course_page(client, course) -> str:
    response = client.get(f"/courses/{course.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def continue_button(html: str) -> str:
    """The button at the top of the course page ('' when there is none)."""
    top = html.split('<section class="module"')[0]
    return top.split('<a class="button"')[1].split("</a>")[0] if '<a class="button"' in top else ""


@pytest.mark.parametrize("state", WAITING)
@pytest.mark.parametrize("sequential", [False, True], ids=["free", "sequential"])
def test_continue_skips_an_assignment_waiting_for_review(client, auth, sequential, state):
    cohort, learner, course, task, after_task, _next_module = course_with_a_task(sequential)
    hand_in(learner, task, cohort, state)
    auth.login(learner)
    html = course_page(client, course)
    assert f'href="/lessons/{after_task.id}">Continue: Pictures that sell' in continue_button(html)
    assert WITH_MENTOR not in html
    # The task itself says why it is not where to continue.
    task_row = html.split(f'href="/lessons/{task.id}"')[1].split("</li>")[0]
    assert "Waiting for your mentor" in task_row


def test_a_sequential_course_never_continues_into_a_locked_module_and_says_the_work_is_with_the_mentor(client, auth):
    cohort, learner, course, task, after_task, next_module = course_with_a_task(sequential=True)
    hand_in(learner, task, cohort)
    record_completion(learner, after_task)
    db.session.commit()
    auth.login(learner)
    html = course_page(client, course)
    assert continue_button(html) == ""
    assert WITH_MENTOR in html
    assert "You have finished this course." not in html
    assert f'href="/lessons/{next_module.id}"' not in html  # locked until the task is accepted
    # The locked lesson's page offers no "Continue" to work that waits, and says why.
    locked = client.get(f"/lessons/{next_module.id}")
    assert locked.status_code == 403
    locked_html = locked.get_data(as_text=True)
    assert "Continue:" not in locked_html
    assert WITH_MENTOR in locked_html


def test_a_course_that_unlocks_on_submission_opens_the_next_module_once_the_work_is_handed_in(client, auth):
    cohort, learner, course, task, after_task, next_module = course_with_a_task(True, unlock_on="submission")
    record_completion(learner, after_task)
    db.session.commit()
    auth.login(learner)
    assert client.get(f"/lessons/{next_module.id}").status_code == 403  # nothing handed in yet
    hand_in(learner, task, cohort)
    html = course_page(client, course)
    assert f'href="/lessons/{next_module.id}">Continue: Your first order' in continue_button(html)
    assert client.get(f"/lessons/{next_module.id}").status_code == 200
    # A revision asked for does not close the module again; the task is where to continue.
    db.session.execute(Submission.__table__.update().values(state=SubmissionState.REVISION_REQUESTED))
    db.session.commit()
    assert client.get(f"/lessons/{next_module.id}").status_code == 200
    assert f'href="/lessons/{task.id}">Continue: Send your shop link' in continue_button(course_page(client, course))


def test_a_free_course_goes_on_to_the_next_module_while_the_work_waits(client, auth):
    cohort, learner, course, task, after_task, next_module = course_with_a_task(sequential=False)
    hand_in(learner, task, cohort, SubmissionState.IN_REVIEW)
    record_completion(learner, after_task)
    db.session.commit()
    auth.login(learner)
    html = course_page(client, course)
    assert f'href="/lessons/{next_module.id}">Continue: Your first order' in continue_button(html)
    record_completion(learner, next_module)
    db.session.commit()
    html = course_page(client, course)
    assert continue_button(html) == ""
    assert WITH_MENTOR in html  # not "finished": the task is still with the mentor


@pytest.mark.parametrize("sequential", [False, True], ids=["free", "sequential"])
def test_a_revision_requested_is_where_to_continue_again(client, auth, sequential):
    cohort, learner, course, task, _after_task, _next_module = course_with_a_task(sequential)
    hand_in(learner, task, cohort, SubmissionState.REVISION_REQUESTED)
    auth.login(learner)
    html = course_page(client, course)
    assert f'href="/lessons/{task.id}">Continue: Send your shop link' in continue_button(html)
    assert "Waiting for your mentor" not in html


def test_accepted_work_opens_the_next_module(client, auth):
    cohort, learner, course, task, after_task, next_module = course_with_a_task(sequential=True)
    hand_in(learner, task, cohort, SubmissionState.ACCEPTED)
    record_completion(learner, task)  # a mentor's acceptance completes the lesson
    record_completion(learner, after_task)
    db.session.commit()
    auth.login(learner)
    html = course_page(client, course)
    assert f'href="/lessons/{next_module.id}">Continue: Your first order' in continue_button(html)
    assert WITH_MENTOR not in html


def test_another_learners_work_does_not_move_this_learners_place(client, auth):
    cohort, learner, course, task, _after_task, _next_module = course_with_a_task(sequential=True)
    other = EnrollmentFactory(cohort=cohort).learner
    hand_in(other, task, cohort)
    auth.login(learner)
    html = course_page(client, course)
    assert f'href="/lessons/{task.id}">Continue: Send your shop link' in continue_button(html)
    assert "Waiting for your mentor" not in html


@pytest.mark.parametrize("sequential", [False, True], ids=["free", "sequential"])
def test_the_course_page_and_the_home_always_continue_with_the_same_lesson(sequential):
    cohort, learner, course, task, after_task, next_module = course_with_a_task(sequential)
    steps = [
        lambda: None,
        lambda: hand_in(learner, task, cohort),
        lambda: record_completion(learner, after_task),
        lambda: setattr(db.session.scalar(select(Submission)), "state", SubmissionState.ACCEPTED),
        lambda: record_completion(learner, task),
        lambda: record_completion(learner, next_module),
    ]
    for number, step in enumerate(steps):
        step()
        db.session.commit()
        outline = course_outline(course, learner)
        card = next(card for card in home_services.learner_home(learner).courses if card.entry.course.id == course.id)
        assert getattr(outline.next_lesson, "id", None) == getattr(card.next_lesson, "id", None), number
        assert outline.waiting_for_review == card.waiting_for_review, number
        if outline.next_lesson is not None:
            assert outline.blocking_module(outline.next_lesson) is None, number


def test_staff_still_open_the_first_lesson():
    cohort, learner, course, task, _after_task, _next_module = course_with_a_task(sequential=True)
    hand_in(learner, task, cohort)
    assert course_outline(course, learner).waiting == {task.id}
    staff = course_outline(course, LeadFactory())
    assert staff.next_lesson == staff.lessons[0]
    assert not staff.waiting_for_review
    assert staff.waiting == set()


def counted_pages(client, auth, count_queries, lesson_count: int, hand_in_work: bool) -> list[int]:
    """Queries of a sequential course's page and of its first lesson, for a learner a third of the way through."""
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    learner = EnrollmentFactory(cohort=cohort).learner
    course = CourseFactory(program=program, sequential=True)
    modules = [ModuleFactory(course=course, position=number) for number in range(3)]
    lessons = [
        LessonFactory(module=modules[index * 3 // lesson_count], kind="assignment" if index % 2 else "reading")
        for index in range(lesson_count)
    ]
    CohortCourseFactory(cohort=cohort, course=course)
    for lesson in lessons[: lesson_count // 3]:
        if lesson.kind == "assignment" and hand_in_work:
            hand_in(learner, lesson, cohort)
        else:
            record_completion(learner, lesson)
    db.session.commit()
    auth.login(learner)
    counts = []
    for url in (f"/courses/{course.id}", f"/lessons/{lessons[0].id}"):
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    auth.logout()
    return counts


def test_the_course_and_lesson_pages_run_as_many_queries_with_work_waiting(client, auth, count_queries):
    """The place to continue and the work waiting come with the outline's lessons: no query more, at any size."""
    baseline = counted_pages(client, auth, count_queries, 6, hand_in_work=False)
    for lesson_count in (6, 60):
        assert counted_pages(client, auth, count_queries, lesson_count, hand_in_work=True) == baseline, lesson_count


def test_a_lead_chooses_what_opens_the_next_module(client, auth):
    lead = LeadFactory()
    course = CourseFactory(sequential=True)
    auth.login(lead)
    form = client.get(f"/manage/courses/{course.id}/edit").text
    assert '<input checked id="unlock_on-0" name="unlock_on" type="radio" value="submission">' in form
    data = {"program_id": course.program_id, "title": course.title, "language": "en", "sequential": "y"}
    client.post(f"/manage/courses/{course.id}/edit", data={**data, "unlock_on": "acceptance"})
    db.session.expire_all()
    assert course.unlock_on == "acceptance"
    assert client.post(f"/manage/courses/{course.id}/edit", data={**data, "unlock_on": "never"}).status_code == 200
    db.session.expire_all()
    assert course.unlock_on == "acceptance"
