"""A learner's whole journey on a 360 px phone, in Chinese: from the invite code to the certificate and her
3-month follow-up.

The mentor's reviews and the lead's graduation happen in the browser too, on laptop pages of their own.
Each part of the journey is a function; the test calls them in order.

Time is the one thing a browser cannot move forward. The cohort started half a year ago, and the lead, confirming
the graduation after the fact as programs do, gives the day the course ended three months ago: the 3-month
follow-up is due, and nothing is written to the database between the steps.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect
from sqlalchemy import select

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.core.calendar import add_months, program_today
from lms.core.extensions import db
from lms.courses import files
from lms.courses.video import process_video
from lms.learning.models import QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Submission
from lms.media import storage
from lms.media.models import MediaKind
from lms.outcomes.models import Baseline, FollowUp, Graduation, ReportingConsent
from tests.browser.conftest import CHECKERS, LAPTOP, PHONE
from tests.browser.steps import (
    NOTIFICATIONS_ZH,
    arrive,
    assert_no_sideways_scroll,
    expect_message,
    expect_unread,
    fill_review,
    main_nav,
    make_png,
    make_test_video,
    open_from_queue,
    open_notification,
    section,
    send_review,
    sign_in,
    thread_item,
)
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    LeadFactory,
    LessonFactory,
    MentorFactory,
    ModuleFactory,
    OptionFactory,
    ProgramFactory,
    QuestionFactory,
    RubricCriterionFactory,
)

PROGRAM = "横峰县电商孵化项目"
COHORT = "横峰县2027春季班"
INVITE_CODE = "HF2027"
NAME = "李春梅"
MOBILE = "13912345678"
PASSWORD = "tea garden 2027"
MENTOR_NAME, MENTOR_EMAIL = "Wang Fang", "wang.fang@example.org"
LEAD_NAME, LEAD_EMAIL = "Zhou Lihua", "zhou.lihua@example.org"

COURSE = "用短视频卖茶叶"
COURSE_EN = "Sell your tea with short videos"
MODULE = "拍好你的茶"
VIDEO = "在柔光下拍茶"
READING = "了解你的茶"
READING_BODY = "## 你的茶有什么特别\n\n- 长在哪里\n- 怎么采摘\n\n<script>alert(1)</script>\n"
QUIZ = "光线小测验"
QUESTION = "拍茶叶时哪种光线最好？"
WRONG, WRONG_FEEDBACK = "背对正午的太阳", "太阳在你身后，茶叶就在阴影里。"
RIGHT, RIGHT_FEEDBACK = "窗边柔和的日光", "柔光能拍出茶叶真实的颜色。"
ASSIGNMENT = "拍一张你的茶"
INSTRUCTIONS = "在柔光下拍一张你的茶，写一写它特别在哪里。"
FRAME, STORY = "茶叶占满画面", "文字说清茶长在哪里"
FIRST_TEXT = "我们的茶长在村子上面的山坡上。"
SECOND_TEXT = "我们的茶长在海拔800米的云雾山上，每年四月手工采摘。"
REVISION_FEEDBACK = "照片拍得不错。再告诉买家山有多高、什么时候采摘。"
ACCEPT_FEEDBACK = "现在买家能想象出你家的茶山了，做得好！"
PRODUCT = "高山绿茶"
# What 分享 → 复制链接 copies in the Kuaishou app: the link inside a sentence.
SHARE_TEXT = "【快手小店】高山绿茶 明前手工采摘 https://v.kuaishou.com/abc123 打开快手查看"
SHOP_LINK = "https://v.kuaishou.com/abc123"

# What the learner reads, from the Chinese catalog.
HELLO = f"你好，{NAME}"
REVISION_NOTICE = f"“{ASSIGNMENT}”需要修改：请阅读{MENTOR_NAME}的反馈后重新提交。"
ACCEPTED_NOTICE = f"“{ASSIGNMENT}”收到反馈：已通过。"
THREAD = f"你的提交：{ASSIGNMENT}"
TO_REVIEW = f"Work to review: {NAME}, “{ASSIGNMENT}”."
FOLLOW_UP_CARD = "告诉我们你的生意做得怎么样"
AT_GRADUATION, THREE_MONTHS = "结业时", "结业后 3 个月"


@dataclass
class World:
    cohort_id: int
    lesson_ids: list[int]
    graduated_on: date


def make_world(video_file: Path) -> World:
    """Before the first page: a cohort with its invite code, mentor and lead, and a course of every lesson kind."""
    today = program_today()
    starts_on = add_months(today, -6)
    program = ProgramFactory(name=PROGRAM)
    cohort = CohortFactory(program=program, name=COHORT, invite_code=INVITE_CODE, starts_on=starts_on)
    mentor = MentorFactory(name=MENTOR_NAME, email=MENTOR_EMAIL)
    cohort.mentors.append(mentor)
    LeadFactory(name=LEAD_NAME, email=LEAD_EMAIL)
    course = CourseFactory(program=program, title=COURSE, language="zh_Hans", summary="用手机拍好你的茶，在网上卖。")
    module = ModuleFactory(course=course, title=MODULE)
    video = LessonFactory(module=module, kind="video", title=VIDEO, body="", transcript="把手机竖着拿稳。")
    reading = LessonFactory(module=module, kind="reading", title=READING, body=READING_BODY)
    quiz = LessonFactory(module=module, kind="quiz", title=QUIZ, pass_mark=50, attempts_allowed=3)
    question = QuestionFactory(lesson=quiz, kind="single", prompt=QUESTION)
    OptionFactory(question=question, text=WRONG, correct=False, feedback=WRONG_FEEDBACK, position=0)
    OptionFactory(question=question, text=RIGHT, correct=True, feedback=RIGHT_FEEDBACK, position=1)
    due_in_a_week = (today - starts_on).days + 7
    assignment = LessonFactory(
        module=module,
        kind="assignment",
        title=ASSIGNMENT,
        body=INSTRUCTIONS,
        accepts="text,link,photo",
        due_days=due_in_a_week,
    )
    RubricCriterionFactory(lesson=assignment, criterion=FRAME, points=4, position=0)
    RubricCriterionFactory(lesson=assignment, criterion=STORY, points=6, position=1)
    CohortCourseFactory(cohort=cohort, course=course, required=True)
    # The same course in English, offered too: a Chinese learner sees it only if she asks.
    english = CourseFactory(program=program, title=COURSE_EN, language="en", translation_of=course)
    LessonFactory(module=ModuleFactory(course=english, title="Your product"), kind="reading", title="Your tea")
    CohortCourseFactory(cohort=cohort, course=english, required=False)
    files.attach_video(video, storage.store_local_file(video_file, MediaKind.VIDEO, video_file.name, "video/mp4"))
    db.session.commit()  # ends the transaction: the server must not wait for this session's lock
    process_video(video.id)  # the small version and poster, as the server makes them after an upload
    return World(cohort.id, [video.id, reading.id, quiz.id, assignment.id], add_months(today, -3))


# The learner's steps, on the phone


def go_home(page: Page) -> None:
    main_nav(page, "主导航").get_by_role("link", name="首页").click()
    arrive(page, HELLO)
    assert_no_sideways_scroll(page)


def join_with_invite_code(page: Page) -> None:
    page.goto("/")
    arrive(page, "登录")  # signed out, the home page asks to sign in
    main_nav(page, "主导航").get_by_role("link", name="用邀请码加入").click()
    arrive(page, "加入你的班级")
    assert_no_sideways_scroll(page)
    page.get_by_label("邀请码").fill(INVITE_CODE)
    page.get_by_label("你的姓名").fill(NAME)
    page.get_by_label("手机号").fill(MOBILE)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再输一次密码").fill(PASSWORD)
    page.get_by_role("button", name="加入", exact=True).click()
    arrive(page, HELLO)


def sign_out_and_back_in(page: Page) -> None:
    """Another day: she signs in with her mobile number and the password she chose."""
    page.get_by_role("button", name="退出登录").click()
    arrive(page, "登录")
    expect_message(page, "你已退出登录。")
    page.get_by_label("手机号或邮箱").fill(MOBILE)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    arrive(page, HELLO)


def give_consent_and_fill_intake(page: Page) -> None:
    page.get_by_role("link", name="回答几个关于你家庭和生意的简短问题").click()
    arrive(page, "开始之前：请你确认是否同意")
    assert_no_sideways_scroll(page)
    page.get_by_role("button", name="我同意", exact=True).click()
    arrive(page, "你现在的情况")
    expect_message(page, "谢谢。你的数据可以用于报告，但不会出现你的名字。")
    page.get_by_label("家庭月收入（元）").fill("2800")
    page.get_by_label("家庭人口").fill("4")
    page.get_by_role("group", name="你的生意").get_by_label("线下销售").check()
    page.get_by_label("主要产品").fill("高山绿茶、葛根粉")
    channels = page.get_by_role("group", name="销售渠道")
    channels.get_by_label("微信").check()
    channels.get_by_label("快手小店").check()
    assert_no_sideways_scroll(page)
    page.get_by_role("button", name="保存", exact=True).click()
    arrive(page, "你现在的情况")
    expect_message(page, "谢谢，回答已保存。")
    expect(page.get_by_label("家庭月收入（元）")).to_have_value("2800.00")


def find_her_language_in_the_catalogue(page: Page) -> None:
    """The course in Chinese; its English copy only as a link."""
    main_nav(page, "主导航").get_by_role("link", name="课程").click()
    arrive(page, "课程")
    expect(page.get_by_role("heading", name=COURSE)).to_be_visible()
    expect(page.get_by_text(COURSE_EN)).to_have_count(0)
    expect(page.get_by_role("link", name="English", exact=True)).to_be_visible()


def watch_video_lesson(page: Page, screenshot) -> None:
    go_home(page)
    expect(page.get_by_text(COURSE_EN)).to_have_count(0)
    expect(page.get_by_role("link", name="回答几个关于你家庭和生意的简短问题")).to_have_count(0)
    expect(page.get_by_text("已完成 0 / 4 个课时")).to_be_visible()
    screenshot(page, "learner-home-zh.png")
    section(page, "从上次停下的地方继续").get_by_role("link", name=f"开始学习：{VIDEO}").click()
    arrive(page, VIDEO)
    video = page.locator("main video")
    expect(video).to_have_attribute("preload", "none")  # nothing is downloaded before the learner presses play
    expect(video).to_have_attribute("poster", re.compile(r"^/media/\d+$"))
    expect(page.get_by_text(re.compile(r"正在播放：普通视频，[\d.,]+ [KM]B。"))).to_be_visible()
    # Every other version is a link with its size, before anything downloads.
    others = page.get_by_role("list", name="其他版本")
    for name in ("仅音频", "小视频", "高清版"):
        expect(others).to_contain_text(re.compile(name + r"\s*\([\d.,]+ [KM]B\)"))
    (playing,) = (source.get_attribute("src") for source in video.locator("source").all())
    assert others.get_by_role("link", name="高清版").get_attribute("href") != playing
    assert_no_sideways_scroll(page)
    # The player's own play control, from the keyboard; at 80 % of the clip the page records the lesson as done.
    video.focus()
    page.keyboard.press("Space")
    expect(page.get_by_text("✓ 你已学完这个课时。")).to_be_visible(timeout=15_000)
    # The server has it: the home page moves on to the next lesson.
    go_home(page)
    expect(page.get_by_text("已完成 1 / 4 个课时")).to_be_visible()


def read_lesson(page: Page, screenshot) -> None:
    section(page, "从上次停下的地方继续").get_by_role("link", name=f"继续学习：{READING}").click()
    arrive(page, READING)
    expect(page.get_by_role("heading", name="你的茶有什么特别")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="怎么采摘")).to_be_visible()
    expect(page.locator("main script")).to_have_count(0)  # the lesson text cannot carry a script
    expect(page.get_by_text("alert(1)")).to_have_count(0)
    assert_no_sideways_scroll(page)
    screenshot(page, "learner-lesson-zh.png")
    page.get_by_role("button", name="标记为已完成").click()
    arrive(page, QUIZ)  # the next lesson
    expect_message(page, f"“{READING}”已完成。")


def answer_quiz(page: Page, option: str) -> None:
    page.get_by_label(option).check()
    page.get_by_role("button", name="提交答案").click()
    arrive(page, f"测验结果：{QUIZ}")
    assert_no_sideways_scroll(page)


def fail_then_pass_quiz(page: Page, screenshot) -> None:
    expect(page.get_by_text("及格线：50%")).to_be_visible()
    assert_no_sideways_scroll(page)
    answer_quiz(page, WRONG)
    expect(page.get_by_text("还没有通过：需要达到 50%。")).to_be_visible()
    # Two attempts are left: the answers, and the feedback that gives them away, wait until she passes.
    expect(page.get_by_text(WRONG_FEEDBACK)).to_have_count(0)
    expect(page.get_by_text("通过测验或用完所有作答机会后会显示正确答案。")).to_be_visible()
    page.get_by_role("link", name="再做一次").click()
    arrive(page, QUIZ)
    answer_quiz(page, RIGHT)
    expect(page.get_by_text("通过了，做得好！")).to_be_visible()
    expect(page.get_by_text(RIGHT_FEEDBACK)).to_be_visible()
    screenshot(page, "learner-quiz-result-zh.png")
    page.get_by_role("link", name=f"下一课：{ASSIGNMENT}").click()
    arrive(page, ASSIGNMENT)


def submit_assignment_with_photo(page: Page, photo: Path) -> None:
    expect(page.get_by_text(INSTRUCTIONS)).to_be_visible()
    expect(page.get_by_role("row", name=f"{FRAME} 4")).to_be_visible()
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name="提交作业，查看导师反馈").click()
    arrive(page, THREAD)
    expect(page.get_by_role("heading", name="提交作业", exact=True)).to_be_visible()
    page.get_by_label("你的答案").fill(FIRST_TEXT)
    page.get_by_label("链接").fill("我的快手小店")
    page.get_by_label("照片").set_input_files(photo)
    CHECKERS[page].expect_status(400, urlsplit(page.url).path)  # the form comes back with the refusal
    page.get_by_role("button", name="提交", exact=True).click()
    # The link is refused; the photo she chose is kept for the form, so she does not choose it again.
    arrive(page, THREAD)
    expect(page.get_by_text("请填写完整的链接，以 http:// 或 https:// 开头。")).to_be_visible()
    kept = page.get_by_role("group", name="已选好的文件，为你保留着")
    expect(kept.get_by_role("checkbox", name=f"{photo.stem}.jpg")).to_be_checked()
    expect(page.get_by_label("你的答案")).to_have_value(FIRST_TEXT)
    assert_no_sideways_scroll(page)
    page.get_by_label("链接").fill(SHARE_TEXT)  # pasted as the app copies it
    page.get_by_role("button", name="提交", exact=True).click()
    arrive(page, THREAD)
    expect_message(page, "作业已提交，导师会来批改。")
    expect(thread_item(page, "第 1 版").get_by_role("link", name=SHOP_LINK)).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="等待导师批改")).to_be_visible()
    expect(thread_item(page, "第 1 版").get_by_role("link", name=f"照片: {photo.stem}.jpg")).to_be_visible()
    assert_no_sideways_scroll(page)


def resubmit_after_revision(page: Page, screenshot) -> None:
    go_home(page)
    expect_unread(page, 1, NOTIFICATIONS_ZH)
    open_notification(page, REVISION_NOTICE, NOTIFICATIONS_ZH)
    arrive(page, THREAD)  # the notification leads to the feedback
    expect(page.get_by_role("definition").filter(has_text="需要修改：请修改作业后重新提交")).to_be_visible()
    asked = thread_item(page, "需要修改")
    expect(asked.get_by_text(REVISION_FEEDBACK)).to_be_visible()
    expect(asked.get_by_role("row", name=f"{FRAME} 3 / 4")).to_be_visible()
    answer = page.get_by_label("你的答案")
    expect(answer).to_have_value(FIRST_TEXT)  # the last version's text, ready to change
    # On the phone the mentor's scores and feedback come before the form she changes her work in.
    assert asked.bounding_box()["y"] < answer.bounding_box()["y"]
    answer.fill(SECOND_TEXT)
    expect(page.get_by_label("保留我上次提交的文件")).to_be_checked()
    page.get_by_role("button", name="提交", exact=True).click()
    arrive(page, THREAD)
    expect_message(page, "作业已提交，导师会来批改。")
    expect(thread_item(page, "第 2 版").get_by_text(SECOND_TEXT)).to_be_visible()
    expect(thread_item(page, "第 1 版").get_by_text(FIRST_TEXT)).to_be_visible()  # every version is kept
    assert_no_sideways_scroll(page)
    screenshot(page, "learner-submission-zh.png")


def see_work_accepted_and_finish_course(page: Page) -> None:
    go_home(page)
    expect_unread(page, 1, NOTIFICATIONS_ZH)
    open_notification(page, ACCEPTED_NOTICE, NOTIFICATIONS_ZH)
    arrive(page, THREAD)
    expect(page.get_by_role("definition").filter(has_text=re.compile(r"^\s*已通过\s*$"))).to_be_visible()
    expect(page.get_by_text(ACCEPT_FEEDBACK)).to_be_visible()
    expect(page.get_by_role("button", name="提交", exact=True)).to_have_count(0)  # accepted work is final
    page.get_by_role("link", name=COURSE).click()
    arrive(page, COURSE)
    expect(page.get_by_text("已完成 4 / 4 个课时")).to_be_visible()
    expect(page.get_by_text("你已学完这门课程。")).to_be_visible()
    assert_no_sideways_scroll(page)


def read_her_progress_page(page: Page) -> None:
    """One compact view: the course's bar, and what she did in it folded away until she opens it."""
    go_home(page)
    page.get_by_role("link", name="查看你的全部学习记录").click()
    arrive(page, NAME)
    expect(page.get_by_role("table")).to_have_count(0)
    done = page.locator("details").filter(has_text="做过的事，最新的在前")
    expect(done).to_have_count(1)
    finished_reading = f"完成了“{READING}”"
    expect(done.get_by_text(finished_reading)).to_be_hidden()
    done.get_by_text("做过的事，最新的在前").click()
    expect(done.get_by_text(finished_reading)).to_be_visible()
    assert_no_sideways_scroll(page)
    # Four lessons and two quiz attempts: the whole page fits in about three phone screens (it was over six).
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2000, f"the progress page is {height} px tall at 360 px"


