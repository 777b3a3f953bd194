"""A learner on a 360 px phone whose browser saves data: her video lesson plays the sound alone, with no poster, and
counts as done once most of it has played; in her settings she picks the small video, which then plays first."""

import re

from playwright.sync_api import expect

from lms.core.extensions import db
from lms.courses import files
from lms.courses.models import Lesson
from lms.courses.video import process_video
from lms.media import storage
from lms.media.models import MediaKind
from tests.browser.steps import SIGN_IN_ZH, arrive, assert_no_sideways_scroll, main_nav, make_test_video, sign_in
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    UserFactory,
)

NAME, MOBILE = "李春花", "13712345678"
COURSE, VIDEO = "拍好你的产品", "用自然光拍茶叶"
DONE = "✓ 你已学完这个课时。"


def make_world(video_file) -> Lesson:
    cohort = CohortFactory(name="婺源县2027春季班")
    EnrollmentFactory(cohort=cohort, learner=UserFactory(name=NAME, phone=f"+86{MOBILE}", locale="zh_Hans"))
    course = CourseFactory(program=cohort.program, title=COURSE, language="zh_Hans")
    lesson = LessonFactory(module=ModuleFactory(course=course), kind="video", title=VIDEO, transcript="靠窗拍。")
    CohortCourseFactory(cohort=cohort, course=course)
    files.attach_video(lesson, storage.store_local_file(video_file, MediaKind.VIDEO, video_file.name, "video/mp4"))
    db.session.commit()
    process_video(lesson.id)
    db.session.expire_all()
    return db.session.get(Lesson, lesson.id)


def test_a_learner_saving_data_hears_the_lesson_then_chooses_the_small_video(new_page, tmp_path):
    lesson = make_world(make_test_video(tmp_path))
    assert lesson.audio is not None
    assert lesson.rendition_small is not None
    phone = new_page(locale="zh-CN", learner=True)
    phone.context.set_extra_http_headers({"Save-Data": "on"})
    sign_in(phone, MOBILE, NAME, SIGN_IN_ZH)

    phone.goto(f"/lessons/{lesson.id}")
    arrive(phone, VIDEO)
    expect(phone.locator("main video")).to_have_count(0)
    audio = phone.locator("main audio")
    expect(audio).to_have_attribute("preload", "none")
    expect(audio.locator("source")).to_have_attribute("src", f"/media/{lesson.audio_id}")
    expect(phone.get_by_text(re.compile(r"正在播放：仅音频，[\d.,]+ [KM]B。"))).to_be_visible()
    others = phone.get_by_role("list", name="其他版本")
    for name in ("小视频", "普通视频", "高清版"):
        expect(others).to_contain_text(re.compile(name + r"\s*\([\d.,]+ [KM]B\)"))
    expect(phone.get_by_text("查看文字稿")).to_be_visible()
    assert_no_sideways_scroll(phone)
    # The completion script listens to the sound as it does to a video.
    audio.focus()
    phone.keyboard.press("Space")
    expect(phone.get_by_text(DONE)).to_be_visible(timeout=15_000)

    main_nav(phone, "主导航").get_by_role("link", name="设置").click()
    arrive(phone, "设置")
    assert_no_sideways_scroll(phone)
    phone.get_by_label("小视频").check()
    phone.get_by_role("button", name="保存", exact=True).click()
    arrive(phone, "设置")
    expect(phone.get_by_role("status").filter(has_text="已保存。课程视频将默认播放你选择的版本。")).to_be_visible()
    expect(phone.get_by_label("小视频")).to_be_checked()

    phone.goto(f"/lessons/{lesson.id}")
    arrive(phone, VIDEO)
    video = phone.locator("main video")
    expect(video.locator("source")).to_have_attribute("src", f"/media/{lesson.rendition_small_id}")
    expect(video).not_to_have_attribute("poster", re.compile(".*"))  # her browser still saves data
    expect(phone.get_by_text(re.compile(r"正在播放：小视频，[\d.,]+ [KM]B。"))).to_be_visible()
    assert_no_sideways_scroll(phone)
