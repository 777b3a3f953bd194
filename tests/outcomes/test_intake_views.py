"""The intake pages: consent first, then the baseline; who may fill them; the audit log."""

from sqlalchemy import func, select

from lms.core.extensions import db
from lms.outcomes.intake import services as intake
from lms.outcomes.models import AuditEntry, Baseline, ReportingConsent

GOOD = {
    "monthly_income": "3500.5",
    "household_size": "4",
    "business_status": "online",
    "main_products": "脐橙",
    "channels": ["kuaishou", "wechat"],
    "gender": "female",
    "birth_year": "1985",
}


def url(learner, page="intake"):
    return f"/learners/{learner.id}/{page}"


def test_consent_comes_first_then_the_form(client, auth, world):
    auth.login(world.learner_a)
    page = client.get(url(world.learner_a)).get_data(as_text=True)
    assert "Who sees it" in page
    assert 'value="yes"' in page
    assert "monthly_income" not in page
    response = client.post(url(world.learner_a, "consent"), data={"granted": "yes"})
    assert response.headers["Location"] == url(world.learner_a)
    assert db.session.scalars(select(ReportingConsent)).one().granted is True
    assert 'name="monthly_income"' in client.get(url(world.learner_a)).get_data(as_text=True)


def test_learner_fills_baseline_stored_in_fen(client, auth, world):
    auth.login(world.learner_a)
    client.post(url(world.learner_a, "consent"), data={"granted": "no"})
    assert client.post(url(world.learner_a), data=GOOD).status_code == 302
    baseline = db.session.scalars(select(Baseline)).one()
    assert baseline.monthly_income_fen == 350050
    assert baseline.channels == "kuaishou,wechat"
    assert 'value="3500.50"' in client.get(url(world.learner_a)).get_data(as_text=True)


def test_mentor_fills_on_behalf_and_edit_keeps_one_row(client, auth, world):
    intake.record_consent(world.learner_a, True, world.learner_a)
    db.session.commit()
    auth.login(world.mentor_a)
    page = client.get(url(world.learner_a)).text.replace("&#39;", "'")
    assert f"{world.learner_a.name}'s situation today" in page
    assert "the learner's household" in page
    for addressed_to_the_learner in ("Your situation", "your household", "Your business", "Where you sell"):
        assert addressed_to_the_learner not in page
    client.post(url(world.learner_a), data=GOOD)
    client.post(url(world.learner_a), data={**GOOD, "monthly_income": "4000"})
    baseline = db.session.scalars(select(Baseline)).one()
    assert baseline.recorded_by_id == world.mentor_a.id
    assert baseline.monthly_income_fen == 400000
    update = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert update.changes == {"monthly_income_fen": [350050, 400000]}


def test_numbers_with_separators_and_units_are_read(client, auth, world):
    auth.login(world.learner_a)
    client.post(url(world.learner_a, "consent"), data={"granted": "no"})
    typed = {**GOOD, "monthly_income": "3，500元", "household_size": "4人", "birth_year": "1985年"}
    assert client.post(url(world.learner_a), data=typed).status_code == 302
    baseline = db.session.scalars(select(Baseline)).one()
    assert (baseline.monthly_income_fen, baseline.household_size, baseline.birth_year) == (350000, 4, 1985)


def test_an_ambiguous_income_is_refused_with_an_example(client, auth, world):
    auth.login(world.learner_a)
    client.post(url(world.learner_a, "consent"), data={"granted": "no"})
    page = client.post(url(world.learner_a), data={**GOOD, "monthly_income": "3万"}).get_data(as_text=True)
    assert "Type “3万” in digits only, for example 30000." in page
    assert db.session.scalar(select(func.count(Baseline.id))) == 0


