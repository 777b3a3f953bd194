"""Due follow-ups are announced once per graduate and wave, in the app and by email, by a daily command."""

import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from lms.core.calendar import add_months, program_today, utcnow
from lms.core.extensions import db
from lms.notifications.models import Notification, NotificationKind, OutboxEmail, OutboxSms
from lms.notifications.services import notification_text
from lms.outcomes.follow_ups import services
from lms.outcomes.follow_ups import tasks as follow_up_tasks
from lms.outcomes.follow_ups import waves as wave_services
from lms.outcomes.models import FollowUpReminder, Graduation
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
    assert "2 graduate(s) told a follow-up is due, 0 reminded of one still missing." in first.output
    again = runner.invoke(args=["lms", "notify-follow-ups", "--today", "2026-11-29"])
    assert "0 graduate(s) told" in again.output
    db.session.expire_all()
    assert sorted(n.params["months"] for n in notifications()) == [3, 6]
    assert runner.invoke(args=["lms", "notify-follow-ups", "--today", "someday"]).exit_code != 0


@pytest.mark.commits
def test_two_schedulers_at_once_tell_each_graduate_once(app, world, monkeypatch):
    """Every machine's scheduler enqueues the daily reminders; both runs read the same due waves, one tells."""
    three_months_ago = add_months(program_today(), -3)
    world.graduate(graduated_on=three_months_ago)
    world.graduate(learner=world.learner_b, cohort=world.cohort_b, graduated_on=three_months_ago)
    db.session.commit()
    graduates = sorted([world.learner_a.id, world.learner_b.id])
    db.session.remove()
    both_have_read = threading.Barrier(2, timeout=30)
    claim = wave_services.claim_reminder
    first_claim = threading.local()

    def claim_once_both_have_read(graduation, months):
        if not getattr(first_claim, "done", False):
            first_claim.done = True
            both_have_read.wait()
        return claim(graduation, months)

    monkeypatch.setattr(wave_services, "claim_reminder", claim_once_both_have_read)
    told = []

    def scheduler():
        with app.app_context():
            try:
                told.append(follow_up_tasks.send_follow_up_reminders.call_local())
            except OperationalError:  # SQLite's "database is locked": this run told nobody
                db.session.rollback()
                told.append(0)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(told) == 2  # one run told both, or each told one: never both told the same graduate
    assert sorted((n.user_id, n.params["months"]) for n in notifications()) == [(id_, 3) for id_ in graduates]
    assert db.session.scalar(select(func.count()).select_from(FollowUpReminder)) == 2


def test_the_daily_job_tells_with_a_link_on_the_base_url(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_BASE_URL", "https://lms.example.org")
    world.learner_a.email = "chunmei@example.org"
    world.graduate(graduated_on=add_months(program_today(), -3))
    db.session.commit()
    assert follow_up_tasks.send_follow_up_reminders.call_local() == 1
    assert follow_up_tasks.send_follow_up_reminders.call_local() == 0
    email = db.session.scalar(select(OutboxEmail))
    assert f"https://lms.example.org/learners/{world.learner_a.id}/follow-ups/new?wave=3" in email.body


def test_a_follow_up_still_missing_14_days_later_is_reminded_once_by_text_with_its_form_link(
    app, world, client, auth, monkeypatch
):
    world.graduate(graduated_on=date(2026, 8, 29))
    world.graduate(learner=world.learner_b, cohort=world.cohort_b, graduated_on=date(2026, 8, 29))
    assert wave_services.notify_due_follow_ups(TODAY) == 2
    services.record_follow_up(world.learner_b, world.lead, 3, values(), verify=True)
    told_at = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    db.session.execute(update(FollowUpReminder).values(sent_at=told_at))
    db.session.commit()
    assert wave_services.notify_missing_follow_ups(TODAY + timedelta(days=13)) == 0
    [(reminder, _graduation)] = db.session.execute(wave_services.reminders_to_repeat(told_at + timedelta(days=1)))
    # Two schedulers that both read it: the conditional UPDATE lets one remind.
    assert wave_services.claim_second_reminder(reminder, utcnow()) is True
    assert wave_services.claim_second_reminder(reminder, utcnow()) is False
    db.session.rollback()
    assert wave_services.notify_missing_follow_ups(TODAY + timedelta(days=14)) == 1
    assert wave_services.notify_missing_follow_ups(TODAY + timedelta(days=15)) == 0
    db.session.commit()
    texts = db.session.scalars(select(OutboxSms).order_by(OutboxSms.id)).all()
    assert [(text.user_id, text.kind) for text in texts] == [
        (world.learner_a.id, NotificationKind.FOLLOW_UP_DUE),
        (world.learner_b.id, NotificationKind.FOLLOW_UP_DUE),
        (world.learner_a.id, NotificationKind.FOLLOW_UP_OVERDUE),  # its own words, and its own template
    ]
    assert "still wait" in texts[-1].text
    # Each paid by the program of the cohort she graduated from.
    assert [text.program_id for text in texts] == [
        world.cohort_a.program_id,
        world.cohort_b.program_id,
        world.cohort_a.program_id,
    ]
    # The text's short link opens her follow-up form, after she signs in.
    short = re.search(r"/n/\d+", texts[-1].text)[0]
    assert "/login" in client.get(short).headers["Location"]
    auth.login(world.learner_a)
    assert client.get(short).headers["Location"] == f"/learners/{world.learner_a.id}/follow-ups/new?wave=3"
    monkeypatch.setitem(app.config, "LMS_FOLLOW_UP_SECOND_REMINDER_DAYS", 0)
    assert wave_services.notify_missing_follow_ups(TODAY + timedelta(days=40)) == 0