def open_certificate_and_verify(page: Page, screenshot) -> None:
    go_home(page)
    section(page, "你的证书").get_by_role("link", name=PROGRAM, exact=True).click()
    arrive(page, "结业证书")
    certificate = page.get_by_role("article")
    expect(certificate.get_by_text(NAME, exact=True)).to_be_visible()
    expect(certificate.get_by_role("img", name="验证页面的二维码").locator("svg")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "learner-certificate-zh.png")
    certificate.get_by_role("link", name=re.compile(r"verify.[A-Z0-9]+$")).click()  # the page's address
    arrive(page, "证书有效")
    expect(page.get_by_text("这份证书有效。")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text=NAME)).to_be_visible()
    assert_no_sideways_scroll(page)


def fill_three_month_follow_up(page: Page, photo: Path, screenshot) -> None:
    """The home card asks for the follow-ups due; she fills the 3-month one and sees it saved as hers."""
    go_home(page)
    card = section(page, FOLLOW_UP_CARD)
    expect(card.get_by_role("link")).to_have_count(2)
    expect(card.get_by_role("paragraph").filter(has_text=AT_GRADUATION)).to_contain_text("逾期")
    card.get_by_role("link", name=f"填写回访：{THREE_MONTHS}").click()
    arrive(page, "你的生意做得怎么样？")
    # Both open waves can be chosen; the one she opened is chosen already.
    expect(page.get_by_label("哪一期回访").locator("option:checked")).to_have_text(THREE_MONTHS)
    page.get_by_label("现在家庭一个月的收入（元）", exact=True).fill("4200")
    page.get_by_label("这段时间的销售额（元）", exact=True).fill("18600.50")
    product = page.get_by_role("group", name="产品 1")
    product.get_by_label("产品", exact=True).fill(PRODUCT)
    product.get_by_label("销售数量", exact=True).fill("120")
    product.get_by_label("单位", exact=True).select_option("kg")
    channels = page.get_by_role("group", name="在哪里卖")
    channels.get_by_label("快手小店", exact=True).check()
    channels.get_by_label("微信", exact=True).check()
    page.get_by_label("靠你的生意增收的农户", exact=True).fill("6")
    page.get_by_label("这段时间的直播场次", exact=True).fill("12")
    page.get_by_label("照片或截图（选填）", exact=True).set_input_files(photo)
    assert_no_sideways_scroll(page)
    screenshot(page, "follow-up-form-zh-360.png")
    page.get_by_role("button", name="保存", exact=True).click()
    arrive(page, THREE_MONTHS)
    expect_message(page, "谢谢！回访已保存。")
    expect(page.get_by_text("本人填报", exact=True)).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text=PRODUCT)).to_have_text(f"{PRODUCT}: 120 公斤")
    expect(page.get_by_role("link", name="照片 1")).to_be_visible()
    assert_no_sideways_scroll(page)
    go_home(page)
    expect(section(page, FOLLOW_UP_CARD).get_by_role("link")).to_have_text([f"填写回访：{AT_GRADUATION}"])


