"""What learners, mentors and leads see of courses: catalogue, course page, lesson pages."""

import re
from datetime import date

from flask_babel import force_locale
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.core.i18n import data_size
from lms.courses.models import LessonResource
from lms.learning.models.completion import Completion
from lms.learning.services.completions import record_completion
from lms.media.models import MediaFile
from tests.factories import CohortCourseFactory, CourseFactory, LessonFactory, ModuleFactory


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def completion_count(learner, lesson) -> int:
    query = select(func.count(Completion.id)).where(
        Completion.learner_id == learner.id, Completion.lesson_id == lesson.id
    )
    return db.session.scalar(query)


def media_file(kind, size_bytes, content_type="video/mp4"):
    stored = MediaFile(kind=kind, path=f"test/{kind}-{size_bytes}", content_type=content_type, size_bytes=size_bytes)
    db.session.add(stored)
    db.session.commit()
    return stored


# The catalogue


def test_catalogue_lists_the_learners_courses_with_progress(client, auth, world):
    record_completion(world.learner_a, world.courses_a.reading)
    db.session.commit()
    auth.login(world.learner_a)
    html = page(client, "/courses")
    assert "Course A" in html
    assert "Course B" not in html
    assert "4 lessons" in html  # the draft lesson is not counted
    assert "about 20 minutes" in html  # no estimate given: the lessons' minutes add up
    assert "1 of 4 lessons done" in html
    assert '<progress max="4" value="1">' in html


def test_catalogue_shows_the_authors_estimate_when_given(client, auth, world):
    world.courses_a.course.estimated_minutes = 45
    db.session.commit()
    auth.login(world.learner_a)
    assert "about 45 minutes" in page(client, "/courses")


def test_catalogue_hides_draft_courses_even_when_offered(client, auth, world):
    draft = CourseFactory(program=world.program, title="Unfinished course", published=False)
    CohortCourseFactory(cohort=world.cohort_a, course=draft)
    auth.login(world.learner_a)
    assert "Unfinished course" not in page(client, "/courses")


def test_mentor_sees_the_courses_of_the_cohorts_they_mentor_without_progress(client, auth, world):
    auth.login(world.mentor_a)
    html = page(client, "/courses")
    assert "Course A" in html
    assert "Course B" not in html
    assert "<progress" not in html


def test_lead_sees_every_published_course(client, auth, world):
    CourseFactory(program=world.program, title="Unfinished course", published=False)
    auth.login(world.lead)
    html = page(client, "/courses")
    assert "Course A" in html
    assert "Course B" in html
    assert "Unfinished course" not in html


def test_a_learner_without_courses_is_told_so(client, auth, world):
    auth.login(world.learner_a)
    db.session.delete(world.courses_a.course)
    db.session.commit()
    assert "No course is offered to your cohort yet" in page(client, "/courses")


def test_the_main_menu_links_the_catalogue_for_learners(client, auth, world):
    auth.login(world.learner_a)
    assert 'href="/courses"' in page(client, "/")


# Who may see what


def test_learner_of_another_cohort_gets_404_on_the_course_and_each_lesson(client, auth, world):
    auth.login(world.learner_b)
    a = world.courses_a
    page(client, f"/courses/{a.course.id}", 404)
    for lesson in (a.reading, a.video, a.quiz, a.assignment, a.draft):
        page(client, f"/lessons/{lesson.id}", 404)
    assert client.post(f"/lessons/{a.reading.id}/done").status_code == 404
    assert completion_count(world.learner_b, a.reading) == 0


def test_draft_lesson_is_hidden_from_learners_but_shown_to_leads_as_a_draft(client, auth, world):
    draft = world.courses_a.draft
    auth.login(world.learner_a)
    page(client, f"/lessons/{draft.id}", 404)
    assert draft.title not in page(client, f"/courses/{world.courses_a.course.id}")
    auth.logout()
    auth.login(world.lead)
    assert "Draft: learners do not see this lesson" in page(client, f"/lessons/{draft.id}")
    course_html = page(client, f"/courses/{world.courses_a.course.id}")
    assert draft.title in course_html
    assert "Draft</span>" in course_html


