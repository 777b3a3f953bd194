"""A course offered in two languages: each learner's catalogue, home and "continue" show the copy in her language,
the other only once she asks for it (follows its link, starts it)."""

import pytest

from lms.core.extensions import db
from lms.courses.services.authoring import AuthoringError, update_course
from lms.courses.services.duplicate import duplicate_course
from lms.learning.services.completions import record_completion
from lms.learning.services.lessons import catalogue_entries
from lms.progress import home_services
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    ProgramFactory,
)


@pytest.fixture
def both():
    """A cohort offered one course in Chinese (required) and its English copy (offered), with a learner."""
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    learner = EnrollmentFactory(cohort=cohort).learner
    chinese = CourseFactory(program=program, title="用短视频卖农产品", language="zh_Hans")
    # Its English title sorts first: the catalogue's order alone sent a Chinese learner to it.
    english = CourseFactory(program=program, title="Sell with short videos", language="en", translation_of=chinese)
    lessons = {course.language: LessonFactory(module=ModuleFactory(course=course)) for course in (chinese, english)}
    CohortCourseFactory(cohort=cohort, course=chinese, required=True)
    CohortCourseFactory(cohort=cohort, course=english, required=False)
    db.session.commit()
    return learner, chinese, english, lessons


def shown(learner, language) -> list:
    return [card.entry.course for card in home_services.learner_home(learner, language=language).courses]


def test_each_learner_is_shown_and_continues_the_copy_in_her_language(both):
    learner, chinese, english, lessons = both
    assert shown(learner, "zh_Hans") == [chinese]
    home = home_services.learner_home(learner, language="zh_Hans")
    assert home.resume.next_lesson.id == lessons["zh_Hans"].id
    assert home_services.learner_home(learner, language="en").resume.next_lesson.id == lessons["en"].id
    [entry] = catalogue_entries(learner, "zh_Hans")
    assert (entry.course, entry.other_languages) == (chinese, [english])  # offered if she asks
    assert [entry.course for entry in catalogue_entries(learner)] == [english, chinese]  # her record: every course


def test_a_copy_she_started_stays_with_her_and_is_where_she_continues(both):
    learner, chinese, english, lessons = both
    LessonFactory(module=lessons["en"].module)
    record_completion(learner, lessons["en"])
    db.session.commit()
    home = home_services.learner_home(learner, language="zh_Hans")
    assert [card.entry.course for card in home.courses] == [english, chinese]
    assert home.resume.entry.course == english


def test_with_no_copy_in_her_language_the_original_stands_for_the_course(both):
    learner, chinese, english, _lessons = both
    english.language = "zh_Hans"  # as if both were Chinese: none is English
    chinese.language = "en"
    db.session.commit()
    assert [entry.course for entry in catalogue_entries(learner, "fr")] == [chinese]


def test_the_catalogue_offers_the_other_language_only_as_a_link(client, auth, both):
    learner, chinese, english, _lessons = both
    auth.login(learner)
    client.post("/language", data={"lang": "zh_Hans"})
    page = client.get("/courses").text
    assert chinese.title in page
    assert f'<a href="/courses/{english.id}" lang="en" hreflang="en">English</a>' in page
    assert english.title not in page
    assert client.get(f"/courses/{english.id}").status_code == 200  # she may ask for it
    assert english.title not in client.get("/").text


def test_a_duplicate_of_a_copy_is_a_course_of_its_own(both):
    _learner, _chinese, english, _lessons = both
    duplicate = duplicate_course(english)
    db.session.commit()  # the one copy per language of the original still holds
    assert (duplicate.language, duplicate.translation_of) == ("en", None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("same_language", "The copy must be in another language than its original."),
        ("other_program", "Choose a course of the same program as the one this course is a copy of."),
        ("copy_of_copy", "Choose the original course, not another copy of it."),
        ("second_copy", "That course already has a copy in this language."),
        ("original_with_copies", "Other courses are copies of this one, so it stays an original."),
    ],
)
def test_a_copy_is_of_an_original_of_its_program_in_another_language(both, change, message):
    _learner, chinese, english, _lessons = both
    course, original = CourseFactory(program=chinese.program, language="en"), chinese
    if change == "same_language":
        course.language = "zh_Hans"
    elif change == "other_program":
        course = CourseFactory(language="en")
    elif change == "copy_of_copy":
        original = english
    elif change == "original_with_copies":
        course, original = chinese, CourseFactory(program=chinese.program, language="en")
    data = {"title": course.title, "language": course.language, "translation_of_id": original.id}
    with pytest.raises(AuthoringError) as refused:
        update_course(course, data)
    assert str(refused.value.message) == message