def download_her_data_and_ask_for_deletion(page: Page) -> None:
    """She prepares the ZIP of all we hold about her (the worker builds it), downloads it, asks for deletion."""
    main_nav(page, "主导航").get_by_role("link", name="我的数据").click()
    arrive(page, "我的数据")
    page.get_by_role("button", name="准备我的下载文件").click()
    arrive(page, "我的数据")
    expect_message(page, "正在准备你的下载文件")
    link = page.get_by_role("link", name=re.compile(r"^下载我的数据（ZIP"))
    for _ in range(60):  # the queue worker builds it in a moment; she looks again as the page asks
        if link.count():
            break
        page.wait_for_timeout(500)
        page.get_by_role("link", name="再看一次").click()
        arrive(page, "我的数据")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".zip")
    page.get_by_role("button", name="申请删除我的数据").click()
    arrive(page, "我的数据")
    expect_message(page, "你的申请已提交")
    expect(section(page, "删除我的数据")).to_contain_text("项目负责人正在处理")
    assert_no_sideways_scroll(page)


# The other people's steps, on laptops in English


def mentor_requests_revision(page: Page) -> None:
    sign_in(page, MENTOR_EMAIL, MENTOR_NAME)
    expect_unread(page, 2)  # the learner joined the cohort, and handed in her work
    open_notification(page, TO_REVIEW)
    open_from_queue(page, ASSIGNMENT, NAME, version=1)
    fill_review(page, {FRAME: 3, STORY: 2}, REVISION_FEEDBACK, "Ask for a revision")
    send_review(page, "Revision requested.")


