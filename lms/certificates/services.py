"""Certificates: issued when a course is complete or at graduation, verified by code, revoked by leads."""

import re

import segno
from sqlalchemy import Select, select

from lms.accounts.models import User
from lms.certificates.models import Certificate, CertificateKind, new_verification_code
from lms.cohorts.models import Cohort, Enrollment, Program
from lms.cohorts.policies import managed_cohort_ids
from lms.core.calendar import utcnow
from lms.core.db_types import dialect_insert
from lms.core.extensions import db
from lms.courses.models import Course, Lesson
from lms.learning.services.completions import course_progress
from lms.learning.signals import lesson_completed

# Codes are base32 (A-Z, 2-7); people copying one by hand mistake these digits for letters.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})
_CODE_SHAPE = re.compile(r"[A-Z2-7]{1,32}")


def clean_code(raw: str | None) -> str:
    """A typed or scanned code as stored: no spaces or dashes, upper case, look-alike digits fixed."""
    cleaned = re.sub(r"[\s\-]", "", raw or "").upper().translate(_LOOKALIKES)
    return cleaned if _CODE_SHAPE.fullmatch(cleaned) else ""


def display_code(code: str) -> str:
    """The code in groups of four, easier to read aloud and to type."""
    return " ".join(code[start : start + 4] for start in range(0, len(code), 4))


def find_certificate(code: str | None) -> Certificate | None:
    """The certificate with this verification code (cleaned first), or None."""
    cleaned = clean_code(code)
    if not cleaned:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == cleaned))


def course_is_complete(learner: User, course: Course) -> bool:
    """Has the learner finished every published lesson of the course (counted in SQL)?"""
    done, total = course_progress(learner, [course.id])[course.id]
    return total > 0 and done == total


def _insert_once(values: dict, unique_on: list[str]) -> None:
    # INSERT ... ON CONFLICT DO NOTHING: two requests finishing the last lesson at once
    # (or a graduation confirmed twice) leave one certificate and no error.
    statement = (
        dialect_insert(Certificate)
        .values(code=new_verification_code(), issued_at=utcnow(), revoke_reason="", **values)
        .on_conflict_do_nothing(index_elements=unique_on)
    )
    db.session.execute(statement)


def issue_course_certificate(learner: User, course: Course) -> Certificate | None:
    """The learner's certificate for a course they completed (issued once); None while a lesson is left."""
    if not course_is_complete(learner, course):
        return None
    values = {"kind": CertificateKind.COURSE, "learner_id": learner.id, "course_id": course.id}
    _insert_once({**values, "learner_name": learner.name, "title": course.title}, ["learner_id", "course_id"])
    return db.session.scalar(
        select(Certificate).where(Certificate.learner_id == learner.id, Certificate.course_id == course.id)
    )


def issue_program_certificate(learner: User, program: Program) -> Certificate:
    """The learner's program certificate, issued at graduation; calling it again returns the same one."""
    values = {"kind": CertificateKind.PROGRAM, "learner_id": learner.id, "program_id": program.id}
    _insert_once({**values, "learner_name": learner.name, "title": program.name}, ["learner_id", "program_id"])
    return db.session.scalars(
        select(Certificate).where(Certificate.learner_id == learner.id, Certificate.program_id == program.id)
    ).one()


@lesson_completed.connect
def issue_certificate_on_course_completion(learner: User, lesson: Lesson, **_extra) -> None:
    """The last lesson of a course earns its certificate."""
    issue_course_certificate(learner, lesson.module.course)


def revoke_certificate(certificate: Certificate, revoked_by: User, reason: str) -> Certificate:
    """Withdraw a certificate, with who did it, when and why; a second revocation changes nothing."""
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        certificate.revoked_by_id = revoked_by.id
        certificate.revoke_reason = reason.strip()
        db.session.flush()
    return certificate


def learner_certificates(learner: User) -> Select:
    """A select of the learner's certificates that stand (not revoked), newest first: what her home lists."""
    return (
        select(Certificate)
        .where(Certificate.learner_id == learner.id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )


def all_certificates(viewer: User, cohort_id: int | None = None, course_id: int | None = None) -> Select:
    """A select of the certificates ``viewer`` runs (an admin every one, a lead her programs' learners'), newest
    first, of one cohort's learners and/or for one course."""
    query = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    managed = managed_cohort_ids(viewer)
    if managed is not None:
        query = query.where(
            Certificate.learner_id.in_(select(Enrollment.learner_id).where(Enrollment.cohort_id.in_(managed)))
        )
    if cohort_id is not None:
        learners = select(Enrollment.learner_id).where(Enrollment.cohort_id == cohort_id)
        query = query.where(Certificate.learner_id.in_(learners))
    if course_id is not None:
        query = query.where(Certificate.course_id == course_id)
    return query


def certificate_filters(viewer: User) -> tuple[list[Cohort], list[Course]]:
    """The cohorts (of the programs she runs) and courses a lead can narrow the certificate list to."""
    query = select(Cohort).order_by(Cohort.name, Cohort.id)
    managed = managed_cohort_ids(viewer)
    if managed is not None:
        query = query.where(Cohort.id.in_(managed))
    cohorts = db.session.scalars(query).all()
    courses = db.session.scalars(select(Course).order_by(Course.title, Course.id)).all()
    return list(cohorts), list(courses)


def verification_qr(url: str) -> segno.QRCode:
    """The QR code of a certificate's public verification URL."""
    # Medium error correction, boosted when it fits in the same size: readable off a creased print.
    return segno.make(url, error="m", micro=False)
