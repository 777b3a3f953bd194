"""Follow-up pages: the graduate's form and card, refusals with clear messages, mentors on behalf, verifying."""

import io
import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.media.models import MediaFile
from lms.outcomes.follow_ups import services
from lms.outcomes.models import AuditEntry, FollowUp, FollowUpEvidence
from tests.outcomes.test_follow_up_services import values

FORM = {
    "wave": "3",
    "period_start": "2026-09-01",
    "period_end": "2026-09-30",
    "monthly_income": "4200.50",
    "revenue": "12,500",
    "products-0-product": "赣南脐橙",
    "products-0-quantity": "1200",
    "products-0-unit": "jin",
    "channels": ["kuaishou", "wechat"],
    "households_benefiting": "12",
    "people_employed": "2",
    "livestreams": "8",
    "shop_link": "https://shop.example.org/oranges",
    "notes": "Good season.",
}


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([200, 120, 0]) * 2 for _row in range(2))
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def graduated(world, months_ago: int = 13, **kwargs):
    """Learner A graduated about ``months_ago`` months ago, so waves up to that many months are due."""
    return world.graduate(graduated_on=program_today() - timedelta(days=months_ago * 31), **kwargs)


def post_new(client, learner, **changes):
    data = {**FORM, **changes}
    return client.post(f"/learners/{learner.id}/follow-ups/new", data=data, content_type="multipart/form-data")


def follow_up_count() -> int:
    return db.session.scalar(select(func.count()).select_from(FollowUp))


# ---- The graduate ----


def test_the_home_card_leads_a_graduate_to_the_form_of_the_due_wave(client, auth, world):
    graduated(world, months_ago=4)
    auth.login(world.learner_a)
    home = client.get("/").text
    assert "Tell us how your business is doing" in home
    assert f"/learners/{world.learner_a.id}/follow-ups/new?wave=0" in home
    assert f"/learners/{world.learner_a.id}/follow-ups/new?wave=3" in home
    assert "?wave=6" not in home
    form = client.get(f"/learners/{world.learner_a.id}/follow-ups/new?wave=3").text
    assert "How is your business doing?" in form
    assert 'inputmode="decimal"' in form
    assert '<option selected value="3">' in form or 'value="3" selected' in form
    assert "公斤" not in form  # English page: units in English
    assert "jin (500 g)" in form


def test_a_learner_who_is_not_graduated_sees_no_card_and_a_clear_message(client, auth, world):
    auth.login(world.learner_a)
    assert "Tell us how your business is doing" not in client.get("/").text
    page = client.get(f"/learners/{world.learner_a.id}/follow-ups/new")
    assert page.status_code == 200
    assert "Follow-ups start when you graduate" in page.text
    response = post_new(client, world.learner_a)
    assert response.status_code == 409
    assert follow_up_count() == 0