def test_draft_course_is_404_for_its_learners_and_marked_for_leads(client, auth, world):
    course = world.courses_a.course
    course.published = False
    db.session.commit()
    auth.login(world.learner_a)
    page(client, f"/courses/{course.id}", 404)
    page(client, f"/lessons/{world.courses_a.reading.id}", 404)
    auth.logout()
    auth.login(world.lead)
    assert "Draft: learners do not see this course" in page(client, f"/courses/{course.id}")


# The course page, sequencing and the way through


def sequential_course(cohort, *, sequential=True):
    course = CourseFactory(program=cohort.program, title="Selling tea", sequential=sequential)
    first = ModuleFactory(course=course, title="Your product", position=1)
    second = ModuleFactory(course=course, title="Your first video", position=2)
    lessons = [
        LessonFactory(module=first, title="Pick a product", position=1),
        LessonFactory(module=first, title="Describe it", position=2),
        LessonFactory(module=second, title="Hold the phone", position=1),
    ]
    CohortCourseFactory(cohort=cohort, course=course)
    return course, lessons


def test_sequential_course_locks_a_module_until_the_one_before_is_complete(client, auth, world):
    course, (pick, describe, hold) = sequential_course(world.cohort_a)
    auth.login(world.learner_a)
    html = page(client, f"/courses/{course.id}")
    assert "Locked: finish “Your product” to open this module." in html
    assert f'href="/lessons/{hold.id}"' not in html
    assert "Hold the phone" in html  # listed, not linked
    locked = page(client, f"/lessons/{hold.id}", 403)
    assert "Finish “Your product” first" in locked
    assert client.post(f"/lessons/{hold.id}/done").status_code == 403
    assert completion_count(world.learner_a, hold) == 0

    client.post(f"/lessons/{pick.id}/done")
    page(client, f"/lessons/{hold.id}", 403)  # half the module is not the module
    client.post(f"/lessons/{describe.id}/done")
    html = page(client, f"/courses/{course.id}")
    assert "Locked" not in html
    assert f'href="/lessons/{hold.id}"' in html
    page(client, f"/lessons/{hold.id}")


def test_a_course_that_is_not_sequential_opens_every_module(client, auth, world):
    course, (_pick, _describe, hold) = sequential_course(world.cohort_a, sequential=False)
    auth.login(world.learner_a)
    assert "Locked" not in page(client, f"/courses/{course.id}")
    page(client, f"/lessons/{hold.id}")


def test_staff_are_never_locked_out(client, auth, world):
    course, (_pick, _describe, hold) = sequential_course(world.cohort_a)
    auth.login(world.mentor_a)
    assert "Locked" not in page(client, f"/courses/{course.id}")
    page(client, f"/lessons/{hold.id}")


def test_continue_goes_to_the_first_unfinished_lesson(client, auth, world):
    course, (pick, describe, _hold) = sequential_course(world.cohort_a)
    auth.login(world.learner_a)
    assert f'href="/lessons/{pick.id}">Start: Pick a product' in page(client, f"/courses/{course.id}")
    client.post(f"/lessons/{pick.id}/done")
    html = page(client, f"/courses/{course.id}")
    assert f'href="/lessons/{describe.id}">Continue: Describe it' in html
    assert "1 of 3 lessons done" in html


def test_a_finished_course_says_so(client, auth, world):
    course, lessons = sequential_course(world.cohort_a)
    for lesson in lessons:
        record_completion(world.learner_a, lesson)
    db.session.commit()
    auth.login(world.learner_a)
    assert "You have finished this course." in page(client, f"/courses/{course.id}")
    assert "You have finished this course." in page(client, "/courses")