def mentor_accepts(page: Page) -> None:
    page.reload()
    arrive(page, "Review queue")
    expect_unread(page, 2)  # the new version, and the learner's joining still unread
    open_notification(page, TO_REVIEW)
    open_from_queue(page, ASSIGNMENT, NAME, version=2)
    fill_review(page, {FRAME: 4, STORY: 6}, ACCEPT_FEEDBACK, "Accept")
    send_review(page, "Accepted.")


def lead_confirms_graduation(page: Page, graduated_on: date) -> None:
    """Confirmed after the fact: the lead gives the day the course ended."""
    sign_in(page, LEAD_EMAIL, LEAD_NAME)
    main_nav(page).get_by_role("link", name="Cohorts").click()
    arrive(page, "Cohorts")
    page.get_by_role("link", name=COHORT).click()
    arrive(page, COHORT)
    page.get_by_role("link", name="Graduation", exact=True).click()
    arrive(page, f"Graduation: {COHORT}")
    expect(page.get_by_role("row", name=NAME)).to_contain_text("Ready to graduate")
    page.get_by_label(NAME).check()
    date_field = page.get_by_label("Graduation date")
    expect(date_field).to_have_value(program_today().isoformat())
    date_field.fill(graduated_on.isoformat())
    page.get_by_role("button", name="Confirm graduation").click()
    arrive(page, f"Graduation: {COHORT}")
    expect_message(page, "1 learner graduated.")
    expect(page.get_by_role("row", name=NAME)).to_contain_text("Graduated on")


