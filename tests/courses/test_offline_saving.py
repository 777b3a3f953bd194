"""Saving a course or module for offline use: its size first, the addresses a phone keeps, the service worker."""

from lms.core.extensions import db
from lms.courses.services import quizzes
from lms.media.models import MediaFile
from tests.factories import LessonFactory, ModuleFactory


def with_video_files(lesson) -> dict[str, MediaFile]:
    files = {
        kind: MediaFile(kind=kind, path=f"saving/{kind}", content_type="video/mp4", size_bytes=size)
        for kind, size in (("video", 9_000_000), ("rendition", 2_000_000), ("poster", 30_000), ("captions", 2_000))
    }
    db.session.add_all(files.values())
    db.session.flush()
    lesson.video, lesson.rendition, lesson.poster, lesson.captions = (files[kind] for kind in files)
    lesson.video_status = "ready"
    db.session.commit()
    return files


def test_a_course_saves_its_pages_and_the_small_video_with_poster_and_captions(client, auth, world):
    a = world.courses_a
    files = with_video_files(a.video)
    auth.login(world.learner_a)
    package = client.get(f"/courses/{a.course.id}/offline").get_json()
    lessons = {lesson["id"]: lesson for lesson in package["lessons"]}
    assert package["urls"] == [f"/courses/{a.course.id}"]
    assert set(lessons) == {a.reading.id, a.video.id, a.quiz.id, a.assignment.id}  # no draft
    assert lessons[a.video.id]["urls"] == [
        f"/lessons/{a.video.id}",
        *(f"/media/{files[kind].id}" for kind in ("rendition", "poster", "captions")),
    ]
    assert lessons[a.assignment.id]["urls"] == [f"/lessons/{a.assignment.id}", f"/lessons/{a.assignment.id}/submission"]
    assert 2_032_000 < package["bytes"] < 2_200_000
    page = client.get(f"/courses/{a.course.id}").text
    assert f'data-offline-save="/courses/{a.course.id}/offline"' in page
    assert "Save the course for offline use (2.0 MB)" in page


def test_a_lesson_changed_since_it_was_saved_has_a_new_version(client, auth, world):
    a = world.courses_a
    auth.login(world.learner_a)
    url = f"/courses/{a.course.id}/offline?module={a.module.id}"
    before = {lesson["id"]: lesson["version"] for lesson in client.get(url).get_json()["lessons"]}
    a.reading.body = "A new paragraph about weighing each pack."
    db.session.commit()
    after = {lesson["id"]: lesson["version"] for lesson in client.get(url).get_json()["lessons"]}
    assert before[a.reading.id] != after[a.reading.id]
    assert {key: value for key, value in before.items() if key != a.reading.id} == {
        key: value for key, value in after.items() if key != a.reading.id
    }


def test_a_locked_module_is_not_saved(client, auth, world):
    a = world.courses_a
    a.course.sequential = True
    later = ModuleFactory(course=a.course, position=a.module.position + 1)
    LessonFactory(module=later, kind="reading", published=True)
    db.session.commit()
    auth.login(world.learner_a)
    package = client.get(f"/courses/{a.course.id}/offline?module={later.id}").get_json()
    assert package["lessons"] == []
    assert f"/courses/{a.course.id}/offline?module={later.id}" not in client.get(f"/courses/{a.course.id}").text


def test_the_package_is_read_in_a_few_queries(client, auth, world, count_queries):
    a = world.courses_a
    with_video_files(a.video)
    for number in range(8):
        LessonFactory(module=a.module, kind="reading", published=True, title=f"Reading {number}")
    db.session.commit()
    auth.login(world.learner_a)
    url = f"/courses/{a.course.id}/offline"  # read here: reloading the test's course is not the page's query
    client.get(url)
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 9, "\n".join(queries)


def test_the_service_worker_covers_the_site_and_names_the_shell(client):
    response = client.get("/sw.js")
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert response.headers["Cache-Control"] == "no-cache"
    shell = response.text.split("\n")[1]
    assert shell.startswith('var SHELL = ["/offline", "/static/style.css?v=')
    assert "/static/offline.js?v=" in shell


def test_pages_name_the_offline_script_for_learners_only(client, auth, world):
    auth.login(world.learner_a)
    assert "/static/offline.js" in client.get("/offline").text
    auth.logout()
    auth.login(world.mentor_a)
    assert "/static/offline.js" not in client.get("/courses").text


def test_a_quiz_question_or_rubric_changed_gives_its_lesson_a_new_version(client, auth, world):
    a = world.courses_a
    auth.login(world.learner_a)
    url = f"/courses/{a.course.id}/offline?module={a.module.id}"

    def versions():
        return {lesson["id"]: lesson["version"] for lesson in client.get(url).get_json()["lessons"]}

    before = versions()
    question = a.quiz.questions[0]
    data = {
        "prompt": "Which light is best for a close-up?",
        "points": 2,
        "options": [{"text": option.text, "correct": option.correct} for option in question.options],
    }
    quizzes.save_question(a.quiz, data, question)
    quizzes.delete_criterion(a.assignment.rubric[0])
    db.session.commit()
    after = versions()
    assert after[a.quiz.id] != before[a.quiz.id]
    assert after[a.assignment.id] != before[a.assignment.id]
    assert after[a.reading.id] == before[a.reading.id]
