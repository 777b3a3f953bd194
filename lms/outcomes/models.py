"""What the program changed: consent, baselines at intake, graduation, support given, and the audit log."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db
from lms.media.models import MediaFile


class ReportingConsent(db.Model):
    """Whether a learner lets the program use their figures in reports; withdrawing keeps the row."""

    __tablename__ = "reporting_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    granted: Mapped[bool]
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A decision staff recorded from paper: the photo of the signed form (goes with the row, media ownership).
    paper_form_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    paper_form: Mapped[MediaFile | None] = relationship()


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
    # Sales channels, comma-separated codes from SALES_CHANNELS.
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
    learner: Mapped[User | None] = relationship(foreign_keys=[learner_id])


SALES_CHANNELS = ("kuaishou", "douyin", "taobao", "tmall", "jd", "pinduoduo", "youzan", "wechat", "offline", "other")
QUANTITY_UNITS = ("kg", "jin", "piece", "box", "bottle")


class FollowUpSource(StrEnum):
    SELF = "self"  # the graduate filled it in
    MENTOR = "mentor"  # a mentor or lead entered it on the graduate's behalf
    IMPORT = "import"  # collected on paper or in a survey tool, imported from CSV


class FollowUpReminder(db.Model):
    """A graduate was told a follow-up wave is due: one row per wave, so two schedulers cannot both tell."""

    __tablename__ = "follow_up_reminders"
    __table_args__ = (UniqueConstraint("graduation_id", "wave_months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    graduation_id: Mapped[int] = mapped_column(ForeignKey("graduations.id", ondelete="CASCADE"))
    wave_months: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The second reminder, when the follow-up was still missing days later (a conditional UPDATE claims it).
    second_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FollowUp(db.Model):
    """What a graduate's business did in one follow-up wave. Money in fen; at most one per wave."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("graduation_id", "wave_months", name="one_per_wave"),
        CheckConstraint("wave_months >= 0", name="wave_not_negative"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        CheckConstraint("monthly_income_fen >= 0", name="income_not_negative"),
        CheckConstraint("revenue_fen >= 0", name="revenue_not_negative"),
        CheckConstraint("households_benefiting >= 0", name="households_not_negative"),
        CheckConstraint("people_employed >= 0", name="employed_not_negative"),
        CheckConstraint("livestreams >= 0", name="livestreams_not_negative"),
        CheckConstraint("source IN ('self', 'mentor', 'import')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    graduation_id: Mapped[int] = mapped_column(ForeignKey("graduations.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Months after graduation this follow-up belongs to (0 = at graduation).
    wave_months: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    monthly_income_fen: Mapped[int] = mapped_column(BigInteger)
    revenue_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # Sales channels used, comma-separated codes from SALES_CHANNELS.
    channels: Mapped[str] = mapped_column(String(200), default="")
    households_benefiting: Mapped[int] = mapped_column(default=0)
    people_employed: Mapped[int] = mapped_column(default=0)
    livestreams: Mapped[int] = mapped_column(default=0)
    shop_link: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default=FollowUpSource.SELF)
    # The person entering it confirmed a figure far from the baseline was right.
    unusual_confirmed: Mapped[bool] = mapped_column(default=False)
    # Set when a mentor checked the figures against evidence; otherwise they are self-reported.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    graduation: Mapped[Graduation] = relationship()
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    quantities: Mapped[list["FollowUpQuantity"]] = relationship(
        back_populates="follow_up", cascade="all, delete-orphan", order_by="FollowUpQuantity.id"
    )
    evidence: Mapped[list["FollowUpEvidence"]] = relationship(
        back_populates="follow_up", cascade="all, delete-orphan", order_by="FollowUpEvidence.id"
    )

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class Product(db.Model):
    """A product on a program's list: the name reports use, the spellings people type for it, its usual unit."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("program_id", "name"),
        CheckConstraint("default_unit IN ('kg', 'jin', 'piece', 'box', 'bottle')", name="default_unit_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Other names for it, one per line ("赣南脐橙", "navel orange"); matched after normalising.
    aliases: Mapped[str] = mapped_column(Text, default="")
    default_unit: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class FollowUpQuantity(db.Model):
    """One product's quantity sold in a follow-up's period: the name as typed, and the listed product it maps to."""

    __tablename__ = "follow_up_quantities"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("unit IN ('kg', 'jin', 'piece', 'box', 'bottle')", name="unit_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_ups.id", ondelete="CASCADE"), index=True)
    product: Mapped[str] = mapped_column(String(100))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    unit: Mapped[str] = mapped_column(String(16))

    follow_up: Mapped[FollowUp] = relationship(back_populates="quantities")
    listed_product: Mapped[Product | None] = relationship()


class FollowUpEvidence(db.Model):
    """A photo or screenshot backing a follow-up's figures (an order list, a shop's sales page)."""

    __tablename__ = "follow_up_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_ups.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    follow_up: Mapped[FollowUp] = relationship(back_populates="evidence")
    media: Mapped[MediaFile] = relationship()
