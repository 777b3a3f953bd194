"""The graduation page: confirming many learners at once, undoing with a reason, who may do what."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.certificates.models import Certificate
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.outcomes.models import AuditEntry, Graduation
from tests.factories import EnrollmentFactory, MentorFactory
from tests.outcomes.test_graduation_rules import make_ready


def graduations_of(cohort):
    return db.session.scalars(select(Graduation).where(Graduation.cohort_id == cohort.id)).all()


def certificate_of(learner, program):
    return db.session.scalar(
        select(Certificate).where(Certificate.learner_id == learner.id, Certificate.program_id == program.id)
    )


def three_learners(world):
    """Learner A and one more ready to graduate; a third who has done nothing yet."""
    ready = EnrollmentFactory(cohort=world.cohort_a, learner__name="Ready Two").learner
    not_ready = EnrollmentFactory(cohort=world.cohort_a, learner__name="Not Ready").learner
    for learner in (world.learner_a, ready):
        make_ready(learner, world.cohort_a, world.courses_a)
    return world.learner_a, ready, not_ready


def confirm(client, cohort, learners, **fields):
    """Post the ticked learners, then open the page the lead is sent back to (with its messages)."""
    response = client.post(
        f"/cohorts/{cohort.id}/graduation/confirm",
        data={"learner_ids": [str(learner.id) for learner in learners], **fields},
    )
    assert response.status_code == 302
    return client.get(response.headers["Location"])


def test_the_page_shows_what_each_learner_lacks(client, auth, world):
    _first, _ready, not_ready = three_learners(world)
    auth.login(world.lead)
    page = client.get(f"/cohorts/{world.cohort_a.id}/graduation").get_data(as_text=True)
    assert "4 lessons left" in page
    assert "1 assignment not accepted" in page
    assert "no baseline" in page
    assert f'value="{world.learner_a.id}"' in page
    assert f'value="{not_ready.id}"' not in page  # nothing to tick for someone not ready
    assert "Confirm graduation" in page


def test_bulk_confirm_graduates_the_ready_and_names_the_others(client, auth, world):
    first, ready, not_ready = three_learners(world)
    auth.login(world.lead)
    page = confirm(client, world.cohort_a, [first, ready, not_ready]).get_data(as_text=True)
    assert "2 learners graduated." in page
    assert "the rules are not met yet: Not Ready" in page
    graduations = graduations_of(world.cohort_a)
    assert sorted(g.learner_id for g in graduations) == sorted([first.id, ready.id])
    assert all(g.confirmed_by_id == world.lead.id and g.graduated_on for g in graduations)
    for learner in (first, ready):
        certificate = certificate_of(learner, world.program)
        assert certificate is not None
        assert certificate.revoked_at is None
    assert certificate_of(not_ready, world.program) is None
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "graduation")).all()
    assert sorted((e.learner_id, e.action) for e in entries) == sorted([(first.id, "create"), (ready.id, "create")])
    assert all(e.actor_id == world.lead.id and "graduated_on" in e.changes for e in entries)


def test_confirming_twice_makes_one_graduation(client, auth, world):
    first, _ready, _not_ready = three_learners(world)
    auth.login(world.lead)
    confirm(client, world.cohort_a, [first])
    page = confirm(client, world.cohort_a, [first]).get_data(as_text=True)
    assert "Nobody new to graduate" in page
    assert len(graduations_of(world.cohort_a)) == 1


def test_confirming_with_nothing_ticked_says_so(client, auth, world):
    auth.login(world.lead)
    page = confirm(client, world.cohort_a, []).get_data(as_text=True)
    assert "Tick at least one learner to graduate." in page
    assert graduations_of(world.cohort_a) == []


def test_garbage_learner_ids_are_refused_without_writing(client, auth, world):
    three_learners(world)
    auth.login(world.lead)
    response = client.post(f"/cohorts/{world.cohort_a.id}/graduation/confirm", data={"learner_ids": ["abc", "9" * 40]})
    assert response.status_code == 302
    assert graduations_of(world.cohort_a) == []


def test_undo_needs_a_reason_then_revokes_the_certificate(client, auth, world):
    first, _ready, _not_ready = three_learners(world)
    auth.login(world.lead)
    confirm(client, world.cohort_a, [first])
    graduation = graduations_of(world.cohort_a)[0]
    url = f"/graduations/{graduation.id}/undo"
    assert "Reason" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"reason": "   "})
    assert response.status_code == 200
    assert "Say why the graduation is undone." in response.get_data(as_text=True)
    db.session.refresh(graduation)
    assert graduation.undone_at is None
    assert certificate_of(first, world.program).revoked_at is None

    client.post(url, data={"reason": "Business plan copied from another learner."})
    db.session.refresh(graduation)
    assert graduation.undone_at is not None
    assert graduation.undone_by_id == world.lead.id
    assert graduation.undo_reason == "Business plan copied from another learner."
    certificate = certificate_of(first, world.program)
    assert certificate.revoked_at is not None
    assert certificate.revoke_reason == "Business plan copied from another learner."
    undo = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "undo"))
    assert undo.entity_id == graduation.id
    assert undo.changes["undo_reason"] == ["", "Business plan copied from another learner."]
    page = client.get(f"/cohorts/{world.cohort_a.id}/graduation").get_data(as_text=True)
    assert "Graduation undone: Business plan copied" in page


def test_an_undone_graduation_is_revived_not_duplicated(client, auth, world):
    first, _ready, _not_ready = three_learners(world)
    auth.login(world.lead)
    confirm(client, world.cohort_a, [first])
    graduation = graduations_of(world.cohort_a)[0]
    code = certificate_of(first, world.program).code
    client.post(f"/graduations/{graduation.id}/undo", data={"reason": "Too early."})
    page = confirm(client, world.cohort_a, [first]).get_data(as_text=True)
    assert "1 learner graduated." in page
    graduations = graduations_of(world.cohort_a)
    assert [g.id for g in graduations] == [graduation.id]
    assert graduations[0].undone_at is None
    assert graduations[0].undo_reason == ""
    certificate = certificate_of(first, world.program)
    assert certificate.code == code
    assert certificate.revoked_at is None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["create", "undo", "update"]


def test_the_page_runs_the_same_queries_for_3_and_30_learners(client, auth, world, count_queries):
    def add_learners(count):
        for _ in range(count):
            learner = EnrollmentFactory(cohort=world.cohort_a).learner
            make_ready(learner, world.cohort_a, world.courses_a)

    auth.login(world.lead)
    url = f"/cohorts/{world.cohort_a.id}/graduation"
    add_learners(2)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    add_learners(27)
    confirm(client, world.cohort_a, [world.learner_a])
    with count_queries() as large:
        page = client.get(url)
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('type="checkbox"') == 29
    assert len(large) == len(small)


def test_a_mentor_of_the_cohort_sees_the_table_but_cannot_confirm(client, auth, world):
    first, _ready, _not_ready = three_learners(world)
    auth.login(world.mentor_a)
    page = client.get(f"/cohorts/{world.cohort_a.id}/graduation").get_data(as_text=True)
    assert first.name in page
    assert 'type="checkbox"' not in page
    assert "Confirm graduation" not in page
    assert (
        client.post(
            f"/cohorts/{world.cohort_a.id}/graduation/confirm", data={"learner_ids": [str(first.id)]}
        ).status_code
        == 403
    )
    assert graduations_of(world.cohort_a) == []


def test_a_mentor_cannot_undo(client, auth, world):
    first, _ready, _not_ready = three_learners(world)
    auth.login(world.lead)
    confirm(client, world.cohort_a, [first])
    graduation = graduations_of(world.cohort_a)[0]
    auth.logout()
    auth.login(world.mentor_a)
    assert client.post(f"/graduations/{graduation.id}/undo", data={"reason": "No."}).status_code == 403
    db.session.refresh(graduation)
    assert graduation.undone_at is None


def test_learners_and_other_cohorts_mentors_are_kept_out(client, auth, world):
    url = f"/cohorts/{world.cohort_a.id}/graduation"
    auth.login(world.learner_a)
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login(MentorFactory())  # mentors no cohort
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(world.mentor_b)
    assert client.get(url).status_code == 404
    assert db.session.scalar(select(func.count(Graduation.id))) == 0


def started_days_ago(cohort, days: int):
    cohort.starts_on = program_today() - timedelta(days=days)
    db.session.commit()
    return cohort.starts_on


def test_the_graduation_date_is_today_unless_the_lead_gives_another(client, auth, world):
    started = started_days_ago(world.cohort_a, 200)
    first, ready, _not_ready = three_learners(world)
    auth.login(world.lead)
    page = client.get(f"/cohorts/{world.cohort_a.id}/graduation").get_data(as_text=True)
    today = program_today().isoformat()
    assert "Graduation date" in page
    date_input = page[page.index('<input aria-describedby="graduated_on-hint"') :].split(">")[0]
    for attribute in (f'value="{today}"', f'max="{today}"', f'min="{started.isoformat()}"', 'type="date"'):
        assert attribute in date_input

    earlier = program_today() - timedelta(days=95)
    page = confirm(client, world.cohort_a, [first], graduated_on=earlier.isoformat()).get_data(as_text=True)
    assert "1 learner graduated." in page
    confirm(client, world.cohort_a, [ready])  # an older page, without the field: today
    dates = {g.learner_id: g.graduated_on for g in graduations_of(world.cohort_a)}
    assert dates == {first.id: earlier, ready.id: program_today()}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.learner_id == first.id))
    assert entry.changes["graduated_on"][1] == earlier.isoformat()


def test_an_undone_graduation_is_revived_on_the_date_given(client, auth, world):
    started_days_ago(world.cohort_a, 200)
    first, _ready, _not_ready = three_learners(world)
    auth.login(world.lead)
    confirm(client, world.cohort_a, [first])
    graduation = graduations_of(world.cohort_a)[0]
    client.post(f"/graduations/{graduation.id}/undo", data={"reason": "Wrong day."})
    earlier = program_today() - timedelta(days=30)
    confirm(client, world.cohort_a, [first], graduated_on=earlier.isoformat())
    db.session.refresh(graduation)
    assert (graduation.graduated_on, graduation.undone_at) == (earlier, None)


@pytest.mark.parametrize(
    ("days_from_today", "message"),
    [
        (1, "The date cannot be in the future."),
        (-201, "The graduation date cannot be before the cohort started"),
    ],
)
def test_a_graduation_date_outside_the_cohort_is_refused(client, auth, world, days_from_today, message):
    started_days_ago(world.cohort_a, 200)
    first, _ready, _not_ready = three_learners(world)
    auth.login(world.lead)
    day = program_today() + timedelta(days=days_from_today)
    page = confirm(client, world.cohort_a, [first], graduated_on=day.isoformat()).get_data(as_text=True)
    assert message in page
    assert graduations_of(world.cohort_a) == []
    assert certificate_of(first, world.program) is None


@pytest.mark.parametrize("value", ["", "not a date", "2027-02-30", "9" * 40])
def test_an_empty_or_garbled_graduation_date_is_refused(client, auth, world, value):
    first, _ready, _not_ready = three_learners(world)
    auth.login(world.lead)
    page = confirm(client, world.cohort_a, [first], graduated_on=value).get_data(as_text=True)
    assert "Enter the graduation date." in page
    assert graduations_of(world.cohort_a) == []


def test_a_cohort_without_a_start_date_takes_any_past_date(client, auth, world):
    first, _ready, _not_ready = three_learners(world)
    assert world.cohort_a.starts_on is None
    auth.login(world.lead)
    earlier = program_today() - timedelta(days=400)
    assert 'min="' not in client.get(f"/cohorts/{world.cohort_a.id}/graduation").get_data(as_text=True)
    assert "1 learner graduated." in confirm(
        client, world.cohort_a, [first], graduated_on=earlier.isoformat()
    ).get_data(as_text=True)
    assert graduations_of(world.cohort_a)[0].graduated_on == earlier
