"""Handing in assignments: due dates, versions and files, and the learner's thread."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.courses.models import Lesson
from lms.learning.models.submission import Review, Submission, SubmissionFile, SubmissionState, SubmissionVersion
from lms.learning.services.due_dates import is_late, learner_due_on
from lms.learning.services.offline import OfflineAction, action_time
from lms.learning.signals import submission_submitted
from lms.media import storage
from lms.media.models import MediaFile, MediaKind

# What each accepted kind is stored as: photos are pictures, a file is a downloadable resource.
UPLOAD_KINDS = {"photo": MediaKind.IMAGE, "video": MediaKind.VIDEO, "file": MediaKind.RESOURCE}
CHANGEABLE_STATES = (SubmissionState.SUBMITTED, SubmissionState.REVISION_REQUESTED)
REVIEWABLE_STATES = (SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW)


class SubmissionRefused(UserFacingError):  # noqa: N818 - read as "the submission was refused"
    """The learner may not hand in now; ``message`` says why."""


class FileRefused(SubmissionRefused):
    """An uploaded file failed its content or size check; ``field`` is the form field it came from."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def find_submission(lesson: Lesson, learner: User) -> Submission | None:
    """The learner's submission for this lesson, with every version, file and review loaded for the thread."""
    return db.session.scalar(
        select(Submission)
        .options(
            selectinload(Submission.versions).selectinload(SubmissionVersion.files).joinedload(SubmissionFile.media),
            selectinload(Submission.reviews).selectinload(Review.scores),
            selectinload(Submission.reviews).joinedload(Review.mentor),
        )
        .where(Submission.lesson_id == lesson.id, Submission.learner_id == learner.id)
    )


@dataclass
class Handed:
    """What the learner handed in this time: text, a link, uploads, and earlier files kept."""

    text: str = ""
    link: str = ""
    uploads: dict[str, list[FileStorage]] = field(default_factory=dict)
    keep_files: bool = False
    held: list[tuple[str, MediaFile]] = field(default_factory=list)  # checked and kept by ``hold_uploads``

    def is_empty(self, kept: list[SubmissionFile]) -> bool:
        return not (self.text.strip() or self.link.strip() or any(self.uploads.values()) or self.held or kept)


def store_uploads(handed: Handed, learner: User) -> list[tuple[str, object]]:
    """Check and keep every uploaded file; raises FileRefused on the first bad one."""
    stored = []
    for kind, files in handed.uploads.items():
        for upload in files:
            try:
                stored.append((kind, storage.store_upload(upload, UPLOAD_KINDS[kind], learner)))
            except storage.UploadRefused as refused:
                raise FileRefused(kind, refused.message) from refused
    return stored


def hold_uploads(uploads: dict[str, list[FileStorage]], learner: User) -> tuple[list[tuple[str, MediaFile]], list]:
    """Check and keep each good uploaded file for the form, so a refusal never makes her choose it again.

    Returns the files kept and a FileRefused for each bad one; the caller commits the kept ones at once.
    """
    held, refusals = [], []
    for kind, files in uploads.items():
        for upload in files:
            try:
                held.append((kind, storage.store_upload(upload, UPLOAD_KINDS[kind], learner)))
            except storage.UploadRefused as refused:
                refusals.append(FileRefused(kind, refused.message))
    return held, refusals


def held_uploads(learner: User, held: dict[str, list[str]]) -> list[tuple[str, MediaFile]]:
    """The files held for her form (kind → posted ids): only her own uploads of that kind count."""
    wanted = {
        int(value): kind
        for kind, values in held.items()
        if kind in UPLOAD_KINDS
        for value in values
        if value.isascii() and value.isdigit() and len(value) < 12
    }
    if not wanted:
        return []
    query = select(MediaFile).where(MediaFile.id.in_(wanted), MediaFile.uploaded_by_id == learner.id)
    return [
        (wanted[media.id], media)
        for media in db.session.scalars(query.order_by(MediaFile.id))
        if media.kind == UPLOAD_KINDS[wanted[media.id]]
    ]


def open_submission(lesson: Lesson, learner: User, cohort: Cohort, at: datetime | None = None) -> Submission:
    """The learner's submission row for this lesson, made now if it is the first time (once, even in a race)."""
    query = select(Submission).where(Submission.lesson_id == lesson.id, Submission.learner_id == learner.id)
    existing = db.session.scalar(query)
    if existing is not None:
        return existing
    try:
        with db.session.begin_nested():
            submission = Submission(
                lesson=lesson,
                learner=learner,
                cohort=cohort,
                version_count=0,
                first_submitted_at=at or utcnow(),
                last_submitted_at=at or utcnow(),
            )
            db.session.add(submission)
        return submission
    except IntegrityError:
        # Another tab made it a moment ago: that row is the one.
        return db.session.scalar(query)


