"""What the program changed: consent, baselines at intake, graduation, support given, and the audit log."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.cohorts.models import Cohort
from lms.db_types import UTCDateTime
from lms.extensions import db
from lms.timeutil import utcnow


class ReportingConsent(db.Model):
    """Whether a learner lets the program use their figures in reports; withdrawing keeps the row."""

    __tablename__ = "reporting_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    granted: Mapped[bool]
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])


class BusinessStatus(StrEnum):
    NONE = "none"
    IDEA = "idea"
    OFFLINE = "offline"
    ONLINE = "online"


class Baseline(db.Model):
    """A learner's situation at intake. Money in fen (integer minor units), never floats."""

    __tablename__ = "baselines"
    __table_args__ = (
        CheckConstraint("monthly_income_fen >= 0", name="income_not_negative"),
        CheckConstraint("household_size > 0", name="household_positive"),
        CheckConstraint("business_status IN ('none', 'idea', 'offline', 'online')", name="business_status_known"),
        CheckConstraint("gender IN ('female', 'male', 'other', 'unspecified')", name="gender_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    monthly_income_fen: Mapped[int] = mapped_column(BigInteger)
    household_size: Mapped[int]
    business_status: Mapped[str] = mapped_column(String(16))
    main_products: Mapped[str] = mapped_column(Text, default="")
    # Sales channels, comma-separated codes (kuaishou, taobao, tmall, jd, pinduoduo, youzan, wechat, offline, other).
    channels: Mapped[str] = mapped_column(String(200), default="")
    gender: Mapped[str] = mapped_column(String(16), default="unspecified")
    birth_year: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])


class Graduation(db.Model):
    """A lead's confirmation that a learner met the cohort's rules; undoing keeps the row with a reason."""

    __tablename__ = "graduations"
    __table_args__ = (UniqueConstraint("learner_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    graduated_on: Mapped[date]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undo_reason: Mapped[str] = mapped_column(Text, default="")

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    cohort: Mapped[Cohort] = relationship()
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class SupportKind(StrEnum):
    TRAFFIC_CREDIT = "traffic_credit"
    LOAN = "loan"
    EQUIPMENT = "equipment"
    PLATFORM_INTRODUCTION = "platform_introduction"
    TRAINING = "training"


class SupportRecord(db.Model):
    """Help a graduate's business received, with its value in fen."""

    __tablename__ = "support_records"
    __table_args__ = (
        CheckConstraint("value_fen >= 0", name="value_not_negative"),
        CheckConstraint(
            "kind IN ('traffic_credit', 'loan', 'equipment', 'platform_introduction', 'training')", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    given_on: Mapped[date]
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    given_by: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])


class AuditEntry(db.Model):
    """Who changed which outcome record when, with the values before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entity: Mapped[str] = mapped_column(String(32))  # baseline, graduation, support, consent, follow-up
    entity_id: Mapped[int]
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # create, update, delete, undo
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> [old, new]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
