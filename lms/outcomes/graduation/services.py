"""Graduation: who meets the cohort's rules and what the others lack, confirming and undoing."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.certificates.models import Certificate, CertificateKind
from lms.certificates.services import issue_program_certificate, revoke_certificate
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.courses.models import Lesson, LessonKind
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Submission, SubmissionState
from lms.learning.services.copies import join_taken_lessons
from lms.outcomes.audit import record_change
from lms.outcomes.models import Baseline, Graduation


@dataclass
class GraduationRow:
    """One active learner of a cohort against its rules; a rule the cohort does not use is ``None``."""

    learner: User
    graduation: Graduation | None
    lessons_left: int | None
    assignments_not_accepted: int | None
    business_plan_accepted: bool | None
    has_baseline: bool | None

    @property
    def meets_rules(self) -> bool:
        return (
            not self.lessons_left
            and not self.assignments_not_accepted
            and self.business_plan_accepted is not False
            and self.has_baseline is not False
        )

    @property
    def graduated(self) -> bool:
        return self.graduation is not None and self.graduation.undone_at is None


def _required_lesson_counts(cohort: Cohort) -> dict[int, tuple[int, int, int, int]]:
    """learner id → (required lessons, completed, required assignments, accepted), in one query."""
    is_assignment = Lesson.kind == LessonKind.ASSIGNMENT
    accepted = and_(is_assignment, Submission.id.is_not(None))
    counts = select(
        Enrollment.learner_id,
        func.count(Lesson.id),
        func.count(Completion.id),
        func.sum(cast(case((is_assignment, 1), else_=0), Integer)),
        func.sum(cast(case((accepted, 1), else_=0), Integer)),
    )
    query = (
        join_taken_lessons(counts, Enrollment.cohort_id, Enrollment.learner_id, required_only=True)
        .outerjoin(Completion, and_(Completion.lesson_id == Lesson.id, Completion.learner_id == Enrollment.learner_id))
        .outerjoin(
            Submission,
            and_(
                Submission.lesson_id == Lesson.id,
                Submission.learner_id == Enrollment.learner_id,
                Submission.state == SubmissionState.ACCEPTED,
            ),
        )
        .where(Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(Enrollment.learner_id)
    )
    return {learner_id: tuple(int(n or 0) for n in counts) for learner_id, *counts in db.session.execute(query)}


def graduation_status(cohort: Cohort) -> list[GraduationRow]:
    """Every active learner of the cohort with the rules met and what is lacking: two queries whatever the size."""
    plan_lesson_id = cohort.rule_business_plan_lesson_id
    plan = select(Submission.learner_id, Submission.state).where(Submission.lesson_id == plan_lesson_id).subquery()
    active = and_(Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.ACTIVE)
    learners = db.session.execute(
        select(User, Graduation, Baseline.id, plan.c.state)
        .join(Enrollment, and_(Enrollment.learner_id == User.id, active))
        .outerjoin(Graduation, and_(Graduation.learner_id == User.id, Graduation.cohort_id == cohort.id))
        .outerjoin(Baseline, Baseline.learner_id == User.id)
        .outerjoin(plan, plan.c.learner_id == User.id)
        .order_by(User.name, User.id)
    ).all()
    counts = _required_lesson_counts(cohort) if cohort.rule_courses or cohort.rule_assignments else {}
    rows = []
    for learner, graduation, baseline_id, plan_state in learners:
        lessons, done, assignments, accepted = counts.get(learner.id, (0, 0, 0, 0))
        rows.append(
            GraduationRow(
                learner=learner,
                graduation=graduation,
                lessons_left=lessons - done if cohort.rule_courses else None,
                assignments_not_accepted=assignments - accepted if cohort.rule_assignments else None,
                business_plan_accepted=plan_state == SubmissionState.ACCEPTED if plan_lesson_id else None,
                has_baseline=baseline_id is not None if cohort.rule_baseline else None,
            )
        )
    return rows


GRADUATION_AUDITED_FIELDS = ("graduated_on", "confirmed_by_id", "undone_at", "undone_by_id", "undo_reason")


def _graduation_fields(graduation: Graduation) -> dict:
    return {field: getattr(graduation, field) for field in GRADUATION_AUDITED_FIELDS}


def _program_certificate(learner_id: int, program_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.learner_id == learner_id,
            Certificate.program_id == program_id,
            Certificate.kind == CertificateKind.PROGRAM,
        )
    )


def _graduate(row: GraduationRow, cohort: Cohort, confirmed_by: User, graduated_on: date) -> Graduation:
    graduation = row.graduation
    before = _graduation_fields(graduation) if graduation else {}
    if graduation is None:
        try:
            # The unique (learner, cohort) constraint decides a race between two confirming leads.
            with db.session.begin_nested():
                graduation = Graduation(
                    learner_id=row.learner.id,
                    cohort_id=cohort.id,
                    graduated_on=graduated_on,
                    confirmed_by_id=confirmed_by.id,
                )
                db.session.add(graduation)
        except IntegrityError:
            graduation = db.session.scalars(
                select(Graduation).where(Graduation.learner_id == row.learner.id, Graduation.cohort_id == cohort.id)
            ).one()
            if graduation.undone_at is None:
                return graduation
            before = _graduation_fields(graduation)
    if before:
        # A graduation undone earlier is revived in its row, so the audit log keeps one history.
        graduation.graduated_on = graduated_on
        graduation.confirmed_by_id = confirmed_by.id
        graduation.confirmed_at = utcnow()
        graduation.undone_at = None
        graduation.undone_by_id = None
        graduation.undo_reason = ""
    db.session.flush()
    certificate = issue_program_certificate(row.learner, cohort.program)
    if certificate.revoked_at is not None:
        # The certificate revoked by the undo is valid again: same code, so printed copies verify again.
        certificate.revoked_at = None
        certificate.revoked_by_id = None
        certificate.revoke_reason = ""
    action = "update" if before else "create"
    record_change(
        confirmed_by, "graduation", graduation.id, row.learner.id, action, before, _graduation_fields(graduation)
    )
    return graduation


def confirm_graduations(
    cohort: Cohort, learner_ids, confirmed_by: User, graduated_on: date | None = None
) -> tuple[list[Graduation], list[User]]:
    """Graduate the chosen learners who meet the rules, on the day given (today by default); returns (made, refused)."""
    chosen = set(learner_ids)
    graduated_on = graduated_on or program_today()
    confirmed, refused = [], []
    for row in graduation_status(cohort):
        if row.learner.id not in chosen or row.graduated:
            continue
        if not row.meets_rules:
            refused.append(row.learner)
            continue
        confirmed.append(_graduate(row, cohort, confirmed_by, graduated_on))
    db.session.flush()
    return confirmed, refused


def undo_graduation(graduation: Graduation, undone_by: User, reason: str) -> Graduation:
    """Undo a graduation with a reason and revoke the program certificate; undoing twice changes nothing."""
    if graduation.undone_at is not None:
        return graduation
    before = _graduation_fields(graduation)
    graduation.undone_at = utcnow()
    graduation.undone_by_id = undone_by.id
    graduation.undo_reason = reason.strip()
    db.session.flush()
    program_id = graduation.cohort.program_id
    # The certificate is the program's: it stays while another cohort of that program still graduates them.
    other = db.session.scalar(
        select(Graduation.id)
        .join(Cohort, Cohort.id == Graduation.cohort_id)
        .where(
            Graduation.learner_id == graduation.learner_id,
            Graduation.id != graduation.id,
            Graduation.undone_at.is_(None),
            Cohort.program_id == program_id,
        )
        .limit(1)
    )
    certificate = _program_certificate(graduation.learner_id, program_id)
    if certificate is not None and other is None:
        revoke_certificate(certificate, undone_by, graduation.undo_reason)
    record_change(
        undone_by, "graduation", graduation.id, graduation.learner_id, "undo", before, _graduation_fields(graduation)
    )
    return graduation
