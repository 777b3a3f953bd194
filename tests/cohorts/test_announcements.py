"""Cohort announcements: staff post to their own cohorts only; each learner of them is told once, sees it on her
home, and it stops reading as new once she opened it."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from lms.cohorts.announcements import services
from lms.cohorts.models import Announcement, AnnouncementRead
from lms.core.extensions import db
from lms.notifications.models import Notification, NotificationKind
from lms.notifications.services import notification_text
from tests.factories import EnrollmentFactory, MentorFactory


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def notified(user) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == NotificationKind.ANNOUNCEMENT)
    ).all()


def test_a_mentor_posts_to_her_cohort_and_each_learner_is_told_once(world):
    announcement = services.post_announcement(world.mentor_a, [world.cohort_a.id], " Livestream  practice ", "Sat 8 pm")
    db.session.commit()
    assert (announcement.title, announcement.cohorts) == ("Livestream practice", [world.cohort_a])
    [notice] = notified(world.learner_a)
    assert notice.link == f"/announcements/{announcement.id}"
    assert notification_text(notice) == "Announcement for Cohort A: Livestream practice"
    with force_locale("zh_Hans"):
        assert notification_text(notice) == "Cohort A 的通知：Livestream practice"
    assert notified(world.learner_b) == []  # another cohort's learner


def test_a_lead_posts_to_several_cohorts_and_a_learner_in_two_of_them_hears_once(world):
    EnrollmentFactory(cohort=world.cohort_b, learner=world.learner_a)
    services.post_announcement(world.lead, [world.cohort_a.id, world.cohort_b.id], "Holiday", "No class on Monday.")
    db.session.commit()
    assert len(notified(world.learner_a)) == 1
    assert len(notified(world.learner_b)) == 1


def test_a_mentor_cannot_post_to_another_cohort_and_nothing_is_written(world):
    with pytest.raises(services.AnnouncementRefused, match="Choose one or more of your cohorts"):
        services.post_announcement(world.mentor_a, [world.cohort_a.id, world.cohort_b.id], "Hello", "Text")
    assert count(Announcement) == 0
    assert count(Notification) == 0


@pytest.mark.parametrize(("title", "body"), [("", "text"), ("title", "  "), ("x" * 201, "text")])
def test_an_announcement_needs_a_title_and_a_text(world, title, body):
    with pytest.raises(services.AnnouncementRefused, match="a title and a text"):
        services.post_announcement(world.mentor_a, [world.cohort_a.id], title, body)


def test_the_form_refuses_no_cohort_or_another_cohort_with_a_message(client, auth, world):
    auth.login(world.mentor_a)
    page = client.get(f"/announcements/new?cohort={world.cohort_a.id}").get_data(as_text=True)
    assert f'checked id="cohorts-0" name="cohorts" type="checkbox" value="{world.cohort_a.id}"' in page
    assert "Cohort B" not in page
    for cohorts in ([], [world.cohort_b.id]):
        refused = client.post("/announcements/new", data={"cohorts": cohorts, "title": "Hi", "body": "Text"})
        assert refused.status_code == 400
        assert "Choose one or more of your cohorts." in refused.get_data(as_text=True)
    assert count(Announcement) == 0


def test_the_learner_sees_it_on_her_home_as_new_until_she_opens_it(client, auth, world):
    auth.login(world.mentor_a)
    posted = client.post(
        "/announcements/new", data={"cohorts": [world.cohort_a.id], "title": "Livestream practice", "body": "Sat 8 pm"}
    )
    assert posted.status_code == 302
    announcement = db.session.scalars(select(Announcement)).one()
    auth.logout()
    auth.login(world.learner_a)
    home = client.get("/").get_data(as_text=True)
    opening = f'<form method="post" action="/announcements/{announcement.id}/read" class="inline">'
    assert '<span class="badge badge-live">New</span>' in home
    assert opening in home
    page = client.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    assert "Sat 8 pm" in page
    assert "To Cohort A" in page
    assert count(AnnouncementRead) == 0  # a GET (a link prefetched, the notification followed) records nothing
    assert "Mark as read" in page
    opened = client.post(f"/announcements/{announcement.id}/read")
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/announcements/{announcement.id}"
    client.post(f"/announcements/{announcement.id}/read")  # a second opening keeps the one read row
    assert count(AnnouncementRead) == 1
    assert "Mark as read" not in client.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert f'<a href="/announcements/{announcement.id}">Livestream practice</a>' in home
    assert "badge-live" not in home
    assert opening not in home


def test_other_cohorts_learners_and_mentors_find_nothing(client, auth, world):
    announcement = services.post_announcement(world.mentor_a, [world.cohort_a.id], "Cohort A only", "Text")
    db.session.commit()
    for person in (world.learner_b, world.mentor_b, MentorFactory()):
        auth.login(person)
        assert client.get(f"/announcements/{announcement.id}").status_code == 404
        assert "Cohort A only" not in client.get("/").get_data(as_text=True)
        auth.logout()
    auth.login(world.mentor_b)
    assert "Cohort A only" not in client.get("/announcements").get_data(as_text=True)


def test_the_staff_list_shows_what_was_posted_to_their_cohorts(client, auth, world):
    services.post_announcement(world.lead, [world.cohort_a.id, world.cohort_b.id], "To both", "Text")
    services.post_announcement(world.mentor_b, [world.cohort_b.id], "To B", "Text")
    db.session.commit()
    auth.login(world.mentor_a)
    page = client.get("/announcements").get_data(as_text=True)
    assert "To both" in page
    assert "Cohort A, Cohort B" in page
    assert "To B" not in page