def submit_work(
    lesson: Lesson, learner: User, cohort: Cohort, handed: Handed, offline: OfflineAction | None = None
) -> SubmissionVersion:
    """Hand in a new version; refused once a mentor started reviewing or accepted it. Raises SubmissionRefused.

    ``offline``: work handed in offline, dated (and judged late or not) by when it was handed in; sent
    again with the same id, the version it made is returned and nothing is added.
    """
    if offline is not None:
        replayed = offline_version(learner, offline.client_id)
        if replayed is not None:
            return replayed
    previous = find_submission(lesson, learner)
    if previous is not None and previous.state not in CHANGEABLE_STATES:
        raise SubmissionRefused(refusal_for(previous.state))
    kept = list(previous.versions[-1].files) if previous and previous.versions and handed.keep_files else []
    if handed.is_empty(kept):
        raise SubmissionRefused(_l("Add something to hand in: write a text, give a link or choose a file."))
    stored = store_uploads(handed, learner)
    now = action_time(learner, lesson, offline)
    submission = open_submission(lesson, learner, cohort, now)
    # One conditional UPDATE takes the next version number: it fails if a mentor opened the work meanwhile.
    number = db.session.scalar(
        update(Submission)
        .where(Submission.id == submission.id, Submission.state.in_(CHANGEABLE_STATES))
        .values(
            state=SubmissionState.SUBMITTED,
            cohort_id=cohort.id,  # a learner who moved since is reviewed by the new cohort's mentors
            version_count=Submission.version_count + 1,
            row_version=Submission.row_version + 1,
            last_submitted_at=now,
            review_started_at=None,
            reviewing_mentor_id=None,
            decided_at=None,
        )
        .returning(Submission.version_count)
        .execution_options(synchronize_session=False)
    )
    if number is None:
        db.session.refresh(submission)
        raise SubmissionRefused(refusal_for(submission.state))
    version = SubmissionVersion(
        submission_id=submission.id,
        number=number,
        text=handed.text.strip(),
        link=handed.link.strip(),
        submitted_at=now,
        late=is_late(now, learner_due_on(lesson, learner, cohort)),
        client_id=offline.client_id if offline else None,
    )
    version.files = [SubmissionFile(media_id=old.media_id, kind=old.kind) for old in kept]
    version.files += [SubmissionFile(media=media_file, kind=kind) for kind, media_file in [*handed.held, *stored]]
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError as error:
        # The phone sent the same offline hand-in twice at once: the unique client id stopped the second.
        raise SubmissionRefused(_l("This work was already handed in.")) from error
    db.session.expire(submission)
    submission_submitted.send(learner, submission=submission, version=version)
    return version


def offline_version(learner: User, client_id: str) -> SubmissionVersion | None:
    """The version the phone handed in before under this id, or None; another learner's id is refused."""
    version = db.session.scalar(
        select(SubmissionVersion)
        .options(joinedload(SubmissionVersion.submission))
        .where(SubmissionVersion.client_id == client_id)
    )
    if version is not None and version.submission.learner_id != learner.id:
        raise SubmissionRefused(_l("This work was already handed in."))
    return version


def refusal_for(state: str) -> str:
    if state == SubmissionState.ACCEPTED:
        return _l("Your mentor has already accepted this work: it cannot be changed.")
    return _l("A mentor has started reviewing your work, so it cannot be changed now. Wait for the feedback.")


def can_change(submission: Submission | None) -> bool:
    """May the learner hand in (again) now?"""
    return submission is None or submission.state in CHANGEABLE_STATES


def mark_reviews_read(submission: Submission) -> int:
    """Note that the learner has seen every review of this submission; returns how many were new."""
    result = db.session.execute(
        update(Review)
        .where(Review.submission_id == submission.id, Review.read_by_learner_at.is_(None))
        .values(read_by_learner_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


@dataclass
class ThreadEntry:
    """One step of a submission's story: a version, or a review of one."""

    at: datetime
    version: SubmissionVersion | None = None
    review: Review | None = None


def submission_thread(submission: Submission) -> list[ThreadEntry]:
    """Versions and reviews in the order they happened (a review always follows its version)."""
    entries = [ThreadEntry(at=version.submitted_at, version=version) for version in submission.versions]
    entries += [ThreadEntry(at=review.created_at, review=review) for review in submission.reviews]
    return sorted(entries, key=lambda entry: (entry.at, entry.review is not None))