def test_previous_and_next_follow_modules_and_positions_and_skip_drafts(client, auth, world):
    course = CourseFactory(program=world.program)
    CohortCourseFactory(cohort=world.cohort_a, course=course)
    # Created out of order on purpose: positions decide, not ids.
    later = ModuleFactory(course=course, position=2)
    earlier = ModuleFactory(course=course, position=1)
    third = LessonFactory(module=later, title="Third", position=1)
    second = LessonFactory(module=earlier, title="Second", position=5)
    LessonFactory(module=earlier, title="Hidden draft", position=3, published=False)
    first = LessonFactory(module=earlier, title="First", position=1)
    auth.login(world.learner_a)

    def neighbours(lesson):
        html = page(client, f"/lessons/{lesson.id}")
        previous = 'rel="prev" href="/lessons/' in html and html.split('rel="prev" href="/lessons/')[1].split('"')[0]
        following = 'rel="next" href="/lessons/' in html and html.split('rel="next" href="/lessons/')[1].split('"')[0]
        return previous, following

    assert neighbours(first) == (False, str(second.id))
    assert neighbours(second) == (str(first.id), str(third.id))
    assert neighbours(third) == (str(second.id), False)
    assert "Back to the course" in page(client, f"/lessons/{third.id}")


# Marking lessons done


def test_mark_as_done_records_once_and_moves_on(client, auth, world):
    a = world.courses_a
    auth.login(world.learner_a)
    assert f'action="/lessons/{a.reading.id}/done"' in page(client, f"/lessons/{a.reading.id}")
    response = client.post(f"/lessons/{a.reading.id}/done")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/lessons/{a.video.id}"
    assert client.post(f"/lessons/{a.reading.id}/done").status_code == 302  # a double click
    assert completion_count(world.learner_a, a.reading) == 1
    html = page(client, f"/lessons/{a.reading.id}")
    assert "You have finished this lesson." in html
    assert "Mark as done" not in html


def test_the_video_script_marks_done_without_loading_a_page(client, auth, world):
    auth.login(world.learner_a)
    video = world.courses_a.video
    response = client.post(f"/lessons/{video.id}/done", headers={"X-Requested-With": "fetch"})
    assert response.status_code == 204
    assert completion_count(world.learner_a, video) == 1


def test_quiz_and_assignment_are_not_marked_done_by_hand(client, auth, world):
    auth.login(world.learner_a)
    for lesson in (world.courses_a.quiz, world.courses_a.assignment):
        response = client.post(f"/lessons/{lesson.id}/done")
        assert response.status_code == 400
        assert "A quiz is done when you pass it" in response.get_data(as_text=True)
        assert completion_count(world.learner_a, lesson) == 0


def test_only_learners_have_a_mark_as_done_button(client, auth, world):
    auth.login(world.mentor_a)
    assert "Mark as done" not in page(client, f"/lessons/{world.courses_a.reading.id}")
    assert client.post(f"/lessons/{world.courses_a.reading.id}/done").status_code == 403


# Each kind of lesson


def test_reading_renders_markdown_and_makes_scripts_harmless(client, auth, world):
    reading = world.courses_a.reading
    reading.body = "## Your price\n\nWrite it **clearly**.\n\n<script>alert(1)</script><img src=x onerror=alert(2)>"
    db.session.commit()
    auth.login(world.learner_a)
    html = page(client, f"/lessons/{reading.id}")
    assert "<h2>Your price</h2>" in html
    assert "<strong>clearly</strong>" in html
    assert "alert(" not in html
    assert "onerror" not in html