def test_a_graduate_saves_a_follow_up_that_shows_as_self_reported(client, auth, world):
    graduated(world)
    auth.login(world.learner_a)
    assert "All the money your household earns" in client.get(f"/learners/{world.learner_a.id}/follow-ups/new").text
    response = post_new(client, world.learner_a)
    assert response.status_code == 302
    follow_up = db.session.scalar(select(FollowUp))
    assert response.headers["Location"] == f"/follow-ups/{follow_up.id}"
    assert (follow_up.monthly_income_fen, follow_up.revenue_fen, follow_up.source) == (420_050, 1_250_000, "self")
    assert [(q.product, q.unit) for q in follow_up.quantities] == [("赣南脐橙", "jin")]
    page = client.get(response.headers["Location"]).text
    assert "Self-reported" in page
    assert "Verified" not in page
    assert "¥4,200.50" in page
    assert "Kuaishou shop" in page
    assert "WeChat" in page
    listing = client.get(f"/learners/{world.learner_a.id}/follow-ups").text
    assert "Self-reported" in listing
    assert "Filled in" not in listing
    assert "Your follow-ups" in client.get("/").text


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("monthly_income", "-3500", "The number cannot be negative."),
        ("monthly_income", "三千", "is not a number. Type digits, for example 8.2 or 3,500."),
        ("monthly_income", "", "Enter the monthly income in yuan"),
        ("revenue", "12.345", "Use at most 2 decimal places, for example 12.5."),
        ("households_benefiting", "-2", "The number cannot be negative."),
        ("people_employed", "two", "is not a number. Type digits, for example 4 or 1,200."),
        ("livestreams", "9" * 40, "This number is too large."),
        ("products-0-quantity", "-5", "The number cannot be negative."),
        ("products-0-quantity", "lots", "is not a number. Type digits, for example 8.2 or 3,500."),
        ("products-0-quantity", "", "Enter how much was sold."),
        ("shop_link", "javascript:alert(1)", "starting with http:// or https://"),
        ("period_end", "2026-08-01", "must not be before its start"),
        ("period_start", "2027-02-30", "Not a valid date value."),
    ],
)
def test_bad_values_get_field_messages_and_nothing_is_written(client, auth, world, field, typed, message):
    graduated(world)
    auth.login(world.learner_a)
    response = post_new(client, world.learner_a, **{field: typed})
    assert response.status_code == 200
    assert message in response.text
    assert "Please correct the marked fields." in response.text
    assert follow_up_count() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_duplicate_wave_gets_a_clear_message_and_a_link_to_the_first(client, auth, world):
    graduated(world)
    auth.login(world.learner_a)
    post_new(client, world.learner_a)
    first = db.session.scalar(select(FollowUp))
    again = post_new(client, world.learner_a, monthly_income="5000")
    assert again.status_code == 409
    assert "recorded already" in again.text
    assert f'href="/follow-ups/{first.id}"' in again.text
    assert follow_up_count() == 1


def test_a_wave_not_yet_due_or_not_scheduled_is_refused(client, auth, world):
    graduated(world, months_ago=4)
    auth.login(world.learner_a)
    assert "opens on" in post_new(client, world.learner_a, wave="6").text
    assert "not in the program's schedule" in post_new(client, world.learner_a, wave="5").text
    assert "Choose which follow-up this is." in post_new(client, world.learner_a, wave="").text
    assert follow_up_count() == 0


def test_an_unusual_income_asks_for_confirmation_then_saves(client, auth, world):
    graduated(world, baseline_fen=150_000)
    auth.login(world.learner_a)
    response = post_new(client, world.learner_a, monthly_income="15000")
    assert response.status_code == 200
    assert "much higher than at intake" in response.text
    assert "Yes, these figures are right" in response.text
    assert follow_up_count() == 0
    confirmed = post_new(client, world.learner_a, monthly_income="15000", confirm_unusual="y")
    assert confirmed.status_code == 302
    assert db.session.scalar(select(FollowUp.unusual_confirmed)) is True


def stored_pictures(app) -> set:
    folder = Path(app.config["LMS_UPLOAD_PATH"]) / "image"
    return set(folder.rglob("*.jpg")) if folder.exists() else set()


def test_evidence_photos_are_kept_and_a_bad_file_refuses_everything(app, client, auth, world):
    graduated(world)
    auth.login(world.learner_a)
    before = stored_pictures(app)
    refused = post_new(
        client,
        world.learner_a,
        evidence=[(io.BytesIO(png_bytes()), "orders.png"), (io.BytesIO(b"not a picture"), "sales.png")],
    )
    assert refused.status_code == 200
    assert "This file is not a JPEG, PNG, WebP or HEIC picture." in refused.text
    assert follow_up_count() == 0
    assert db.session.scalar(select(func.count()).select_from(MediaFile)) == 0
    assert stored_pictures(app) == before  # the good photo's file went with the rollback
    too_many = post_new(client, world.learner_a, evidence=[(io.BytesIO(png_bytes()), f"{n}.png") for n in range(4)])
    assert "Choose at most 3 pictures." in too_many.text
    saved = post_new(client, world.learner_a, evidence=[(io.BytesIO(png_bytes()), "orders.png")])
    assert saved.status_code == 302
    media_id = db.session.scalar(select(FollowUpEvidence.media_id))
    assert client.get(f"/media/{media_id}").status_code == 200
    page = client.get(saved.headers["Location"]).text
    assert f'href="/media/{media_id}"' in page
    assert "<img" not in page  # the graduate's phone loads no pictures it already has


