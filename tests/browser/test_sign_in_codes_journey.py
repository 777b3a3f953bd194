"""A mentor, in Chinese on her phone, sets up sign-in codes with an authenticator app, keeps her recovery codes,
and signs in again with her password and a code."""

import time

import pyotp
from playwright.sync_api import expect
from sqlalchemy import select

from lms.accounts.models import SecurityEvent, SignInCodeKey
from lms.core.extensions import db
from tests.browser.conftest import PHONE
from tests.browser.steps import SIGN_IN_ZH, arrive, assert_no_sideways_scroll, sign_in
from tests.factories import TEST_PASSWORD, MentorFactory

NAME, EMAIL = "刘洋", "liu.yang@example.org"


def test_a_mentor_sets_up_sign_in_codes_on_her_phone_and_signs_in_with_one(new_page, screenshot):
    mentor = MentorFactory(name=NAME, email=EMAIL)
    db.session.commit()
    phone = new_page(PHONE, locale="zh-CN")
    sign_in(phone, EMAIL, NAME, SIGN_IN_ZH)
    phone.get_by_role("link", name="密码", exact=True).click()
    arrive(phone, "修改密码")
    phone.get_by_role("link", name="设置或更改登录验证码").click()
    arrive(phone, "登录验证码")
    phone.get_by_role("link", name="设置登录验证码").click()
    arrive(phone, "设置登录验证码")
    expect(phone.get_by_role("img", name="你的登录密钥二维码")).to_be_visible()
    assert_no_sideways_scroll(phone)
    screenshot(phone, "sign-in-codes-setup.png")

    db.session.expire_all()
    secret = db.session.scalar(select(SignInCodeKey.key_secret).where(SignInCodeKey.user_id == mentor.id))
    totp = pyotp.TOTP(secret)
    expect(phone.get_by_text(secret[:4], exact=False)).to_be_visible()
    phone.get_by_label("验证码").fill(totp.now())
    phone.get_by_role("button", name="开启登录验证码").click()
    arrive(phone, "你的恢复码")
    expect(phone.locator(".recovery-codes li")).to_have_count(10)
    assert_no_sideways_scroll(phone)

    phone.get_by_role("button", name="退出登录").click()
    arrive(phone, SIGN_IN_ZH["button"])
    phone.get_by_label(SIGN_IN_ZH["login"]).fill(EMAIL)
    phone.get_by_label(SIGN_IN_ZH["password"], exact=True).fill(TEST_PASSWORD)
    phone.get_by_role("button", name=SIGN_IN_ZH["button"]).click()
    arrive(phone, "登录验证码")
    assert_no_sideways_scroll(phone)
    # The next step's code: the one just confirmed is never accepted again, one step ahead always is.
    phone.get_by_label("验证码").fill(totp.at(time.time() + totp.interval))
    phone.get_by_role("button", name=SIGN_IN_ZH["button"]).click()
    arrive(phone, SIGN_IN_ZH["hello"].format(name=NAME))

    db.session.expire_all()
    kinds = db.session.scalars(select(SecurityEvent.kind).where(SecurityEvent.user_id == mentor.id)).all()
    assert {"sign_in_codes_set_up", "recovery_codes_made", "sign_in_code_asked"} <= set(kinds)
