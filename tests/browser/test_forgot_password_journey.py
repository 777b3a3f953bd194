"""A learner on a 360 px phone, in Chinese, forgot her password: a code reaches her phone, she chooses a new one,
and the phone she signed in on before is signed out."""

import re
import time

from playwright.sync_api import expect
from sqlalchemy import select

from lms.accounts.models import SecurityEvent
from lms.core.extensions import db
from lms.notifications.models import OutboxSms
from tests.browser.conftest import PHONE
from tests.browser.steps import SIGN_IN_ZH, arrive, expect_message, sign_in
from tests.factories import UserFactory

NAME, PHONE_NUMBER = "王春梅", "+8613912345678"
NEW_PASSWORD = "茶园河边开店2027"


def texted_code(number: str = PHONE_NUMBER, after: int = 0, timeout: float = 20.0) -> str:
    """The code in the latest text message the queue worker sent to ``number`` (its outbox id above ``after``), with
    the dev provider, which only records."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        text = db.session.scalar(
            select(OutboxSms.text)
            .where(OutboxSms.to_number == number, OutboxSms.state == "sent", OutboxSms.id > after)
            .order_by(OutboxSms.id.desc())
        )
        if text:
            db.session.commit()
            return re.search(r"\d{6}", text).group(0)
        db.session.commit()
        time.sleep(0.2)
    raise AssertionError("no text message sent to her")


def last_text_id() -> int:
    """The outbox id of the latest text message, so that a step waits for the one after it."""
    found = db.session.scalar(select(OutboxSms.id).order_by(OutboxSms.id.desc()).limit(1)) or 0
    db.session.commit()
    return found


def test_a_learner_who_forgot_her_password_chooses_a_new_one_with_a_texted_code(new_page):
    learner = UserFactory(name=NAME, phone=PHONE_NUMBER, locale="zh_Hans")
    db.session.commit()
    old_phone = new_page(PHONE, locale="zh-CN", learner=True)
    sign_in(old_phone, PHONE_NUMBER, NAME, SIGN_IN_ZH)

    page = new_page(PHONE, locale="zh-CN", learner=True)
    page.goto("/login")
    arrive(page, SIGN_IN_ZH["button"])
    page.get_by_role("link", name="忘记密码？").click()
    arrive(page, "忘记密码？")
    page.get_by_label("手机号").fill("139 1234 5678")
    page.get_by_role("button", name="发送验证码").click()
    arrive(page, "设置新密码")
    expect_message(page, "如果这个号码有账号，我们已把验证码短信发给它，10分钟内有效。")
    expect(page.get_by_label("手机号")).to_have_value("139 1234 5678")
    code_field = page.get_by_label("验证码")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    code_field.fill(texted_code())
    page.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再输一次密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="设置密码并登录").click()
    arrive(page, SIGN_IN_ZH["hello"].format(name=NAME))
    expect_message(page, "新密码已设置好，其他手机和电脑已退出登录。")

    old_phone.reload()
    arrive(old_phone, SIGN_IN_ZH["button"])
    db.session.expire_all()
    kinds = db.session.scalars(select(SecurityEvent.kind).where(SecurityEvent.user_id == learner.id)).all()
    assert "password_reset" in kinds
