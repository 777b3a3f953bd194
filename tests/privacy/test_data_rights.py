"""A learner's rights over her data: she downloads all we hold about her, asks for deletion and sees where it
is; a lead of her program anonymises her (the person goes, the figures stay); each program's retention."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import SecurityEvent, User
from lms.cohorts.checkins.services import log_check_in
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.learning.models import Submission, SubmissionFile, SubmissionVersion
from lms.media import storage
from lms.media.models import MediaFile, MediaKind
from lms.outcomes.models import FollowUp, FollowUpEvidence, Graduation
from lms.privacy import services
from lms.privacy.models import DeletionRequest, DeletionState
from tests.courses.test_media_samples import png_bytes
from tests.factories import TEST_PASSWORD, ReportingConsentFactory, follow_up

NOTE = "她想在抖音上卖茶叶。"


def stored(tmp_path, data: bytes, name: str) -> MediaFile:
    source = tmp_path / name
    source.write_bytes(data)
    return storage.store_local_file(source, MediaKind.IMAGE, name, "image/png")


@pytest.fixture
def her_records(world, tmp_path):
    """Learner A: a submission with a photo, a follow-up with evidence, a consent decision and a check-in note."""
    learner = world.learner_a
    submission = Submission(lesson=world.courses_a.assignment, learner=learner, cohort=world.cohort_a)
    version = SubmissionVersion(submission=submission, number=1, text="My price list: tea 80 yuan")
    version.files.append(SubmissionFile(media=stored(tmp_path, png_bytes(), "my-tea.png"), kind="photo"))
    recorded = follow_up(world.graduate(), income_fen=420_000, notes="Sold 200 kg to a Hangzhou shop")
    recorded.evidence.append(FollowUpEvidence(media=stored(tmp_path, png_bytes(3, 3), "orders.png")))
    ReportingConsentFactory(learner=learner, granted=True)
    log_check_in(
        world.cohort_a, learner, world.mentor_a, {"happened_on": date(2027, 3, 2), "channel": "call", "notes": NOTE}
    )
    db.session.add_all([submission, recorded])
    db.session.commit()
    return learner


def test_she_downloads_everything_we_hold_about_her_as_a_zip(client, auth, world, her_records):
    auth.login(her_records)
    client.post("/my-data/export")  # the queue runs the job once the request commits (immediate in tests)
    page = client.get("/my-data").get_data(as_text=True)
    assert "Download my data (ZIP" in page
    export = services.latest_export(her_records)
    response = client.get(f"/my-data/export/{export.id}/download")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    profile = json.loads(archive.read("profile.json"))
    assert profile["name"] == her_records.name
    assert "password_hash" not in profile
    data = json.loads(archive.read("data.json"))
    assert data["submission_versions"][0]["text"] == "My price list: tea 80 yuan"
    assert data["follow_ups"][0]["monthly_income_fen"] == 420_000
    assert data["reporting_consents"][0]["granted"] is True
    assert data["check_ins"][0]["notes"] == NOTE
    assert {"tables/submissions.csv", "tables/check_ins.csv"} <= set(names)
    assert any(name.endswith("my-tea.png") for name in names)
    assert any(name.endswith("orders.png") for name in names)
    assert world.learner_b.name not in archive.read("data.json").decode()
    assert all("_hash" not in column for rows in data.values() for row in rows for column in row)
    kinds = db.session.scalars(select(SecurityEvent.kind).where(SecurityEvent.user_id == her_records.id)).all()
    assert "data_exported" in kinds
    # Nobody else downloads her ZIP, not even her mentor.
    auth.logout()
    auth.login(world.learner_b)
    assert client.get(f"/my-data/export/{export.id}/download").status_code == 404


@pytest.mark.parametrize(
    ("locale", "heading"),
    [("en", "Everything this learning site keeps about you."), ("zh_Hans", "本网站保存的关于你的全部资料。")],
)
def test_the_zip_says_what_it_holds_in_her_language(client, auth, world, locale, heading):
    world.learner_a.locale = locale
    db.session.commit()
    auth.login(world.learner_a)
    client.post("/my-data/export")
    export = services.latest_export(world.learner_a)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/my-data/export/{export.id}/download").data))
    readme = archive.read("README.txt").decode()
    assert readme.startswith(heading)
    assert "profile.json" in readme
    assert "_fen" in readme


def test_her_zip_is_an_export_file_only_she_sees(client, auth, world):
    auth.login(world.learner_a)
    client.post("/my-data/export")
    export = services.latest_export(world.learner_a)
    assert (export.kind, export.status, export.file.kind) == ("personal_data", "ready", MediaKind.EXPORT)
    assert export.file.path.endswith(".zip")
    assert client.get(f"/media/{export.file_id}").status_code == 200
    auth.logout()
    # A lead of her own program sees her records, not the ZIP she asked for; an admin sees every file.
    auth.login(world.lead)
    assert client.get(f"/media/{export.file_id}").status_code == 404
    assert client.get(f"/exports/{export.id}").status_code == 404
    auth.logout()
    auth.login(world.admin)
    assert client.get(f"/media/{export.file_id}").status_code == 200


def test_the_zip_is_built_by_a_queued_job_once_the_request_commits(client, auth, world, job_queue):
    auth.login(world.learner_a)
    client.post("/my-data/export")
    client.post("/my-data/export")  # asking again while it is built is the same download
    assert job_queue.names() == ["build_export_job"]
    assert "being prepared" in client.get("/my-data").get_data(as_text=True)
    job_queue.run()
    db.session.expire_all()
    assert services.latest_export(world.learner_a).status == "ready"


def test_her_request_moves_through_its_states_and_her_lead_anonymises_her(client, auth, world, her_records):
    figures_before = figures()
    auth.login(her_records)
    client.post("/my-data/deletion", data={"confirm": "yes"})
    assert "A program lead is deciding" in client.get("/my-data").get_data(as_text=True)
    client.post("/my-data/deletion/withdraw")
    assert "You withdrew your request" in client.get("/my-data").get_data(as_text=True)
    client.post("/my-data/deletion", data={"confirm": "yes"})
    request = services.open_request(her_records)
    auth.logout()
    # A lead of another program neither sees nor decides it.
    auth.login(world.other_lead)
    assert her_records.name not in client.get("/data-requests").get_data(as_text=True)
    assert client.post(f"/data-requests/{request.id}", data={"decision": "anonymise"}).status_code == 404
    auth.logout()
    auth.login(world.lead)
    assert her_records.name in client.get("/data-requests").get_data(as_text=True)
    refused = client.post(f"/data-requests/{request.id}", data={"decision": "refuse", "note": "  "})
    assert refused.status_code == 400
    assert "she will read it" in refused.get_data(as_text=True)
    client.post(f"/data-requests/{request.id}", data={"decision": "anonymise"})
    db.session.expire_all()
    learner = db.session.get(User, her_records.id)
    assert learner.name == services.ANONYMISED_NAME
    assert learner.phone is None
    assert not learner.active
    assert db.session.get(DeletionRequest, request.id).state == DeletionState.ANONYMISED
    assert db.session.scalar(select(SubmissionVersion.text)) == ""
    assert db.session.scalar(select(func.count(SubmissionFile.id))) == 0
    assert db.session.scalar(select(func.count(FollowUpEvidence.id))) == 0
    assert db.session.scalar(select(func.count(MediaFile.id))) == 0  # her files are gone from the store too
    assert db.session.scalar(select(FollowUp.notes)) == ""
    assert figures() == figures_before  # graduates, income and the follow-up count stay
    auth.logout()
    signed_in = client.post("/login", data={"login": her_records.phone or "", "password": TEST_PASSWORD})
    assert signed_in.status_code != 302


def figures() -> tuple:
    return (
        db.session.scalar(select(func.count(Graduation.id))),
        db.session.scalar(select(func.sum(FollowUp.monthly_income_fen))),
        db.session.scalar(select(func.count(FollowUp.id))),
    )


def test_retention_deletes_old_evidence_once_a_day_and_says_so_for_bad_months(client, auth, world, her_records):
    today = date(2028, 6, 1)
    old = db.session.scalar(select(FollowUpEvidence))
    old.created_at = utcnow().replace(year=2027, month=10)
    fresh = FollowUpEvidence(
        follow_up_id=old.follow_up_id, media=stored_fresh(), created_at=utcnow().replace(year=2028, month=5)
    )
    db.session.add(fresh)
    db.session.commit()
    auth.login(world.lead)
    for bad in ("abc", "0", "99999999999"):
        response = client.post(f"/programs/{world.program.id}/retention", data={"evidence_retention_months": bad})
        assert response.status_code == 400
    assert world.program.evidence_retention_months is None
    client.post(f"/programs/{world.program.id}/retention", data={"evidence_retention_months": "6"})
    assert services.apply_retention(today) == 1
    assert services.apply_retention(today) == 0  # claimed: another machine's run today deletes nothing twice
    assert services.apply_retention(today + timedelta(days=1)) == 0
    assert db.session.scalars(select(FollowUpEvidence.id)).all() == [fresh.id]
    assert db.session.scalar(select(func.count(FollowUp.id))) == 1  # the figures stay


def stored_fresh() -> MediaFile:
    return MediaFile(kind=MediaKind.IMAGE, path="image/2028/fresh.png", content_type="image/png", size_bytes=1)