def test_the_graduate_edits_until_verified(client, auth, world):
    graduated(world)
    auth.login(world.learner_a)
    post_new(client, world.learner_a)
    follow_up = db.session.scalar(select(FollowUp))
    form = client.get(f"/follow-ups/{follow_up.id}/edit").text
    assert 'value="4200.50"' in form
    assert "I checked these figures" not in form
    data = {key: value for key, value in FORM.items() if key != "wave"}
    response = client.post(f"/follow-ups/{follow_up.id}/edit", data={**data, "livestreams": "20"})
    assert response.status_code == 302
    assert db.session.get(FollowUp, follow_up.id).livestreams == 20
    services.verify_follow_up(db.session.get(FollowUp, follow_up.id), world.mentor_a)
    db.session.commit()
    blocked = client.post(f"/follow-ups/{follow_up.id}/edit", data={**data, "livestreams": "99"})
    assert blocked.status_code == 302
    assert db.session.get(FollowUp, follow_up.id).livestreams == 20
    page = client.get(f"/follow-ups/{follow_up.id}").text
    assert f"Verified by {world.mentor_a.name}" in page
    assert "ask your mentor" in page


def test_a_photo_removed_on_edit_is_deleted_and_a_fourth_is_refused(client, auth, world):
    graduated(world)
    auth.login(world.learner_a)
    photos = [(io.BytesIO(png_bytes()), f"{name}.png") for name in ("orders", "sales", "shop")]
    post_new(client, world.learner_a, evidence=photos)
    follow_up = db.session.scalar(select(FollowUp))
    first_id, first_media_id = db.session.execute(
        select(FollowUpEvidence.id, FollowUpEvidence.media_id).order_by(FollowUpEvidence.id).limit(1)
    ).one()
    data = {key: value for key, value in FORM.items() if key != "wave"}
    url = f"/follow-ups/{follow_up.id}/edit"
    assert "orders.jpg" in client.get(url).text
    full = client.post(url, data={**data, "evidence": [(io.BytesIO(png_bytes()), "more.png")]})
    assert "at most 3 photos" in full.text
    swapped = client.post(
        url, data={**data, "remove_evidence": str(first_id), "evidence": [(io.BytesIO(png_bytes()), "more.png")]}
    )
    assert swapped.status_code == 302
    names = db.session.scalars(
        select(MediaFile.original_name).join(FollowUpEvidence, FollowUpEvidence.media_id == MediaFile.id)
    ).all()
    assert sorted(names) == ["more.jpg", "sales.jpg", "shop.jpg"]
    assert db.session.scalar(select(func.count()).select_from(MediaFile)) == 3
    assert client.get(f"/media/{first_media_id}").status_code == 404


# ---- Mentors and leads ----


def test_a_mentor_enters_on_behalf_and_ticks_verified(client, auth, world):
    graduated(world)
    auth.login(world.mentor_a)
    form = client.get(f"/learners/{world.learner_a.id}/follow-ups/new?wave=12").text
    assert f"You are entering this for {world.learner_a.name}." in form
    assert "the graduate's household" in form.replace("&#39;", "'")
    for addressed_to_the_graduate in ("your household", "your business", "Where you sold", "you employ", "you report"):
        assert addressed_to_the_graduate not in form
    response = post_new(client, world.learner_a, wave="12", verified="y")
    assert response.status_code == 302
    follow_up = db.session.scalar(select(FollowUp))
    assert (follow_up.source, follow_up.verified_by_id) == ("mentor", world.mentor_a.id)
    assert f"Verified by {world.mentor_a.name}" in client.get(response.headers["Location"]).text


