"""Programs, cohorts, and who is in them."""

import secrets
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db

# No 0/O or 1/I/L: codes are read aloud and typed on phones.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_CODE_LENGTH = 8


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


cohort_mentors = Table(
    "cohort_mentors",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("mentor_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# Who leads which program: a lead sees and runs only the programs she leads (admins see every program).
program_leads = Table(
    "program_leads",
    db.metadata,
    Column("program_id", ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
    Column("lead_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Program(db.Model):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    # Follow-up waves, in months after graduation (0 = at graduation), comma-separated and ascending.
    follow_up_months: Mapped[str] = mapped_column(String(50), default="0,3,6,12", server_default="0,3,6,12")
    # Follow-up evidence photos are deleted this many months after their follow-up's period (None: kept).
    evidence_retention_months: Mapped[int | None]
    # The day the retention job last ran for this program: a conditional UPDATE claims each day's run once.
    retention_ran_on: Mapped[date | None]
    # What its text messages may cost a month, in fen (None: no cap); its leads set it.
    sms_cap_fen: Mapped[int | None] = mapped_column(BigInteger)
    # Every learner active in one of its cohorts types a code texted to her phone after her password.
    sign_in_texts_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohorts: Mapped[list["Cohort"]] = relationship(back_populates="program", order_by="Cohort.name")
    leads: Mapped[list[User]] = relationship(secondary=program_leads, order_by=User.name)

    @property
    def follow_up_waves(self) -> list[int]:
        return sorted({int(part) for part in self.follow_up_months.split(",") if part.strip().isdigit()})


class Cohort(db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    county: Mapped[str] = mapped_column(String(50), default="")
    township: Mapped[str] = mapped_column(String(50), default="")
    # A national-level poverty-stricken county: outcome reports break figures down by it.
    poverty_county: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    capacity: Mapped[int | None]
    invite_code: Mapped[str] = mapped_column(String(16), unique=True, default=new_invite_code)
    invite_enabled: Mapped[bool] = mapped_column(default=True)
    invite_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invite_max_uses: Mapped[int | None]
    # Counted with a conditional UPDATE, so two people joining at once cannot pass the limit.
    invite_uses: Mapped[int] = mapped_column(default=0)
    # Graduation rules (the outcomes area applies them).
    rule_courses: Mapped[bool] = mapped_column(default=True)
    rule_assignments: Mapped[bool] = mapped_column(default=True)
    rule_business_plan_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    rule_baseline: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    program: Mapped[Program] = relationship(back_populates="cohorts")
    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="cohort")
    mentors: Mapped[list[User]] = relationship(secondary=cohort_mentors, order_by=User.name)
    # Named by string: lessons live in the courses area, above this one.
    rule_business_plan_lesson = relationship("Lesson", viewonly=True)

    @property
    def region(self) -> str:
        return " ".join(part for part in (self.province, self.city, self.county) if part)


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    MOVED = "moved"  # moved to another cohort; the history stays here
    WITHDRAWN = "withdrawn"


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "learner_id"),
        CheckConstraint("status IN ('active', 'moved', 'withdrawn')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=EnrollmentStatus.ACTIVE)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one mentor this learner is paired with inside the cohort, when the lead pairs them.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship(back_populates="enrollments")
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