def test_bad_input_gets_field_errors_and_writes_nothing(client, auth, world):
    intake.record_consent(world.learner_a, True, world.learner_a)
    db.session.commit()
    auth.login(world.learner_a)
    for bad in (
        {"monthly_income": "-1"},
        {"monthly_income": "1e3"},
        {"household_size": "abc"},
        {"household_size": "0"},
    ):
        response = client.post(url(world.learner_a), data={**GOOD, **bad})
        assert response.status_code == 200
        assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Baseline.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1  # the consent only


def test_refusing_consent_never_blocks_learning(client, auth, world):
    auth.login(world.learner_a)
    client.post(url(world.learner_a, "consent"), data={"granted": "no"})
    assert client.get(f"/courses/{world.courses_a.course.id}").status_code == 200
    assert client.get(f"/lessons/{world.courses_a.reading.id}").status_code == 200


def test_withdrawing_later_is_audited(client, auth, world):
    auth.login(world.learner_a)
    client.post(url(world.learner_a, "consent"), data={"granted": "yes"})
    client.post(url(world.learner_a, "consent"), data={"granted": "no"})
    assert db.session.scalars(select(ReportingConsent)).one().granted is False
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 2


def test_others_are_hidden(client, auth, world):
    auth.login(world.mentor_b)  # cohort B's mentor
    assert client.get(url(world.learner_a)).status_code == 404
    assert client.post(url(world.learner_a, "consent"), data={"granted": "yes"}).status_code == 404
    auth.logout()
    auth.login(world.learner_b)
    assert client.get(url(world.learner_a)).status_code == 404
    assert db.session.scalar(select(func.count(ReportingConsent.id))) == 0


def test_learners_and_mentors_cannot_read_the_audit_log(client, auth, world):
    auth.login(world.learner_a)
    assert client.get(url(world.learner_a, "audit")).status_code == 403
    auth.logout()
    auth.login(world.mentor_a)
    assert client.get(url(world.learner_a, "audit")).status_code == 403


def test_audit_log_shows_changes_in_fixed_queries(client, auth, world, count_queries):
    auth.login(world.lead)

    def make_changes(actor, income):
        intake.save_baseline(world.learner_a, actor, {**intake_values(), "monthly_income_fen": income})
        db.session.commit()

    make_changes(world.mentor_a, 100)
    with count_queries() as few:
        page = client.get(url(world.learner_a, "audit")).get_data(as_text=True)
    assert world.mentor_a.name in page
    assert "Monthly household income" in page
    for number, actor in enumerate([world.lead, world.admin, world.learner_a, world.mentor_a] * 3):
        make_changes(actor, 200 + number)
    with count_queries() as many:
        page = client.get(url(world.learner_a, "audit")).get_data(as_text=True)
    assert "→" in page
    assert world.admin.name in page
    assert len(many) == len(few)


def intake_values():
    return {
        "monthly_income_fen": 0,
        "household_size": 3,
        "business_status": "none",
        "main_products": "",
        "channels": [],
        "gender": "unspecified",
        "birth_year": None,
    }


def test_home_links_to_intake_until_the_baseline_exists(client, auth, world):
    auth.login(world.learner_a)
    assert url(world.learner_a) in client.get("/").get_data(as_text=True)
    intake.save_baseline(world.learner_a, world.learner_a, intake_values())
    db.session.commit()
    assert url(world.learner_a) not in client.get("/").get_data(as_text=True)


def test_a_douyin_shop_is_a_channel_at_intake_in_both_languages(client, auth, world):
    auth.login(world.learner_a)
    client.post(url(world.learner_a, "consent"), data={"granted": "yes"})
    page = client.get(url(world.learner_a)).text
    assert 'value="douyin"' in page
    assert "Douyin shop" in page
    assert "抖音小店" in client.get(url(world.learner_a), headers={"Accept-Language": "zh-CN"}).text
    client.post(url(world.learner_a), data={**GOOD, "channels": ["douyin", "wechat"]})
    assert db.session.scalars(select(Baseline)).one().channels == "douyin,wechat"
