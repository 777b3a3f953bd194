"""follow-ups: records per wave, quantities sold, evidence; program follow-up schedule

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 11:10:10.299276

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("graduation_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("wave_months", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("monthly_income_fen", sa.BigInteger(), nullable=False),
        sa.Column("revenue_fen", sa.BigInteger(), nullable=False),
        sa.Column("channels", sa.String(length=200), nullable=False),
        sa.Column("households_benefiting", sa.Integer(), nullable=False),
        sa.Column("people_employed", sa.Integer(), nullable=False),
        sa.Column("livestreams", sa.Integer(), nullable=False),
        sa.Column("shop_link", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("unusual_confirmed", sa.Boolean(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('self', 'mentor', 'import')", name=op.f("ck_follow_ups_source_known")),
        sa.CheckConstraint("households_benefiting >= 0", name=op.f("ck_follow_ups_households_not_negative")),
        sa.CheckConstraint("livestreams >= 0", name=op.f("ck_follow_ups_livestreams_not_negative")),
        sa.CheckConstraint("monthly_income_fen >= 0", name=op.f("ck_follow_ups_income_not_negative")),
        sa.CheckConstraint("people_employed >= 0", name=op.f("ck_follow_ups_employed_not_negative")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_follow_ups_period_ordered")),
        sa.CheckConstraint("revenue_fen >= 0", name=op.f("ck_follow_ups_revenue_not_negative")),
        sa.CheckConstraint("wave_months >= 0", name=op.f("ck_follow_ups_wave_not_negative")),
        sa.ForeignKeyConstraint(
            ["graduation_id"],
            ["graduations.id"],
            name=op.f("fk_follow_ups_graduation_id_graduations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["users.id"], name=op.f("fk_follow_ups_learner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_follow_ups_recorded_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["users.id"], name=op.f("fk_follow_ups_verified_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("graduation_id", "wave_months", name="one_per_wave"),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_graduation_id"), ["graduation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "follow_up_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_ups.id"],
            name=op.f("fk_follow_up_evidence_follow_up_id_follow_ups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["media_files.id"],
            name=op.f("fk_follow_up_evidence_media_id_media_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_evidence")),
    )
    with op.batch_alter_table("follow_up_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_evidence_follow_up_id"), ["follow_up_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_evidence_media_id"), ["media_id"], unique=False)

    op.create_table(
        "follow_up_quantities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "unit IN ('kg', 'jin', 'piece', 'box', 'bottle')", name=op.f("ck_follow_up_quantities_unit_known")
        ),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_follow_up_quantities_quantity_not_negative")),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_ups.id"],
            name=op.f("fk_follow_up_quantities_follow_up_id_follow_ups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_quantities")),
    )
    with op.batch_alter_table("follow_up_quantities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_quantities_follow_up_id"), ["follow_up_id"], unique=False)

    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("follow_up_months", sa.String(length=50), server_default="0,3,6,12", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_column("follow_up_months")

    with op.batch_alter_table("follow_up_quantities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_quantities_follow_up_id"))

    op.drop_table("follow_up_quantities")
    with op.batch_alter_table("follow_up_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_evidence_media_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_evidence_follow_up_id"))

    op.drop_table("follow_up_evidence")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_learner_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_graduation_id"))

    op.drop_table("follow_ups")
