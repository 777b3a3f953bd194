"""Only the learner changes her consent; staff record a paper one where none exists; withdrawing acts at once."""

import io

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.outcomes.intake import services as intake
from lms.outcomes.models import AuditEntry, ReportingConsent
from tests.courses.test_media_samples import png_bytes
from tests.factories import follow_up
from tests.outcomes.test_follow_up_export import export, graduate, ids


def consent_url(learner) -> str:
    return f"/learners/{learner.id}/consent"


def decision(learner) -> bool | None:
    consent = db.session.scalar(select(ReportingConsent).where(ReportingConsent.learner_id == learner.id))
    return None if consent is None else consent.granted


@pytest.mark.parametrize("role", ["mentor", "lead", "admin"])
@pytest.mark.parametrize(("hers", "theirs"), [(False, "yes"), (True, "no")])
def test_staff_cannot_overturn_her_decision(client, auth, world, role, hers, theirs):
    intake.record_consent(world.learner_a, hers, world.learner_a)
    db.session.commit()
    auth.login(world.by_role(role))
    page = client.get(f"/learners/{world.learner_a.id}/intake").text
    assert "Only Learner" in page
    assert f'action="{consent_url(world.learner_a)}"' not in page
    assert client.post(consent_url(world.learner_a), data={"granted": theirs}).status_code == 403
    assert decision(world.learner_a) is hers
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1  # her own decision only


@pytest.mark.parametrize("role", ["mentor", "lead"])
def test_staff_record_a_paper_decision_only_where_none_exists(client, auth, world, role):
    auth.login(world.by_role(role))
    # Without the photo of the signed form nothing is recorded, and the page says what is missing.
    assert client.post(consent_url(world.learner_a), data={"granted": "no"}).status_code == 302
    assert "Add a photo of the consent form she signed." in client.get(f"/learners/{world.learner_a.id}/intake").text
    assert decision(world.learner_a) is None
    paper = {"granted": "no", "paper_form": (io.BytesIO(png_bytes()), "form.png")}
    assert client.post(consent_url(world.learner_a), data=paper).status_code == 302
    assert decision(world.learner_a) is False
    form = db.session.scalar(select(ReportingConsent.paper_form_id))
    assert client.get(f"/media/{form}").status_code == 200
    assert client.post(consent_url(world.learner_a), data={"granted": "yes"}).status_code == 403
    assert decision(world.learner_a) is False
    entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.actor_id == world.by_role(role).id


def test_the_learner_changes_her_mind_and_each_change_is_audited(client, auth, world):
    auth.login(world.learner_a)
    for answer in ("yes", "no", "yes"):
        assert client.post(consent_url(world.learner_a), data={"granted": answer}).status_code == 302
    assert decision(world.learner_a) is True
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 3


def test_her_withdrawal_takes_her_rows_out_of_the_export_at_once(client, auth, world):
    graduation = graduate(world.cohort_a, world.learner_a)
    kept = follow_up(graduation, 3)
    auth.login(world.lead)
    assert ids(export(client)[1]) == [kept.id]
    auth.logout()
    auth.login(world.learner_a)
    client.post(consent_url(world.learner_a), data={"granted": "no"})
    auth.logout()
    auth.login(world.lead)
    assert ids(export(client)[1]) == []
    assert "1 graduate left out: no consent to reports." in client.get("/follow-ups/export").text