def test_video_offers_the_360p_version_first_with_sizes_captions_and_transcript(client, auth, world):
    video = world.courses_a.video
    video.video = media_file("video", 52_428_800)  # 50 MB
    video.rendition = media_file("rendition", 3_250_000)
    video.poster = media_file("poster", 20_000, "image/jpeg")
    video.captions = media_file("captions", 2_000, "text/vtt")
    video.video_status = "ready"
    db.session.commit()
    auth.login(world.learner_a)
    html = page(client, f"/lessons/{video.id}")
    assert '<video class="lesson-video" controls preload="none"' in html
    assert f'poster="/media/{video.poster_id}"' in html
    sources = html.split("<source")
    assert len(sources) == 2
    assert f'/media/{video.rendition_id}"' in sources[1]  # the small one plays by default
    assert "Plays: Normal video, 3.1 MB." in html
    assert f'<a href="/media/{video.video_id}" type="video/mp4">High quality</a> (50.0 MB)' in html
    assert f'<track kind="captions" src="/media/{video.captions_id}" srclang="en"' in html
    assert '<details class="transcript">' in html
    assert "Hold the phone upright." in html
    assert re.search(r'src="/static/lesson.js\?v=[0-9a-f]{12}" defer', html)


def test_video_while_the_small_version_is_made(client, auth, world):
    video = world.courses_a.video
    video.video = media_file("video", 10 * 1024 * 1024)
    video.video_status = "processing"
    db.session.commit()
    auth.login(world.learner_a)
    html = page(client, f"/lessons/{video.id}")
    assert "A small version that uses less data is being prepared." in html
    assert "Plays: Normal video, 10.0 MB." in html
    assert 'class="video-versions"' not in html  # nothing else to offer yet
    assert "<track" not in html


def test_video_not_uploaded_yet_still_offers_the_transcript(client, auth, world):
    auth.login(world.learner_a)
    html = page(client, f"/lessons/{world.courses_a.video.id}")
    assert "<video" not in html
    assert "The video of this lesson is not available yet." in html
    assert "Hold the phone upright." in html


def test_resources_are_listed_with_their_size(client, auth, world):
    reading = world.courses_a.reading
    pdf = media_file("resource", 250_000, "application/pdf")
    db.session.add(LessonResource(lesson=reading, media=pdf, title="Price list template"))
    db.session.commit()
    auth.login(world.learner_a)
    html = page(client, f"/lessons/{reading.id}")
    assert f'<a href="/media/{pdf.id}" download>Price list template</a>' in html
    assert "(245 KB)" in html  # one size formatter: KB under a megabyte


def test_assignment_shows_instructions_kinds_rubric_and_due_date(client, auth, world):
    world.cohort_a.starts_on = date(2027, 3, 1)
    db.session.commit()
    assignment = world.courses_a.assignment
    auth.login(world.learner_a)
    html = page(client, f"/lessons/{assignment.id}")
    assert "<strong>one</strong>" in html
    assert "Text, Video" in html
    assert "March 15, 2027" in html  # 14 days after the cohort starts
    assert "The product fills the frame" in html
    assert "<form" not in html.split('<main id="main">')[1].split("</main>")[0]  # submitting is not here


def test_assignment_due_date_in_the_learners_language(client, auth, world):
    world.cohort_a.starts_on = date(2027, 3, 1)
    world.learner_a.locale = "zh_Hans"
    db.session.commit()
    auth.login(world.learner_a)
    assert "2027年3月15日" in page(client, f"/lessons/{world.courses_a.assignment.id}")


def test_assignment_without_a_cohort_start_date_says_when_it_is_due(client, auth, world):
    auth.login(world.learner_a)
    assert "14 days after your cohort starts" in page(client, f"/lessons/{world.courses_a.assignment.id}")
    auth.logout()
    auth.login(world.mentor_a)
    assert "14 days after the cohort starts" in page(client, f"/lessons/{world.courses_a.assignment.id}")


def test_one_size_formatter_reads_kb_under_a_megabyte_and_mb_above(app):
    with app.test_request_context("/"):
        assert [data_size(size) for size in (1, 110 * 1024, 1024 * 1024, 52_428_800)] == [
            "1 KB",
            "110 KB",
            "1.0 MB",
            "50.0 MB",
        ]
        with force_locale("zh_Hans"):
            assert data_size(1_572_864) == "1.5 MB"
        template = app.jinja_env.from_string("{{ 112640|data_size }}")
        assert template.render() == "110 KB"
