"""A learner on a 360 px phone, in Chinese, turns on sign-in codes by text message, then signs in with one."""

from sqlalchemy import select

from lms.accounts.models import SecurityEvent
from lms.core.extensions import db
from tests.browser.conftest import PHONE
from tests.browser.steps import SIGN_IN_ZH, arrive, expect_message, sign_in
from tests.browser.test_forgot_password_journey import last_text_id, texted_code
from tests.conftest import TEST_PASSWORD
from tests.factories import UserFactory

NAME, PHONE_NUMBER = "李秀英", "+8613912340077"


def test_a_learner_turns_on_texted_codes_and_signs_in_with_one(new_page):
    learner = UserFactory(name=NAME, phone=PHONE_NUMBER, locale="zh_Hans")
    db.session.commit()
    page = new_page(PHONE, locale="zh-CN", learner=True)
    sign_in(page, PHONE_NUMBER, NAME, SIGN_IN_ZH)
    page.goto("/account/settings")
    arrive(page, "设置")
    page.get_by_role("link", name="短信登录验证码").click()
    arrive(page, "短信登录验证码")
    before = last_text_id()
    page.get_by_role("button", name="发送验证码").click()
    arrive(page, "短信登录验证码")
    page.get_by_label("验证码").fill(texted_code(PHONE_NUMBER, before))
    page.get_by_role("button", name="开启登录验证码").click()
    arrive(page, "短信登录验证码")
    expect_message(page, "短信登录验证码已开启")
    page.get_by_role("button", name="退出登录").click()

    arrive(page, SIGN_IN_ZH["button"])
    page.get_by_label(SIGN_IN_ZH["login"]).fill(PHONE_NUMBER)
    page.get_by_label(SIGN_IN_ZH["password"], exact=True).fill(TEST_PASSWORD)
    before = last_text_id()
    page.get_by_role("button", name=SIGN_IN_ZH["button"]).click()
    arrive(page, "登录验证码")
    page.get_by_label("验证码").fill(texted_code(PHONE_NUMBER, before))
    page.get_by_role("button", name="登录").click()
    arrive(page, SIGN_IN_ZH["hello"].format(name=NAME))
    db.session.expire_all()
    details = db.session.scalars(
        select(SecurityEvent.detail).where(SecurityEvent.user_id == learner.id, SecurityEvent.kind == "sign_in")
    ).all()
    assert "text" in details
    db.session.commit()
