"""A learner's first visit, in a real browser on a small phone."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from lms.auth.models import Role, User
from lms.cohorts.models import Enrollment
from lms.extensions import db
from tests.factories import CohortFactory

NAME = "李春梅"
MOBILE = "13912345678"
PASSWORD = "tea garden 2027"


def test_learner_joins_signs_in_switches_to_chinese_and_signs_out(phone_page, screenshot):
    cohort_id = CohortFactory(invite_code="JOIN2027").id
    page = phone_page

    page.goto("/join")
    page.get_by_label("Invite code").fill("JOIN2027")
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Mobile number").fill(MOBILE)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {NAME}")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    page.get_by_label("Mobile number or email").fill(MOBILE)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {NAME}")

    page.get_by_role("banner").get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    learner = db.session.scalars(select(User).where(User.phone == "+8613912345678")).one()
    assert (learner.role, learner.locale) == (Role.LEARNER, "zh_Hans")
    enrolled_in = db.session.scalars(select(Enrollment.cohort_id).where(Enrollment.learner_id == learner.id))
    assert enrolled_in.all() == [cohort_id]
    screenshot(page, "learner-home-zh-360.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways at 360 px"

    expect(page.get_by_role("heading", level=1)).to_have_text(f"你好，{NAME}")
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
