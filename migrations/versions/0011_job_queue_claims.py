"""job queue: a lesson video's conversion claim; one follow-up reminder per wave

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 03:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("video_claim", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("video_claimed_until", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "follow_up_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("graduation_id", sa.Integer(), nullable=False),
        sa.Column("wave_months", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["graduation_id"],
            ["graduations.id"],
            name=op.f("fk_follow_up_reminders_graduation_id_graduations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_reminders")),
        sa.UniqueConstraint("graduation_id", "wave_months", name=op.f("uq_follow_up_reminders_graduation_id_wave_months")),
    )
    # Reminders sent before this table existed are known by their notifications.
    notifications = sa.table(
        "notifications",
        sa.column("kind", sa.String),
        sa.column("params", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    graduations = sa.table("graduations", sa.column("id"))
    graduation = notifications.c.params["graduation"].as_integer()
    months = notifications.c.params["months"].as_integer()
    sent = (
        sa.select(graduation, months, sa.func.min(notifications.c.created_at))
        .join(graduations, graduations.c.id == graduation)
        .where(notifications.c.kind == "follow_up_due", months.is_not(None))
        .group_by(graduation, months)
    )
    reminders = sa.table(
        "follow_up_reminders", sa.column("graduation_id"), sa.column("wave_months"), sa.column("sent_at")
    )
    op.execute(reminders.insert().from_select(["graduation_id", "wave_months", "sent_at"], sent))


def downgrade():
    op.drop_table("follow_up_reminders")
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_column("video_claimed_until")
        batch_op.drop_column("video_claim")
