"""Preview as a learner: staff see a course as a new learner of a chosen cohort sees it (offers, locks, due dates),
with a banner and a way out, and nothing is recorded."""

from datetime import date

from flask_babel import format_date
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.models import Enrollment
from lms.core.extensions import db
from lms.courses.models import Course
from lms.learning.models import Completion, QuizAttempt
from tests.factories import CohortCourseFactory, LessonFactory, ModuleFactory


def rows() -> tuple[int, int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Enrollment, Completion, QuizAttempt)
    )


def preview(course, cohort) -> str:
    return f"/courses/{course.id}/preview?cohort={cohort.id}"


def test_a_lead_sees_the_course_as_a_learner_with_a_banner_and_nothing_is_recorded(client, auth, world):
    before = rows()
    course = world.courses_a.course
    auth.login(world.lead)
    response = client.get(preview(course, world.cohort_a))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview as a learner of Cohort A: nothing you do here is recorded." in page
    assert f'<a href="/cohorts/{world.cohort_a.id}">Exit the preview</a>' in page
    assert "0 of 4 lessons done" in page  # the learner's progress bar, without the draft
    assert world.courses_a.draft.title not in page
    start = f"/lessons/{world.courses_a.reading.id}/preview?cohort={world.cohort_a.id}"
    assert f'href="{start}">Start: Course A: reading</a>' in page
    lesson = client.get(start).get_data(as_text=True)
    assert '<button type="submit" disabled>Mark as done</button>' in lesson
    quiz = client.get(f"/lessons/{world.courses_a.quiz.id}/preview?cohort={world.cohort_a.id}").get_data(as_text=True)
    assert '<button type="submit" disabled>Send my answers</button>' in quiz
    assert rows() == before


def test_the_preview_shows_the_cohorts_due_dates_and_sequential_locks(client, auth, world):
    world.cohort_a.starts_on = date(2027, 3, 1)
    course = world.courses_a.course
    course.sequential = True
    later = ModuleFactory(course=course, title="Second module", position=world.courses_a.module.position + 1)
    locked = LessonFactory(module=later, kind="reading", title="Locked reading")
    db.session.commit()
    auth.login(world.mentor_a)
    outline = client.get(preview(course, world.cohort_a)).get_data(as_text=True)
    assert "Locked: finish “Course A: first module” to open this module." in outline
    response = client.get(f"/lessons/{locked.id}/preview?cohort={world.cohort_a.id}")
    assert response.status_code == 403
    assert "This lesson is not open yet" in response.get_data(as_text=True)
    assignment = client.get(f"/lessons/{world.courses_a.assignment.id}/preview?cohort={world.cohort_a.id}")
    text = assignment.get_data(as_text=True)
    assert format_date(date(2027, 3, 15), "long") in text  # 14 days after the cohort starts
    assert '<span class="button button-disabled" aria-disabled="true">' in text


def test_a_mentor_previews_only_as_her_own_cohorts(client, auth, world):
    course = world.courses_a.course
    CohortCourseFactory(cohort=world.cohort_b, course=course)
    db.session.commit()
    auth.login(world.mentor_a)
    choose = client.get(f"/courses/{course.id}/preview").get_data(as_text=True)
    assert "As a learner of Cohort A" in choose
    assert "Cohort B" not in choose
    assert client.get(preview(course, world.cohort_b)).status_code == 404
    assert client.get(preview(world.courses_b.course, world.cohort_b)).status_code == 404
    lesson = world.courses_a.reading
    assert client.get(f"/lessons/{lesson.id}/preview?cohort={world.cohort_b.id}").status_code == 404


def test_a_draft_course_or_lesson_is_hidden_in_the_preview_as_from_learners(client, auth, world):
    course = world.courses_a.course
    auth.login(world.lead)
    draft = client.get(f"/lessons/{world.courses_a.draft.id}/preview?cohort={world.cohort_a.id}")
    assert draft.status_code == 404
    db.session.get(Course, course.id).published = False
    db.session.commit()
    refused = client.get(preview(course, world.cohort_a))
    assert refused.status_code == 409
    assert "Draft: learners do not see this course until it is published." in refused.get_data(as_text=True)


def test_a_course_no_cohort_takes_says_so(client, auth, world):
    auth.login(world.lead)
    alone = ModuleFactory(course__program=world.program).course  # a course of its own, offered to no cohort
    db.session.commit()
    page = client.get(f"/courses/{alone.id}/preview").get_data(as_text=True)
    assert "No cohort of yours takes this course: offer it to a cohort first." in page


def test_the_cohorts_to_preview_as_cost_the_same_queries_however_many_take_the_course(
    client, auth, world, count_queries
):
    course = world.courses_a.course
    auth.login(world.mentor_a)

    def chooser_queries() -> int:
        with count_queries() as queries:
            assert client.get(f"/courses/{course.id}/preview").status_code == 200
        return len(queries)

    few = chooser_queries()
    for _ in range(5):
        CohortCourseFactory(cohort__program=world.program, course=course)  # cohorts she does not mentor
    CohortCourseFactory(cohort=world.cohort_b, course=course)
    db.session.commit()
    assert chooser_queries() == few
