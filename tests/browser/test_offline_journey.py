"""A learner on a 360 px phone, in Chinese, saves a module and learns with no connection.

Offline she reads, watches, answers a quiz and hands in work with a photo; a lesson is unpublished meanwhile.
Back online, each action arrives once with the time she did it, and the one on the withdrawn lesson is refused
with a message; the same queue sent again adds nothing.
"""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import func, select

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.courses import files
from lms.courses.models import Lesson
from lms.courses.video import process_video
from lms.learning.models import QuizAttempt, SubmissionVersion
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Submission
from lms.learning.services.review_queue import pending_submissions
from lms.media import storage
from lms.media.models import MediaFile, MediaKind
from lms.media.stores import EXTENSION_KEY
from tests import served
from tests.browser.conftest import PHONE, Pages
from tests.browser.steps import SIGN_IN_ZH, arrive, assert_no_sideways_scroll, make_png, make_test_video, sign_in
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    MentorFactory,
    ModuleFactory,
    OptionFactory,
    QuestionFactory,
    UserFactory,
)

NAME, MOBILE = "王秀英", "13987654321"
COURSE, MODULE = "包装和发货", "把茶叶包好"
READING, VIDEO, QUIZ, ASSIGNMENT, WITHDRAWN = "选对包装盒", "封箱的方法", "包装小测验", "拍你的包装", "旧的运费表"
KEPT = "已保存在这部手机上：联网后会自动发送。"
REFUSED = "这节课已不再开放，你在里面做的没有被记录。"

# Copies the phone's queue aside (files and all), and puts it back: the same actions, sent a second time.
COPY_QUEUE = """async ([from, to]) => {
  const open = (name) => new Promise((resolve) => {
    const asked = indexedDB.open(name, 1);
    asked.onupgradeneeded = () => { asked.result.createObjectStore("actions", {keyPath: "id"});
                                    asked.result.createObjectStore("notes", {autoIncrement: true}); };
    asked.onsuccess = () => resolve(asked.result);
  });
  const source = await open(from), target = await open(to);
  const actions = await new Promise((resolve) => {
    const asked = source.transaction("actions").objectStore("actions").getAll();
    asked.onsuccess = () => resolve(asked.result);
  });
  await new Promise((resolve) => {
    const writing = target.transaction("actions", "readwrite");
    actions.forEach((action) => writing.objectStore("actions").put(action));
    writing.oncomplete = resolve;
  });
  return actions.length;
}"""


def make_world(video_file):
    cohort = CohortFactory(name="横峰县2027秋季班")
    mentor = MentorFactory()
    cohort.mentors.append(mentor)
    learner = UserFactory(name=NAME, phone=f"+86{MOBILE}", locale="zh_Hans")
    EnrollmentFactory(cohort=cohort, learner=learner)
    course = CourseFactory(program=cohort.program, title=COURSE, language="zh_Hans")
    module = ModuleFactory(course=course, title=MODULE)
    lessons = {
        "reading": LessonFactory(module=module, kind="reading", title=READING, body="用结实的纸盒，四角垫好。"),
        "video": LessonFactory(module=module, kind="video", title=VIDEO, body=""),
        "quiz": LessonFactory(module=module, kind="quiz", title=QUIZ, pass_mark=100),
        "assignment": LessonFactory(module=module, kind="assignment", title=ASSIGNMENT, accepts="text,photo"),
        "withdrawn": LessonFactory(module=module, kind="reading", title=WITHDRAWN, body="每公斤八元。"),
    }
    question = QuestionFactory(lesson=lessons["quiz"], kind="single", prompt="茶叶盒里先放什么？")
    OptionFactory(question=question, text="干燥剂", correct=True, position=0)
    OptionFactory(question=question, text="湿毛巾", correct=False, position=1)
    CohortCourseFactory(cohort=cohort, course=course)
    files.attach_video(
        lessons["video"], storage.store_local_file(video_file, MediaKind.VIDEO, video_file.name, "video/mp4")
    )
    db.session.commit()
    process_video(lessons["video"].id)  # its small version and poster, as after an upload
    return learner, mentor.id, course, {kind: lesson.id for kind, lesson in lessons.items()}


