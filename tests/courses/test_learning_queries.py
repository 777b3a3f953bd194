"""The catalogue, course and lesson pages run as many queries for a big course and cohort as for a small one."""

import itertools
from decimal import Decimal

from lms.core.extensions import db
from lms.courses.models import LessonResource
from lms.learning.services.completions import record_completion
from lms.media.models import MediaFile
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    OptionFactory,
    ProgramFactory,
    QuestionFactory,
    RubricCriterionFactory,
)

KINDS = ("reading", "video", "quiz", "assignment")


FILE_NUMBERS = itertools.count()


def media(kind: str, size: int) -> MediaFile:
    path = f"query-test/{kind}-{next(FILE_NUMBERS)}"
    return MediaFile(kind=kind, path=path, content_type="video/mp4", size_bytes=size)


def build(lesson_count: int, learner_count: int) -> dict:
    """A sequential course offered to one cohort, its lessons spread over modules, some progress made."""
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    learners = [EnrollmentFactory(cohort=cohort).learner for _ in range(learner_count)]
    course = CourseFactory(program=program, sequential=True)
    CohortCourseFactory(cohort=cohort, course=course)
    modules = [ModuleFactory(course=course) for _ in range(max(lesson_count // 3, 1))]
    lessons = []
    for index in range(lesson_count):
        kind = KINDS[index % len(KINDS)]
        module = modules[index * len(modules) // lesson_count]  # in order: the first modules fill first
        lesson = LessonFactory(module=module, kind=kind, due_days=7)
        lessons.append(lesson)
        if kind == "video":
            lesson.video, lesson.rendition = media("video", 9_000_000), media("rendition", 900_000)
            lesson.rendition_small, lesson.audio = media("rendition", 500_000), media("audio", 100_000)
            db.session.add(LessonResource(lesson=lesson, media=media("resource", 1000), title="Sheet"))
        if kind == "quiz":
            for _ in range(max(lesson_count // 4, 1)):
                question = QuestionFactory(lesson=lesson, kind="single")
                OptionFactory(question=question, correct=True)
                OptionFactory(question=question)
            QuestionFactory(lesson=lesson, kind="numeric", answer=Decimal(3), tolerance=Decimal(0))
        if kind == "assignment":
            RubricCriterionFactory(lesson=lesson)
            RubricCriterionFactory(lesson=lesson)
    db.session.commit()
    for learner in learners:
        for lesson in lessons[: lesson_count // 2]:
            record_completion(learner, lesson)
    db.session.commit()
    first_of_kind = {kind: next(lesson for lesson in lessons if lesson.kind == kind) for kind in KINDS}
    return {"learner": learners[0], "course_id": course.id, "lesson_ids": {k: v.id for k, v in first_of_kind.items()}}


def query_counts(client, auth, built, count_queries) -> dict[str, int]:
    auth.login(built["learner"])
    urls = {"catalogue": "/courses", "course": f"/courses/{built['course_id']}"}
    urls.update({kind: f"/lessons/{lesson_id}" for kind, lesson_id in built["lesson_ids"].items()})
    counts = {}
    for name, url in urls.items():
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(queries)
    auth.logout()
    return counts


def test_pages_run_as_many_queries_for_16_lessons_and_8_learners_as_for_4_and_2(client, auth, count_queries):
    baseline = query_counts(client, auth, build(4, 2), count_queries)
    for lessons, learners in [(16, 2), (4, 8), (16, 8)]:
        assert query_counts(client, auth, build(lessons, learners), count_queries) == baseline, (lessons, learners)
    # Login, the page's own loads, the policy check, the outline: a handful, whatever the size.
    assert max(baseline.values()) <= 12, baseline


def test_the_quiz_result_page_does_not_grow_with_questions(client, auth, count_queries):
    def result_queries(lesson_count):
        built = build(lesson_count, 2)
        auth.login(built["learner"])
        quiz_id = built["lesson_ids"]["quiz"]
        client.post(f"/lessons/{quiz_id}/quiz", data={})
        client.post(f"/lessons/{quiz_id}/quiz", data={})
        with count_queries() as queries:
            assert client.get(f"/lessons/{quiz_id}/quiz/attempts/2").status_code == 200
        auth.logout()
        return len(queries)

    assert result_queries(4) == result_queries(16)
