"""Invite codes: expiry, maximum uses, switching off, a full cohort, and a learner joining one more cohort."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.invites import services as invite_services
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.cohorts.signals import invite_accepted
from lms.core.calendar import utcnow
from lms.core.extensions import db
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory


def join_data(code: str, phone: str = "13912345678") -> dict:
    return {
        "invite_code": code,
        "name": "江金春",
        "phone": phone,
        "password": "tea and arrowroot",
        "confirm": "tea and arrowroot",
    }


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"invite_enabled": False}, "switched off"),
        ({"invite_expires_at": utcnow() - timedelta(minutes=1)}, "has expired"),
        ({"invite_max_uses": 2, "invite_uses": 2}, "used as many times as allowed"),
        ({"capacity": 1}, "cohort is full"),
        ({"ends_on": (utcnow() - timedelta(days=2)).date()}, "cohort has ended"),
    ],
)
def test_a_code_that_cannot_be_used_is_refused_and_nothing_is_written(client, settings, message):
    cohort = CohortFactory(invite_code="HENGFENG", **settings)
    EnrollmentFactory(cohort=cohort)
    before = user_count()
    response = client.post("/join", data=join_data("HENGFENG"))
    assert response.status_code == 200
    assert message in response.text
    assert user_count() == before
    db.session.refresh(cohort)
    assert cohort.invite_uses == settings.get("invite_uses", 0)


def test_capacity_counts_only_learners_still_in_the_cohort(client):
    cohort = CohortFactory(invite_code="HENGFENG", capacity=1)
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN, left_at=utcnow())
    assert client.post("/join", data=join_data("HENGFENG")).status_code == 302


def test_each_join_counts_one_use_until_the_limit(client):
    cohort = CohortFactory(invite_code="HENGFENG", invite_max_uses=2, invite_expires_at=utcnow() + timedelta(days=1))
    assert client.post("/join", data=join_data("HENGFENG", "13900000001")).status_code == 302
    client.post("/logout")
    assert client.post("/join", data=join_data("HENGFENG", "13900000002")).status_code == 302
    client.post("/logout")
    response = client.post("/join", data=join_data("HENGFENG", "13900000003"))
    assert "used as many times as allowed" in response.text
    db.session.refresh(cohort)
    assert cohort.invite_uses == 2
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.cohort_id == cohort.id)) == 2


def test_the_use_is_counted_by_one_conditional_update(app):
    """When the UPDATE finds no row to change (another joiner took the last use), nothing is enrolled."""
    cohort = CohortFactory(invite_max_uses=1)
    # The form saw one use left; meanwhile someone else took it.
    db.session.execute(db.update(Cohort).where(Cohort.id == cohort.id).values(invite_uses=1))
    with pytest.raises(invite_services.InviteRefusedError, match="used as many times"):
        invite_services.count_invite_use(cohort)
    db.session.rollback()


@pytest.mark.commits
def test_two_people_joining_at_once_cannot_pass_the_limit(app):
    cohort = CohortFactory(invite_max_uses=1)
    cohort_id = cohort.id
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes = []

    def join(phone: str):
        with app.app_context():
            target = db.session.get(Cohort, cohort_id)
            barrier.wait()
            try:
                invite_services.register_learner(
                    target, {"name": "Racer", "phone": phone, "password": "long enough password"}
                )
                db.session.commit()
                outcomes.append("joined")
            except invite_services.InviteRefusedError:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # SQLite's "database is locked" also means "did not join"
                db.session.rollback()
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=join, args=(phone,)) for phone in ("13900000011", "13900000012")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("joined") == 1
    assert db.session.scalar(select(Cohort.invite_uses).where(Cohort.id == cohort_id)) == 1
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.cohort_id == cohort_id)) == 1


def test_signed_in_learner_joins_another_cohort_and_the_signal_is_sent(client, auth, world):
    received = []

    def listener(sender, cohort):
        received.append((sender.id, cohort.id))

    invite_accepted.connect(listener)
    try:
        auth.login(world.learner_a)
        response = client.post("/join", data={"invite_code": world.cohort_b.invite_code.lower()})
    finally:
        invite_accepted.disconnect(listener)
    assert response.headers["Location"] == "/"
    statuses = db.session.execute(
        select(Enrollment.cohort_id, Enrollment.status).where(Enrollment.learner_id == world.learner_a.id)
    ).all()
    assert sorted(statuses) == sorted([(world.cohort_a.id, "active"), (world.cohort_b.id, "active")])
    assert received == [(world.learner_a.id, world.cohort_b.id)]


def test_signed_in_learner_is_refused_a_cohort_they_are_in_or_a_bad_code(client, auth, world):
    auth.login(world.learner_a)
    assert "already in this cohort" in client.post("/join", data={"invite_code": world.cohort_a.invite_code}).text
    assert "not valid" in client.post("/join", data={"invite_code": "NOPE"}).text
    world.cohort_b.invite_enabled = False
    db.session.commit()
    assert "switched off" in client.post("/join", data={"invite_code": world.cohort_b.invite_code}).text
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.learner_id == world.learner_a.id)) == 1


def test_a_learner_who_left_comes_back_with_the_code(client, auth, world):
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.learner_id == world.learner_a.id))
    enrollment.status, enrollment.left_at = EnrollmentStatus.WITHDRAWN, utcnow()
    db.session.commit()
    auth.login(world.learner_a)
    client.post("/join", data={"invite_code": world.cohort_a.invite_code})
    db.session.refresh(enrollment)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.left_at is None


def test_lead_sets_expiry_and_limit_and_switches_the_code(client, auth, world, app):
    auth.login(world.lead)
    cohort = world.cohort_a
    page = client.get(f"/cohorts/{cohort.id}").text
    assert f"/join/{cohort.invite_code}" in page
    response = client.post(
        f"/cohorts/{cohort.id}/invite",
        data={"invite_enabled": "y", "invite_expires_at": "2030-05-01T18:00", "invite_max_uses": "30"},
    )
    assert response.status_code == 302
    db.session.refresh(cohort)
    assert cohort.invite_max_uses == 30
    # Typed in the program's time zone (Asia/Shanghai, UTC+8), stored in UTC.
    assert cohort.invite_expires_at.isoformat() == "2030-05-01T10:00:00+00:00"
    assert 'value="2030-05-01T18:00"' in client.get(f"/cohorts/{cohort.id}/invite").text
    client.post(f"/cohorts/{cohort.id}/invite/disable")
    db.session.refresh(cohort)
    assert cohort.invite_enabled is False
    assert "Nobody can join with it now" in client.get(f"/cohorts/{cohort.id}").text
    client.post(f"/cohorts/{cohort.id}/invite/enable")
    db.session.refresh(cohort)
    assert cohort.invite_enabled is True


def test_invite_settings_refuse_bad_numbers(client, auth, world):
    auth.login(world.lead)
    for data in ({"invite_max_uses": "0"}, {"invite_max_uses": "-3"}, {"invite_expires_at": "tomorrow"}):
        response = client.post(f"/cohorts/{world.cohort_a.id}/invite", data=data)
        assert response.status_code == 200, data
    db.session.refresh(world.cohort_a)
    assert world.cohort_a.invite_max_uses is None
    assert world.cohort_a.invite_enabled is True


def test_a_new_code_starts_counting_again(client, auth, world):
    world.cohort_a.invite_uses = 5
    db.session.commit()
    auth.login(world.lead)
    client.post(f"/cohorts/{world.cohort_a.id}/invite-code")
    db.session.refresh(world.cohort_a)
    assert world.cohort_a.invite_uses == 0


def test_unknown_users_are_not_created_by_a_refused_signed_out_join(client):
    CohortFactory(invite_code="HENGFENG", invite_enabled=False)
    UserFactory()
    before = user_count()
    client.post("/join", data=join_data("HENGFENG"))
    assert user_count() == before


def test_the_cohort_page_counts_an_invite_code_used_once_in_the_singular(client, auth, world):
    world.cohort_a.invite_uses = 1
    db.session.commit()
    auth.login(world.lead)
    page = client.get(f"/cohorts/{world.cohort_a.id}").text
    assert "Used 1 time; no limit." in page
    assert (
        "已使用 1 次；不限次数。" in client.get(f"/cohorts/{world.cohort_a.id}", headers={"Accept-Language": "zh"}).text
    )
    assert "used 1 time" in client.get(f"/cohorts/{world.cohort_a.id}/invite").text