def test_a_mentor_verifies_a_self_reported_follow_up(client, auth, world):
    graduated(world)
    follow_up = services.record_follow_up(world.learner_a, world.learner_a, 3, values())
    db.session.commit()
    auth.login(world.mentor_a)
    page = client.get(f"/follow-ups/{follow_up.id}").text
    assert "Mark as verified" in page
    assert "Self-reported" in page
    assert client.post(f"/follow-ups/{follow_up.id}/verify").status_code == 302
    assert db.session.get(FollowUp, follow_up.id).verified_by_id == world.mentor_a.id
    auth.logout()
    auth.login(world.learner_a)
    assert client.post(f"/follow-ups/{follow_up.id}/verify").status_code == 403


def test_leads_see_the_history_and_the_audit_log_lists_follow_ups(client, auth, world):
    graduated(world)
    follow_up = services.record_follow_up(world.learner_a, world.learner_a, 3, values())
    services.update_follow_up(follow_up, world.mentor_a, values(monthly_income_fen=480_000), verify=True)
    db.session.commit()
    auth.login(world.lead)
    page = client.get(f"/follow-ups/{follow_up.id}").text
    assert "History" in page
    assert "4,200.50 → CN¥4,800.00" in page
    assert "Entered by:</strong> — → the graduate" in page
    assert f"Verified by:</strong> — → {world.mentor_a.name}" in page
    audit = client.get(f"/learners/{world.learner_a.id}/audit").text
    assert audit.count("Follow-up") >= 2
    auth.logout()
    auth.login(world.mentor_a)
    assert "History" not in client.get(f"/follow-ups/{follow_up.id}").text


def test_a_lead_deletes_a_follow_up_and_its_photos(client, auth, world):
    graduated(world)
    auth.login(world.learner_a)
    post_new(client, world.learner_a, evidence=[(io.BytesIO(png_bytes()), "orders.png")])
    follow_up = db.session.scalar(select(FollowUp))
    auth.logout()
    auth.login(world.lead)
    assert "Delete follow-up" in client.get(f"/follow-ups/{follow_up.id}/delete").text
    assert client.post(f"/follow-ups/{follow_up.id}/delete").status_code == 302
    assert follow_up_count() == 0
    assert db.session.scalar(select(func.count()).select_from(MediaFile)) == 0
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "delete")) == "delete"


# ---- Who sees what (IDOR) ----


def test_other_learners_and_other_cohorts_mentors_find_nothing(client, auth, world):
    graduated(world)
    world.graduate(learner=world.learner_b, cohort=world.cohort_b, graduated_on=date(2025, 10, 15))
    auth.login(world.learner_a)
    post_new(client, world.learner_a, evidence=[(io.BytesIO(png_bytes()), "orders.png")])
    follow_up = db.session.scalar(select(FollowUp))
    media_id = db.session.scalar(select(FollowUpEvidence.media_id))
    auth.logout()
    for intruder in (world.learner_b, world.mentor_b):
        auth.login(intruder)
        for url in (
            f"/follow-ups/{follow_up.id}",
            f"/follow-ups/{follow_up.id}/edit",
            f"/learners/{world.learner_a.id}/follow-ups",
            f"/learners/{world.learner_a.id}/follow-ups/new",
            f"/media/{media_id}",
        ):
            assert client.get(url).status_code == 404, (intruder.name, url)
        assert post_new(client, world.learner_a, wave="6").status_code == 404
        assert client.post(f"/follow-ups/{follow_up.id}/edit", data=FORM).status_code == 404
        auth.logout()
    assert follow_up_count() == 1
    for viewer in (world.mentor_a, world.lead, world.admin):
        auth.login(viewer)
        assert client.get(f"/media/{media_id}").status_code == 200
        assert client.get(f"/follow-ups/{follow_up.id}").status_code == 200
        auth.logout()


