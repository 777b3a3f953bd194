"""A lead, in Chinese, switches off a mentor who is signed in elsewhere: the mentor, in English, is signed out
at once and told why when she tries to sign in again."""

from playwright.sync_api import expect
from sqlalchemy import select

from lms.accounts.models import SecurityEvent, User
from lms.core.extensions import db
from tests.browser.conftest import LAPTOP
from tests.browser.steps import SIGN_IN, SIGN_IN_ZH, arrive, expect_message, sign_in
from tests.factories import TEST_PASSWORD, CohortFactory, LeadFactory, MentorFactory

LEAD_NAME, LEAD_EMAIL = "周丽华", "zhou.lihua@example.org"
MENTOR_NAME, MENTOR_EMAIL = "Liu Yang", "liu.yang@example.org"


def test_a_lead_switches_off_a_mentor_who_is_signed_out_everywhere_and_cannot_sign_in(new_page):
    cohort = CohortFactory()
    LeadFactory(name=LEAD_NAME, email=LEAD_EMAIL, programs=[cohort.program])
    mentor = MentorFactory(name=MENTOR_NAME, email=MENTOR_EMAIL)
    cohort.mentors.append(mentor)  # a lead switches off the mentors of her programs
    db.session.commit()

    mentors_laptop = new_page(LAPTOP)
    sign_in(mentors_laptop, MENTOR_EMAIL, MENTOR_NAME, SIGN_IN)

    lead = new_page(LAPTOP, locale="zh-CN")
    sign_in(lead, LEAD_EMAIL, LEAD_NAME, SIGN_IN_ZH)
    lead.get_by_role("link", name="账号", exact=True).click()
    arrive(lead, "账号")
    lead.get_by_role("link", name="导师", exact=True).click()
    arrive(lead, "账号")
    row = lead.get_by_role("row").filter(has_text=MENTOR_NAME)
    expect(row).to_contain_text("使用中")
    row.get_by_role("link", name=f"停用 {MENTOR_NAME}").click()
    arrive(lead, f"停用 {MENTOR_NAME} 的账号")
    lead.get_by_role("button", name="停用", exact=True).click()
    arrive(lead, "账号")
    expect_message(lead, f"{MENTOR_NAME} 的账号已停用，所有设备都已退出登录。")
    expect(lead.get_by_role("row").filter(has_text=MENTOR_NAME)).to_contain_text("已停用")

    mentors_laptop.reload()
    arrive(mentors_laptop, SIGN_IN["button"])
    mentors_laptop.get_by_label(SIGN_IN["login"]).fill(MENTOR_EMAIL)
    mentors_laptop.get_by_label(SIGN_IN["password"], exact=True).fill(TEST_PASSWORD)
    mentors_laptop.get_by_role("button", name=SIGN_IN["button"]).click()
    arrive(mentors_laptop, SIGN_IN["button"])
    expect(mentors_laptop.get_by_role("alert")).to_contain_text("This account is switched off")

    db.session.expire_all()
    assert not db.session.get(User, mentor.id).active
    kinds = db.session.scalars(select(SecurityEvent.kind).where(SecurityEvent.user_id == mentor.id)).all()
    assert "account_deactivated" in kinds
    assert "sign_in_refused" in kinds
