"""Duplicating a course: a draft copy with its modules, lessons, questions and options, rubrics and files, offered
to no cohort; the copy shares the stored files, which stay while either course names them."""

from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import CohortCourse, Course, LessonResource
from lms.courses.services import authoring
from lms.courses.services.duplicate import duplicate_course
from lms.media import storage
from lms.media.models import MediaFile, MediaKind


def outline(course: Course) -> list:
    """Everything a learner would meet in the course, without ids."""
    return [
        (
            module.title,
            [
                (
                    lesson.kind,
                    lesson.title,
                    lesson.body,
                    lesson.published,
                    lesson.due_days,
                    lesson.accepts,
                    [(line.criterion, line.points) for line in lesson.rubric],
                    [
                        (question.prompt, [(option.text, option.correct) for option in question.options])
                        for question in lesson.questions
                    ],
                )
                for lesson in module.lessons
            ],
        )
        for module in course.modules
    ]


def test_a_copy_is_a_draft_with_every_module_lesson_question_and_rubric(world):
    original = world.courses_a.course
    copy = duplicate_course(original)
    db.session.commit()
    db.session.expire_all()
    original, copy = db.session.get(Course, original.id), db.session.get(Course, copy.id)
    assert (copy.title, copy.published, copy.program_id) == ("Course A (copy)", False, original.program_id)
    assert outline(copy) == outline(original)
    assert [lesson.published for lesson in copy.modules[0].lessons].count(False) == 1  # the draft stays a draft
    assert {lesson.id for lesson in copy.modules[0].lessons}.isdisjoint(
        {lesson.id for lesson in original.modules[0].lessons}
    )
    offered = db.session.scalars(select(CohortCourse.course_id)).all()
    assert copy.id not in offered
    assert original.id in offered


def test_the_copy_shares_the_files_which_stay_until_no_course_names_them(tmp_path, world, store):
    lesson = world.courses_a.video
    source = tmp_path / "captions.vtt"
    source.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", encoding="utf-8")
    lesson.captions = storage.store_local_file(source, MediaKind.CAPTIONS, "captions.vtt", "text/vtt")
    handout = tmp_path / "price-list.txt"
    handout.write_text("Tea, 1 jin: 160 yuan\n", encoding="utf-8")
    resource = storage.store_local_file(handout, MediaKind.RESOURCE, "price-list.txt", "text/plain")
    lesson.resources.append(LessonResource(media=resource, title="Price list"))
    db.session.commit()
    keys = (lesson.captions.path, resource.path)
    copy = duplicate_course(world.courses_a.course)
    db.session.commit()
    copied_lesson = next(item for item in copy.modules[0].lessons if item.title == lesson.title)
    assert copied_lesson.captions_id == lesson.captions_id
    assert [item.media_id for item in copied_lesson.resources] == [resource.id]
    authoring.delete_lesson(lesson)
    db.session.commit()
    assert all(store.exists(key) for key in keys)  # the copy still names them
    authoring.delete_lesson(copied_lesson)
    db.session.commit()
    assert not any(store.exists(key) for key in keys)
    assert db.session.scalar(select(func.count(MediaFile.id))) == 0


def test_a_lead_duplicates_from_the_outline_and_lands_on_the_copy(client, auth, world):
    auth.login(world.lead)
    outline_page = client.get(f"/manage/courses/{world.courses_a.course.id}").get_data(as_text=True)
    assert "Duplicate as a draft" in outline_page
    response = client.post(f"/manage/courses/{world.courses_a.course.id}/duplicate")
    copy = db.session.scalar(select(Course).where(Course.title == "Course A (copy)"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/courses/{copy.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Copied as a draft, offered to no cohort yet: Course A (copy)" in page
