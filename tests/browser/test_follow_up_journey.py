"""A graduate fills in her 3-month follow-up on a 360 px phone, in Chinese, from the card on her home page."""

from datetime import date, timedelta

from flask import g
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import Page, expect
from sqlalchemy import select

from lms.extensions import db
from lms.outcomes.models import Baseline, FollowUp, Graduation, ReportingConsent
from lms.progress.cohort_services import program_today
from tests.browser.conftest import PHONE
from tests.browser.steps import SIGN_IN_ZH, arrive, assert_no_sideways_scroll, expect_message, make_png, sign_in
from tests.factories import CohortFactory, EnrollmentFactory, MentorFactory, ProgramFactory, UserFactory

NAME = "李春梅"
MOBILE = "13800002222"
PRODUCT = "赣南脐橙"


def zh(message: str, **params) -> str:
    """A page text as the Chinese page shows it (the catalogue's words, or the English ones until translated)."""
    g.setdefault("follow_up_journey", True)  # force_locale needs something in ``g`` outside a request
    with force_locale("zh_Hans"):
        return gettext(message, **params)


def months_after_graduation(months: int) -> str:
    g.setdefault("follow_up_journey", True)
    with force_locale("zh_Hans"):
        return ngettext("%(num)d month after graduation", "%(num)d months after graduation", months)


def make_graduate() -> int:
    """A graduate of about 100 days ago with a baseline and her graduation follow-up done: the 3-month one is due."""
    program = ProgramFactory(name="赣州县域电商孵化计划")
    cohort = CohortFactory(program=program, name="于都县第二期", county="于都县")
    mentor = MentorFactory(name="刘芳")
    cohort.mentors.append(mentor)
    learner = EnrollmentFactory(cohort=cohort, learner=UserFactory(name=NAME, phone=f"+86{MOBILE}")).learner
    graduated_on = program_today() - timedelta(days=100)
    graduation = Graduation(learner_id=learner.id, cohort_id=cohort.id, graduated_on=graduated_on)
    db.session.add_all(
        [
            graduation,
            ReportingConsent(learner_id=learner.id, granted=True),
            Baseline(learner_id=learner.id, monthly_income_fen=250_000, household_size=4, business_status="offline"),
        ]
    )
    db.session.flush()
    db.session.add(
        FollowUp(
            graduation_id=graduation.id,
            learner_id=learner.id,
            wave_months=0,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            monthly_income_fen=260_000,
        )
    )
    db.session.commit()  # ends the transaction: the server must not wait for this session's lock
    return learner.id


def fill_follow_up(page: Page, photo) -> None:
    page.get_by_label(zh("Household income in a usual month now (yuan)"), exact=True).fill("4200")
    page.get_by_label(zh("Sales in this period (yuan)"), exact=True).fill("18600.50")
    product = page.get_by_role("group", name=zh("Product %(num)d", num=1))
    product.get_by_label(zh("Product"), exact=True).fill(PRODUCT)
    product.get_by_label(zh("Quantity sold"), exact=True).fill("310")
    product.get_by_label(zh("Unit"), exact=True).select_option("box")
    channels = page.get_by_role("group", name=zh("Where you sold"))
    channels.get_by_label(zh("Kuaishou shop"), exact=True).check()
    channels.get_by_label(zh("WeChat"), exact=True).check()
    page.get_by_label(zh("Households that earn from your business"), exact=True).fill("6")
    page.get_by_label(zh("Livestreams held in the period"), exact=True).fill("12")
    page.get_by_label(zh("Photos or screenshots (optional)"), exact=True).set_input_files(photo)


def test_a_graduate_fills_her_follow_up_on_a_phone_in_chinese(new_page, screenshot, tmp_path):
    learner_id = make_graduate()
    photo = make_png(tmp_path, "orders.png")
    page = new_page(PHONE, locale="zh-CN", learner=True)

    sign_in(page, MOBILE, NAME, SIGN_IN_ZH)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    card = page.locator("section.follow-up-due")
    expect(card.get_by_role("heading", name=zh("Tell us how your business is doing"))).to_be_visible()
    expect(card.get_by_role("link")).to_have_count(1)  # the graduation follow-up is done; only the 3-month one
    card.get_by_role("link", name=zh("Fill in the follow-up: %(wave)s", wave=months_after_graduation(3))).click()

    arrive(page, zh("How is your business doing?"))
    expect(page.get_by_text(months_after_graduation(3), exact=True)).to_be_visible()
    assert_no_sideways_scroll(page)
    fill_follow_up(page, photo)
    assert_no_sideways_scroll(page)
    screenshot(page, "follow-up-form-zh-360.png")
    page.get_by_role("button", name=zh("Save"), exact=True).click()

    arrive(page, months_after_graduation(3))
    expect_message(page, zh("Thank you. The follow-up is saved."))
    expect(page.get_by_text(zh("Self-reported"), exact=True)).to_be_visible()
    expect(page.get_by_text(f"{PRODUCT}: 310")).to_be_visible()
    expect(page.get_by_role("link", name=zh("Photo %(num)d", num=1))).to_be_visible()
    assert_no_sideways_scroll(page)

    follow_up = db.session.scalars(select(FollowUp).where(FollowUp.wave_months == 3)).one()
    assert (follow_up.learner_id, follow_up.source, follow_up.verified_at) == (learner_id, "self", None)
    assert (follow_up.monthly_income_fen, follow_up.revenue_fen) == (420_000, 1_860_050)
    assert follow_up.channels == "kuaishou,wechat"
    assert [(row.product, int(row.quantity), row.unit) for row in follow_up.quantities] == [(PRODUCT, 310, "box")]
    assert len(follow_up.evidence) == 1
