"""A learner walks through the whole starter course: resume point and percentages are right at every step."""

from lms.core.extensions import db
from lms.courses.starter import import_course, starter_path
from lms.learning.services.completions import course_progress, record_completion
from lms.learning.services.lessons import course_outline
from lms.progress import cohort_services, home_services
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    ProgramFactory,
)


def test_resume_point_and_percentages_through_the_starter_course():
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    learner = EnrollmentFactory(cohort=cohort).learner
    course, _created = import_course(starter_path("en"), program)
    CohortCourseFactory(cohort=cohort, course=course, required=True)
    # An optional course does not count towards the cohort's percentage.
    optional = LessonFactory(module=ModuleFactory(course=CourseFactory(program=program))).module.course
    CohortCourseFactory(cohort=cohort, course=optional, required=False)
    db.session.commit()
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    total = len(lessons)
    assert total > 10

    for done, lesson in enumerate(lessons):
        assert home_services.next_lessons(learner, [course.id])[course.id].id == lesson.id
        assert course_outline(course, learner).next_lesson.id == lesson.id
        expected = cohort_services.Progress(done, total, done * 100 // total)
        assert course_progress(learner, [course.id])[course.id] == (done, total)
        assert cohort_services.cohort_percentages(learner, [cohort.id])[cohort.id] == expected
        home = home_services.learner_home(learner)
        assert home.resume.entry.course.id == (course.id if done else home.courses[0].entry.course.id)
        if done:  # the course being worked on comes first, ahead of the untouched optional course
            assert home.resume.next_lesson.id == lesson.id
        outline = course_outline(course, learner)
        for item in outline.modules:
            assert item.complete == all(each.id in {lesson.id for lesson in lessons[:done]} for each in item.lessons)
        assert record_completion(learner, lesson) is True
        assert record_completion(learner, lesson) is False  # a double submit changes nothing
        db.session.commit()

    assert home_services.next_lessons(learner, [course.id]) == {}
    assert course_outline(course, learner).next_lesson is None
    assert course_progress(learner, [course.id])[course.id] == (total, total)
    assert cohort_services.cohort_percentages(learner, [cohort.id])[cohort.id].percent == 100
    # Only the optional course is left to continue.
    assert home_services.learner_home(learner).resume.entry.course.id == optional.id


def test_percentages_count_published_lessons_and_never_divide_by_zero():
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    learner = EnrollmentFactory(cohort=cohort).learner
    module = ModuleFactory(course=CourseFactory(program=program))
    first = LessonFactory(module=module)
    LessonFactory(module=module)
    LessonFactory(module=module)
    draft = LessonFactory(module=module, published=False)
    ModuleFactory(course=module.course)  # a module with no lessons counts for nothing
    CohortCourseFactory(cohort=cohort, course=module.course)
    record_completion(learner, first)
    record_completion(learner, draft)
    db.session.commit()
    assert course_progress(learner, [module.course.id])[module.course.id] == (1, 3)
    assert cohort_services.cohort_percentages(learner, [cohort.id])[cohort.id] == cohort_services.Progress(1, 3, 33)
    assert cohort_services.percent(1, 3) == 33
    assert cohort_services.percent(0, 0) == 0
    assert [item.module.id for item in course_outline(module.course, learner).modules] == [
        module.id
    ]  # empty: not shown
    other_cohort = CohortFactory(program=program)
    assert cohort_services.cohort_percentages(learner, [other_cohort.id])[other_cohort.id].percent == 0
    assert course_progress(learner, []) == {}