def test_the_list_shows_a_mentor_their_cohorts_only_and_filters_by_state(client, auth, world):
    graduated(world)
    world.graduate(learner=world.learner_b, cohort=world.cohort_b, graduated_on=date(2025, 10, 15))
    services.record_follow_up(world.learner_a, world.learner_a, 3, values())
    db.session.commit()
    auth.login(world.mentor_a)
    page = client.get("/follow-ups").text
    assert world.learner_a.name in page
    assert world.learner_b.name not in page
    assert "Due or overdue (3)" in page
    assert "Filled in (1)" in page
    assert f"/learners/{world.learner_a.id}/follow-ups/new?wave=0" in page
    collected = client.get("/follow-ups?state=collected").text
    assert "Self-reported" in collected
    assert "?wave=0" not in collected
    # Another cohort's id in the filter is ignored, not shown.
    assert world.learner_b.name not in client.get(f"/follow-ups?cohort={world.cohort_b.id}").text
    assert "Schedules" not in page
    auth.logout()
    auth.login(world.lead)
    page = client.get(f"/follow-ups?cohort={world.cohort_b.id}&state=overdue").text
    assert world.learner_b.name in page
    assert world.learner_a.name not in page
    assert "Schedules" in page
    assert client.get("/follow-ups?state=%00&cohort=abc&page=-4").status_code == 200


def list_queries(client, count_queries) -> int:
    with count_queries() as queries:
        assert client.get("/follow-ups?state=all").status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_few_or_many_graduates(client, auth, world, count_queries):
    from tests.factories import EnrollmentFactory

    graduated(world)
    auth.login(world.lead)
    few = list_queries(client, count_queries)
    for index in range(25):
        learner = EnrollmentFactory(cohort=world.cohort_b).learner
        world.graduate(learner=learner, cohort=world.cohort_b, graduated_on=date(2025, 1, 1) + timedelta(days=index))
        if index % 3 == 0:
            services.record_follow_up(learner, world.lead, 0, values(), verify=True)
    db.session.commit()
    assert list_queries(client, count_queries) == few
    assert few <= 9  # the ninth: whose follow-up reminders by text message all failed


def learner_page_queries(client, count_queries, learner) -> int:
    url = f"/learners/{learner.id}/follow-ups"  # read here: reloading the test's learner is not the page's query
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_graduates_page_runs_the_same_queries_for_one_or_four_follow_ups(client, auth, world, count_queries):
    graduated(world)
    services.record_follow_up(world.learner_a, world.learner_a, 0, values())
    db.session.commit()
    auth.login(world.mentor_a)
    one = learner_page_queries(client, count_queries, world.learner_a)
    for months in (3, 6, 12):
        services.record_follow_up(world.learner_a, world.mentor_a, months, values(), verify=True)
    db.session.commit()
    assert learner_page_queries(client, count_queries, world.learner_a) == one


# ---- The schedule ----


def test_a_lead_changes_the_schedule_and_bad_input_gets_a_message(client, auth, world):
    auth.login(world.lead)
    url = f"/programs/{world.program.id}/follow-up-schedule"
    assert 'value="0, 3, 6, 12"' in client.get(url).text
    bad = client.post(url, data={"months": "0, 6, 3"})
    assert bad.status_code == 200
    assert "ascending order" in bad.text
    assert client.post(url, data={"months": "0, 6, 12, 24"}).status_code == 302
    db.session.expire_all()
    assert world.program.follow_up_waves == [0, 6, 12, 24]
    auth.logout()
    auth.login(world.mentor_a)
    assert client.post(url, data={"months": "1"}).status_code == 403


def home_queries(client, count_queries) -> int:
    with count_queries() as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_home_card_costs_one_query_however_many_follow_ups(client, auth, world, count_queries):
    auth.login(world.learner_a)
    before_graduation = home_queries(client, count_queries)
    graduated(world)
    services.record_follow_up(world.learner_a, world.learner_a, 0, values())
    db.session.commit()
    one = home_queries(client, count_queries)
    for months in (3, 6):
        services.record_follow_up(world.learner_a, world.learner_a, months, values())
    db.session.commit()
    page = client.get("/").text
    assert "?wave=12" in page
    assert "?wave=6" not in page
    assert home_queries(client, count_queries) == one == before_graduation