def go_offline(context: BrowserContext, offline: bool) -> None:
    """The page and its service worker both lose (or get back) the network."""
    if offline:
        context.set_offline(True)
        context.route("**/*", abort_from_worker)
    else:
        context.unroute("**/*", abort_from_worker)
        context.set_offline(False)


def abort_from_worker(route: Route) -> None:
    if route.request.service_worker:
        route.abort("internetdisconnected")
    else:
        route.fallback()


def back_to_course(page: Page) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="已保存在这部手机上").click()
    arrive(page, "已保存在这部手机上")
    page.get_by_role("link", name=COURSE).click()
    arrive(page, COURSE)


def open_lesson(page: Page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    arrive(page, title)


def test_learner_saves_a_module_and_learns_offline(new_page, tmp_path, screenshot):
    learner, mentor_id, course, ids = make_world(make_test_video(tmp_path))
    phone = new_page(PHONE, locale="zh-CN", learner=True)
    sign_in(phone, MOBILE, NAME, SIGN_IN_ZH)

    phone.goto(f"/courses/{course.id}")
    arrive(phone, COURSE)
    save = phone.get_by_role("button", name=re.compile(r"^保存整门课程，离线使用（[\d.]+ [KM]B）$"))
    save.click()
    expect(phone.get_by_role("button", name="已保存在这部手机上")).to_be_disabled(timeout=30_000)
    phone.get_by_role("link", name="已保存在这部手机上").click()
    arrive(phone, "已保存在这部手机上")
    expect(phone.get_by_role("listitem").filter(has_text=COURSE)).to_contain_text(re.compile(r"\([\d.]+ MB\)"))
    phone.wait_for_load_state("networkidle")  # the list looks for changed lessons: she lets it finish

    went_offline = utcnow()
    go_offline(phone.context, True)
    phone.get_by_role("link", name=COURSE).click()
    arrive(phone, COURSE)
    expect(phone.get_by_role("status").filter(has_text="离线")).to_be_visible()
    assert_no_sideways_scroll(phone)

    open_lesson(phone, READING)
    phone.get_by_role("button", name="标记为已完成").click()
    arrive(phone, READING)
    expect(phone.get_by_role("status").filter(has_text=KEPT)).to_be_visible()

    back_to_course(phone)
    open_lesson(phone, VIDEO)
    video = phone.locator("main video")
    video.evaluate("video => video.play()")  # from the saved copy, byte ranges and all
    expect(phone.get_by_text("✓ 你已学完这个课时。")).to_be_visible(timeout=15_000)

    expect(phone.get_by_role("status").filter(has_text="等待发送：2")).to_be_visible()

    back_to_course(phone)
    open_lesson(phone, QUIZ)
    phone.get_by_label("干燥剂").check()
    phone.get_by_role("button", name="提交答案").click()
    arrive(phone, QUIZ)
    expect(phone.get_by_role("status").filter(has_text=KEPT)).to_be_visible()

    back_to_course(phone)
    open_lesson(phone, ASSIGNMENT)
    phone.get_by_role("link", name="提交作业，查看导师反馈").click()
    arrive(phone, f"你的提交：{ASSIGNMENT}")
    phone.get_by_label("你的答案").fill("两层纸盒，中间放干燥剂。")
    phone.get_by_label("照片").set_input_files(make_png(tmp_path, "box.png"))
    phone.get_by_role("button", name="提交", exact=True).click()
    arrive(phone, f"你的提交：{ASSIGNMENT}")
    expect(phone.get_by_role("status").filter(has_text=KEPT)).to_be_visible()

    back_to_course(phone)
    open_lesson(phone, WITHDRAWN)
    phone.get_by_role("button", name="标记为已完成").click()
    arrive(phone, WITHDRAWN)
    expect(phone.get_by_role("status").filter(has_text="离线 · 等待发送：5")).to_be_visible()
    screenshot(phone, "learner-offline-zh.png")
    # While she is offline, the lead takes the old price list back.
    db.session.get(Lesson, ids["withdrawn"]).published = False
    db.session.commit()
    assert phone.evaluate(COPY_QUEUE, ["lms-offline", "replay"]) == 5
    came_back = utcnow()

    go_offline(phone.context, False)  # the page sends what waits as the connection returns
    expect(phone.get_by_role("alert").filter(has_text=REFUSED)).to_be_visible(timeout=30_000)
    expect(phone.get_by_role("link", name="查看结果")).to_be_visible()  # the quiz, graded on arrival
    expect(phone.locator("#net-status")).to_be_hidden()

    def rows():
        db.session.expire_all()
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Completion, QuizAttempt, Submission, SubmissionVersion)
        }

    assert rows() == {"Completion": 3, "QuizAttempt": 1, "Submission": 1, "SubmissionVersion": 1}
    done = db.session.execute(select(Completion.lesson_id, Completion.completed_at, Completion.client_id)).all()
    assert {row.lesson_id for row in done} == {ids["reading"], ids["video"], ids["quiz"]}
    assert all(went_offline <= row.completed_at <= came_back and row.client_id for row in done)
    attempt = db.session.scalars(select(QuizAttempt)).one()
    assert attempt.passed
    assert went_offline <= attempt.submitted_at <= came_back
    version = db.session.scalars(select(SubmissionVersion)).one()
    assert version.text == "两层纸盒，中间放干燥剂。"
    assert len(version.files) == 1
    assert went_offline <= version.submitted_at <= came_back
    queue = db.session.execute(pending_submissions(db.session.get(type(learner), mentor_id))).all()
    assert [row[0].learner_id for row in queue] == [learner.id]

    # The same five actions, sent again: nothing is added, and no file is stored twice.
    before = rows(), media_count()
    assert phone.evaluate(COPY_QUEUE, ["replay", "lms-offline"]) == 5
    phone.evaluate("navigator.serviceWorker.controller.postMessage('send')")
    expect(phone.get_by_role("alert").filter(has_text=REFUSED)).to_have_count(2, timeout=30_000)
    assert (rows(), media_count()) == before


