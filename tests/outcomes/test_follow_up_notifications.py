"""Due follow-ups are announced once per graduate and wave, in the app and by email, by a daily command."""

from datetime import date, timedelta

from sqlalchemy import func, select

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.notifications.models import Notification, NotificationKind, OutboxEmail
from lms.notifications.services import notification_text
from lms.outcomes.follow_ups import services
from lms.outcomes.follow_ups import waves as wave_services
from lms.outcomes.models import Graduation
from tests.factories import EnrollmentFactory, UserFactory
from tests.outcomes.test_follow_up_services import values

TODAY = date(2026, 11, 29)


def notifications() -> list[Notification]:
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxEmail))


def test_a_wave_falling_due_is_announced_once_with_its_link(world):
    graduation = world.graduate(graduated_on=date(2026, 8, 29))  # the 3-month wave falls due today
    assert wave_services.notify_due_follow_ups(TODAY) == 1
    db.session.commit()
    [notification] = notifications()
    assert notification.user_id == world.learner_a.id
    assert notification.kind == NotificationKind.FOLLOW_UP_DUE
    assert notification.params == {"months": 3, "graduation": graduation.id}
    assert notification.link == f"/learners/{world.learner_a.id}/follow-ups/new?wave=3"
    assert notification_text(notification) == ("Your 3-month follow-up is due: tell us how your business is doing.")
    # The next day's run, and the one after, add nothing.
    assert wave_services.notify_due_follow_ups(TODAY + timedelta(days=1)) == 0
    assert wave_services.notify_due_follow_ups(TODAY + timedelta(days=2)) == 0
    assert len(notifications()) == 1


def test_each_wave_is_announced_when_it_falls_due(world):
    world.graduate(graduated_on=TODAY)
    assert wave_services.notify_due_follow_ups(TODAY) == 1  # at graduation
    assert wave_services.notify_due_follow_ups(TODAY + timedelta(days=60)) == 0
    assert wave_services.notify_due_follow_ups(date(2027, 2, 28)) == 1  # 3 months later
    db.session.commit()
    assert [n.params["months"] for n in notifications()] == [0, 3]
    assert notification_text(notifications()[0]) == (
        "Your graduation follow-up is due: tell us how your business is doing."
    )


def test_a_backlog_announces_only_the_latest_wave(world):
    world.graduate(graduated_on=date(2025, 10, 15))
    assert wave_services.notify_due_follow_ups(TODAY) == 1
    assert [n.params["months"] for n in notifications()] == [12]


def test_collected_waves_undone_graduations_and_inactive_accounts_are_not_announced(world):
    world.graduate(graduated_on=date(2026, 8, 29))
    services.record_follow_up(world.learner_a, world.learner_a, 3, values(), today=TODAY)
    undone = world.graduate(learner=world.learner_b, cohort=world.cohort_b, graduated_on=date(2026, 8, 29))
    undone.undone_at = utcnow()
    sleeper = EnrollmentFactory(cohort=world.cohort_a, learner=UserFactory(active=False)).learner
    db.session.add(Graduation(learner_id=sleeper.id, cohort_id=world.cohort_a.id, graduated_on=date(2026, 8, 29)))
    db.session.commit()
    assert wave_services.notify_due_follow_ups(TODAY) == 0
    assert notifications() == []


def test_a_graduate_with_an_email_gets_a_copy_in_the_outbox(world):
    world.learner_a.email = "chunmei@example.org"
    world.learner_a.locale = "zh_Hans"
    world.graduate(graduated_on=date(2026, 8, 29))
    wave_services.notify_due_follow_ups(TODAY)
    db.session.commit()
    email = db.session.scalar(select(OutboxEmail))
    assert email.to_address == "chunmei@example.org"
    assert f"/learners/{world.learner_a.id}/follow-ups/new?wave=3" in email.body
    # Without an email address only the in-app notification is made.
    world.graduate(learner=world.learner_b, cohort=world.cohort_b, graduated_on=date(2026, 8, 29))
    wave_services.notify_due_follow_ups(TODAY)
    db.session.commit()
    assert (len(notifications()), outbox_count()) == (2, 1)


def test_the_command_reports_and_twice_adds_nothing(app, world):
    world.graduate(graduated_on=date(2026, 8, 29))
    world.graduate(learner=world.learner_b, cohort=world.cohort_b, graduated_on=date(2026, 5, 29))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["lms", "notify-follow-ups", "--today", "2026-11-29"])
    assert first.exit_code == 0, first.output
    assert "2 graduate(s) told a follow-up is due." in first.output
    again = runner.invoke(args=["lms", "notify-follow-ups", "--today", "2026-11-29"])
    assert "0 graduate(s) told" in again.output
    db.session.expire_all()
    assert sorted(n.params["months"] for n in notifications()) == [3, 6]
    assert runner.invoke(args=["lms", "notify-follow-ups", "--today", "someday"]).exit_code != 0
