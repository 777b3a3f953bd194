"""A mentor logs check-ins with a learner; leads read them."""

from datetime import date, timedelta

from sqlalchemy import func, select

from lms.cohorts.checkins.services import learner_check_ins, log_check_in
from lms.cohorts.models import CheckIn, EnrollmentStatus
from lms.core.calendar import program_today
from lms.core.extensions import db


def url(world) -> str:
    return f"/cohorts/{world.cohort_a.id}/learners/{world.learner_a.id}/check-ins"


def count_check_ins() -> int:
    return db.session.scalar(select(func.count()).select_from(CheckIn))


GOOD = {
    "happened_on": "2026-03-02",
    "channel": "visit",
    "notes": "Tea garden visit: 40 kg picked this week.",
    "next_steps": "Film the picking for the shop.",
    "next_check_in_on": "2026-03-16",
}


def test_mentor_logs_a_check_in_and_sees_it_listed(client, auth, world):
    auth.login(world.mentor_a)
    page = client.get(url(world)).text
    assert "Log a check-in" in page
    assert "No check-in yet." in page
    assert f'value="{program_today().isoformat()}"' in page  # the date starts as today
    response = client.post(url(world), data=GOOD)
    assert response.status_code == 302
    [check_in] = db.session.scalars(select(CheckIn)).all()
    assert (check_in.cohort_id, check_in.learner_id, check_in.mentor_id) == (
        world.cohort_a.id,
        world.learner_a.id,
        world.mentor_a.id,
    )
    assert check_in.happened_on == date(2026, 3, 2)
    assert check_in.channel == "visit"
    assert check_in.next_check_in_on == date(2026, 3, 16)
    page = client.get(url(world)).text
    assert "Check-in saved." in page
    assert "40 kg picked" in page
    assert "Film the picking" in page
    assert "Visit" in page


def test_check_ins_are_listed_newest_first_and_the_lead_reads_them_without_a_form(client, auth, world):
    for day, notes in ((1, "first call"), (20, "third call"), (10, "second call")):
        log_check_in(
            world.cohort_a,
            world.learner_a,
            world.mentor_a,
            {"happened_on": date(2026, 3, day), "channel": "call", "notes": notes},
        )
    db.session.commit()
    auth.login(world.lead)
    page = client.get(url(world)).text
    assert page.index("third call") < page.index("second call") < page.index("first call")
    assert "Log a check-in" not in page
    assert client.post(url(world), data=GOOD).status_code == 403
    assert count_check_ins() == 3


def test_bad_check_ins_are_refused_with_a_message_and_nothing_written(client, auth, world):
    auth.login(world.mentor_a)
    tomorrow = (program_today() + timedelta(days=1)).isoformat()
    cases = [
        ({"happened_on": tomorrow}, "A check-in cannot be in the future."),
        ({"happened_on": ""}, "Enter the date of the check-in."),
        ({"happened_on": "2026-02-30"}, "Not a valid date value."),
        ({"channel": "pigeon"}, "Not a valid choice."),
        ({"next_check_in_on": "2026-03-01"}, "The next check-in must be after this one."),
        ({"notes": "长" * 5001}, "Field cannot be longer than 5000 characters."),
    ]
    for change, message in cases:
        response = client.post(url(world), data={**GOOD, **change})
        assert response.status_code == 200, change
        assert message in response.text, change
    assert count_check_ins() == 0


def test_a_withdrawn_learners_check_ins_stay_with_the_lead_and_leave_her_mentor(client, auth, world):
    log_check_in(world.cohort_a, world.learner_a, world.mentor_a, {"happened_on": date(2026, 3, 1), "channel": "call"})
    world.cohort_a.enrollments[0].status = EnrollmentStatus.WITHDRAWN
    db.session.commit()
    auth.login(world.mentor_a)
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), data=GOOD).status_code == 404
    auth.logout()
    auth.login(world.lead)
    page = client.get(url(world)).text
    assert "no longer active in this cohort" in page
    assert "Log a check-in" not in page
    assert "Phone call" in page
    assert count_check_ins() == 1


def test_another_cohorts_mentor_cannot_read_or_write(client, auth, world):
    log_check_in(world.cohort_a, world.learner_a, world.mentor_a, {"happened_on": date(2026, 3, 1), "channel": "call"})
    db.session.commit()
    auth.login(world.mentor_b)
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), data=GOOD).status_code == 404
    assert count_check_ins() == 1


def test_learner_check_ins_is_a_select_for_the_learner_page(world, count_queries):
    for day in (1, 2, 3):
        log_check_in(
            world.cohort_a, world.learner_a, world.mentor_a, {"happened_on": date(2026, 3, day), "channel": "video"}
        )
    log_check_in(world.cohort_b, world.learner_b, world.mentor_b, {"happened_on": date(2026, 3, 9), "channel": "call"})
    db.session.commit()
    learner, mentor, mentor_name = world.learner_a, world.mentor_a, world.mentor_a.name
    db.session.expire_all()
    learner.id, mentor.id  # noqa: B018 - loaded before counting
    with count_queries() as queries:
        found = db.session.scalars(learner_check_ins(learner, mentor)).all()
        names = [(check_in.mentor.name, check_in.cohort.name) for check_in in found]
    assert [check_in.happened_on.day for check_in in found] == [3, 2, 1]
    assert names == [(mentor_name, "Cohort A")] * 3
    assert len(queries) == 1  # mentor and cohort come with the check-ins
