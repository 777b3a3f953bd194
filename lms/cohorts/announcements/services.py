"""Posting announcements to cohorts, notifying their learners, and which a learner has read."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.cohorts.models import (
    Announcement,
    AnnouncementRead,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    announcement_cohorts,
)
from lms.cohorts.services import cohorts_for
from lms.core.db_types import dialect_insert
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.notifications.models import NotificationKind
from lms.notifications.services import link_to, notify_many, register_wording

TITLE_MAX = 200
BODY_MAX = 5000

register_wording(NotificationKind.ANNOUNCEMENT, _l("Announcement for %(cohort)s: %(title)s"))


class AnnouncementRefused(UserFacingError):  # noqa: N818 - read as "the announcement was refused"
    """An announcement that cannot be posted; ``message`` says why."""


def announceable_cohorts(user: User) -> list[Cohort]:
    """The cohorts this person may post to: a mentor's own, a lead's programs' cohorts, every cohort for admins."""
    return [cohort for cohort, _count in db.session.execute(cohorts_for(user))]


def post_announcement(author: User, cohort_ids: list[int], title: str, body: str) -> Announcement:
    """Post to the chosen cohorts (only ones the author may post to) and notify their active learners once each."""
    allowed = {cohort.id: cohort for cohort in announceable_cohorts(author)}
    chosen = [allowed[cohort_id] for cohort_id in dict.fromkeys(cohort_ids) if cohort_id in allowed]
    if not chosen or len(chosen) != len(set(cohort_ids)):
        raise AnnouncementRefused(_l("Choose one or more of your cohorts."))
    title, body = " ".join((title or "").split()), (body or "").strip()
    if not title or len(title) > TITLE_MAX or not body or len(body) > BODY_MAX:
        raise AnnouncementRefused(_l("Give the announcement a title and a text."))
    announcement = Announcement(author_id=author.id, title=title, body=body, cohorts=chosen)
    db.session.add(announcement)
    db.session.flush()
    learners = db.session.scalars(
        select(User)
        .join(Enrollment, Enrollment.learner_id == User.id)
        .where(Enrollment.cohort_id.in_([cohort.id for cohort in chosen]))
        .where(Enrollment.status == EnrollmentStatus.ACTIVE)
        .distinct()
    ).all()
    names = "、".join(cohort.name for cohort in chosen) if len(chosen) > 1 else chosen[0].name
    programs = {cohort.program_id for cohort in chosen}
    notify_many(
        learners,
        NotificationKind.ANNOUNCEMENT,
        link_to("cohorts.announcement", announcement_id=announcement.id),
        # Cohorts of several programs: each learner's texts are paid by her own.
        program_id=next(iter(programs)) if len(programs) == 1 else None,
        cohort=names,
        title=title,
    )
    return announcement


def read_by(learner: User, announcement_id=Announcement.id):
    """Whether the learner has opened the announcement (by default the one of the enclosing query)."""
    return exists().where(
        AnnouncementRead.announcement_id == announcement_id, AnnouncementRead.learner_id == learner.id
    )


def learner_announcements(learner: User) -> Select:
    """A select of (announcement, read) for the cohorts the learner is in now, newest first."""
    read = read_by(learner)
    in_cohort = (
        select(announcement_cohorts.c.announcement_id)
        .join(Enrollment, Enrollment.cohort_id == announcement_cohorts.c.cohort_id)
        .where(Enrollment.learner_id == learner.id, Enrollment.status == EnrollmentStatus.ACTIVE)
    )
    return (
        select(Announcement, read.label("read"))
        .where(Announcement.id.in_(in_cohort))
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
    )


def staff_announcements(user: User) -> Select:
    """A select of the announcements to the cohorts this person may post to, newest first, with their cohorts."""
    cohort_ids = [cohort.id for cohort in announceable_cohorts(user)]
    posted_to = select(announcement_cohorts.c.announcement_id).where(announcement_cohorts.c.cohort_id.in_(cohort_ids))
    return (
        select(Announcement)
        .options(selectinload(Announcement.cohorts), selectinload(Announcement.author))
        .where(Announcement.id.in_(posted_to))
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
    )


def announcement_read(announcement: Announcement, learner: User) -> bool:
    """Has the learner opened it already?"""
    return db.session.scalar(select(read_by(learner, announcement.id)))


def mark_announcement_read(announcement: Announcement, learner: User) -> None:
    """Record that the learner opened it; opening it again changes nothing (and two tabs at once do not clash)."""
    values = {"announcement_id": announcement.id, "learner_id": learner.id}
    db.session.execute(dialect_insert(AnnouncementRead).values(**values).on_conflict_do_nothing())