def test_learner_joins_learns_hands_in_work_graduates_verifies_her_certificate_and_reports_her_business(
    new_page, screenshot, tmp_path
):
    world = make_world(make_test_video(tmp_path))
    photo = make_png(tmp_path)
    phone = new_page(PHONE, locale="zh-CN", learner=True)
    mentor = new_page(LAPTOP)
    lead = new_page(LAPTOP)

    dialogs = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    join_with_invite_code(phone)
    sign_out_and_back_in(phone)
    give_consent_and_fill_intake(phone)
    find_her_language_in_the_catalogue(phone)
    watch_video_lesson(phone, screenshot)
    read_lesson(phone, screenshot)
    fail_then_pass_quiz(phone, screenshot)
    submit_assignment_with_photo(phone, photo)
    mentor_requests_revision(mentor)
    resubmit_after_revision(phone, screenshot)
    mentor_accepts(mentor)
    see_work_accepted_and_finish_course(phone)
    read_her_progress_page(phone)
    lead_confirms_graduation(lead, world.graduated_on)
    open_certificate_and_verify(phone, screenshot)
    fill_three_month_follow_up(phone, make_png(tmp_path, "orders.png"), screenshot)
    download_her_data_and_ask_for_deletion(phone)

    assert dialogs == [], f"a script in the lesson text ran: {dialogs}"

    # What the database holds after the journey.
    learner = db.session.scalars(select(User).where(User.phone == f"+86{MOBILE}")).one()
    assert learner.locale == "zh_Hans"
    assert db.session.scalars(select(ReportingConsent.granted).where(ReportingConsent.learner_id == learner.id)).all()
    baseline = db.session.scalars(select(Baseline).where(Baseline.learner_id == learner.id)).one()
    assert (baseline.monthly_income_fen, baseline.household_size) == (280_000, 4)
    done = db.session.scalars(select(Completion.lesson_id).where(Completion.learner_id == learner.id)).all()
    assert sorted(done) == sorted(world.lesson_ids)
    attempts = db.session.scalars(
        select(QuizAttempt.passed).where(QuizAttempt.learner_id == learner.id).order_by(QuizAttempt.number)
    ).all()
    assert attempts == [False, True]
    submission = db.session.scalars(select(Submission).where(Submission.learner_id == learner.id)).one()
    assert submission.state == "accepted"
    graduation = db.session.scalars(select(Graduation).where(Graduation.learner_id == learner.id)).one()
    assert (graduation.cohort_id, graduation.graduated_on) == (world.cohort_id, world.graduated_on)
    kinds = db.session.scalars(select(Certificate.kind).where(Certificate.learner_id == learner.id)).all()
    assert sorted(kinds) == ["course", "program"]
    follow_up = db.session.scalars(select(FollowUp).where(FollowUp.learner_id == learner.id)).one()
    assert (follow_up.graduation_id, follow_up.wave_months) == (graduation.id, 3)
    assert (follow_up.source, follow_up.verified_at) == ("self", None)
    assert (follow_up.monthly_income_fen, follow_up.revenue_fen) == (420_000, 1_860_050)
    assert follow_up.channels == "kuaishou,wechat"
    assert (follow_up.households_benefiting, follow_up.livestreams) == (6, 12)
    assert [(row.product, int(row.quantity), row.unit) for row in follow_up.quantities] == [(PRODUCT, 120, "kg")]
    assert len(follow_up.evidence) == 1
