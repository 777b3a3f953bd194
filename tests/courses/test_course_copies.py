"""A course a cohort requires in two languages is one course: finishing either copy is finishing it.

Graduation, the learner's progress, what she owes and the cohort grid count the copy she takes: the one she has
finished most of; before she starts, the one in her language; else the original.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.cohorts.models import Enrollment
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.learning.services.completions import record_completion
from lms.learning.services.due_dates import open_assignments
from lms.outcomes.graduation.services import graduation_status
from lms.progress.cohort_services import cohort_grid, cohort_percentages
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    ProgramFactory,
    UserFactory,
)


@pytest.fixture
def copies():
    """A cohort under way requiring a course in Chinese (three lessons, one a dated assignment) and its English
    copy (two lessons), with a Chinese-speaking and an English-speaking learner."""
    program = ProgramFactory()
    cohort = CohortFactory(
        program=program, starts_on=program_today() - timedelta(days=30), rule_assignments=False, rule_baseline=False
    )
    chinese = CourseFactory(program=program, title="用短视频卖农产品", language="zh_Hans")
    english = CourseFactory(program=program, title="Sell with short videos", language="en", translation_of=chinese)
    lessons = {
        "zh_Hans": [LessonFactory(module=ModuleFactory(course=chinese)) for _ in range(2)],
        "en": [LessonFactory(module=ModuleFactory(course=english)) for _ in range(2)],
    }
    lessons["zh_Hans"].append(
        LessonFactory(module=lessons["zh_Hans"][0].module, kind="assignment", due_days=3, accepts="text")
    )
    for course in (chinese, english):
        CohortCourseFactory(cohort=cohort, course=course, required=True)
    learners = {
        language: EnrollmentFactory(cohort=cohort, learner=UserFactory(locale=language)).learner
        for language in ("zh_Hans", "en")
    }
    db.session.commit()
    return cohort, chinese, english, lessons, learners


def lessons_left(cohort) -> dict[int, int]:
    return {row.learner.id: row.lessons_left for row in graduation_status(cohort)}


def test_before_she_starts_she_owes_the_copy_in_her_language(copies):
    cohort, _chinese, _english, _lessons, learners = copies
    assert lessons_left(cohort) == {learners["zh_Hans"].id: 3, learners["en"].id: 2}
    percent = {language: cohort_percentages(learner, [cohort.id])[cohort.id] for language, learner in learners.items()}
    assert (percent["zh_Hans"].total, percent["en"].total) == (3, 2)
    owed = db.session.execute(
        open_assignments([cohort], Enrollment.cohort_id == cohort.id).with_only_columns(Enrollment.learner_id)
    ).scalars()
    assert list(owed) == [learners["zh_Hans"].id]  # the English learner owes no Chinese assignment


def test_finishing_either_copy_finishes_the_course(copies):
    cohort, _chinese, _english, lessons, learners = copies
    chinese_learner = learners["zh_Hans"]
    for lesson in lessons["en"]:  # she chose the English copy, and finished it
        record_completion(chinese_learner, lesson)
    db.session.commit()
    assert lessons_left(cohort)[chinese_learner.id] == 0
    assert [row.meets_rules for row in graduation_status(cohort) if row.learner == chinese_learner] == [True]
    progress = cohort_percentages(chinese_learner, [cohort.id])[cohort.id]
    assert (progress.done, progress.total, progress.percent) == (2, 2, 100)


def test_the_grid_counts_each_learner_against_the_copy_she_takes(copies, count_queries):
    cohort, _chinese, _english, lessons, learners = copies
    record_completion(learners["en"], lessons["en"][0])
    db.session.commit()
    rows = {row.learner.id: (row.done, row.total) for row in cohort_grid(cohort).rows}
    assert rows == {learners["zh_Hans"].id: (0, 3), learners["en"].id: (1, 2)}
    assert len(cohort_grid(cohort).columns) == 4  # both copies' modules are shown
    with count_queries() as queries:
        cohort_grid(cohort)
    with count_queries() as one_language:
        cohort_grid(CohortFactory())
    assert len(queries) <= len(one_language) + 1


def test_each_copy_links_to_the_other(client, auth, copies):
    _cohort, chinese, english, _lessons, learners = copies
    auth.login(learners["zh_Hans"])
    page = client.get(f"/courses/{chinese.id}").text
    assert f'href="/courses/{english.id}"' in page
    assert 'hreflang="en"' in page
    page = client.get(f"/courses/{english.id}").text
    assert f'href="/courses/{chinese.id}"' in page
    assert 'hreflang="zh-Hans"' in page


def test_a_copy_not_published_is_not_linked(client, auth, copies):
    cohort, chinese, english, _lessons, learners = copies
    english.published = False
    db.session.commit()
    auth.login(learners["zh_Hans"])
    assert f'href="/courses/{english.id}"' not in client.get(f"/courses/{chinese.id}").text
    assert db.session.scalar(select(Enrollment.id).where(Enrollment.learner_id == learners["en"].id))
    assert lessons_left(cohort)[learners["en"].id] == 3  # no English copy any more: the Chinese one counts