def media_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MediaFile))


@pytest.fixture
def bucket_pages(app, browser, axe_source, s3_server, s3_bucket, s3_store, tmp_path, monkeypatch, request):
    """Pages of the app served with its files in a bucket of the S3 test server (which answers with CORS, as
    docs/DEPLOY.md asks of a bucket); files this test keeps go to the same bucket."""
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, s3_store)
    environment = {
        "LMS_DATABASE_URL": app.config["LMS_TEST_DATABASE_URL"],
        "LMS_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "LMS_PASSWORD_TIME_COST": "1",
        "LMS_PASSWORD_MEMORY_KIB": "64",
        **s3_server.settings(s3_bucket),
    }
    with served.gunicorn(environment, tmp_path, ["--workers", "1", "--threads", "4"]) as port:
        pages = Pages(browser, f"http://127.0.0.1:{port}", axe_source, request.node.name)
        yield pages
        pages.finish()


def test_a_video_kept_in_object_storage_is_saved_and_plays_offline(bucket_pages, tmp_path):
    """Its address redirects to the bucket: the phone keeps the bucket's answer and plays it with no network."""
    _learner, _mentor_id, course, ids = make_world(make_test_video(tmp_path))
    assert db.session.get(Lesson, ids["video"]).rendition.path.startswith("rendition/")
    phone = bucket_pages(PHONE, locale="zh-CN", learner=True)
    sign_in(phone, MOBILE, NAME, SIGN_IN_ZH)
    phone.goto(f"/courses/{course.id}")
    arrive(phone, COURSE)
    phone.get_by_role("button", name=re.compile(r"^保存整门课程，离线使用")).click()
    expect(phone.get_by_role("button", name="已保存在这部手机上")).to_be_disabled(timeout=30_000)

    go_offline(phone.context, True)
    phone.reload()
    arrive(phone, COURSE)
    open_lesson(phone, VIDEO)
    phone.locator("main video").evaluate("video => video.play()")
    expect(phone.get_by_text("✓ 你已学完这个课时。")).to_be_visible(timeout=15_000)  # it played to the end
    expect(phone.get_by_role("status").filter(has_text="等待发送：1")).to_be_visible()
