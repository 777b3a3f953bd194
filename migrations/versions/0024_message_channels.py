"""a channel per kind of message; numbers that stopped text messages (a reply word or the settings page)

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "message_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.CheckConstraint("channel IN ('sms', 'email', 'app')", name=op.f("ck_message_channels_channel_known")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_message_channels_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_channels")),
        sa.UniqueConstraint("user_id", "topic", name=op.f("uq_message_channels_user_id_topic")),
    )
    sms_stops = op.create_table(
        "sms_stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("word", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('reply', 'settings')", name=op.f("ck_sms_stops_source_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_stops")),
        sa.UniqueConstraint("phone", name=op.f("uq_sms_stops_phone")),
    )
    # Who switched text messages off keeps them off, now as her number's stop.
    users = sa.table("users", sa.column("phone", sa.String), sa.column("text_messages", sa.Boolean))
    op.execute(
        sms_stops.insert().from_select(
            ["phone", "source", "word", "created_at"],
            sa.select(users.c.phone, sa.literal("settings"), sa.literal(""), sa.func.current_timestamp()).where(
                users.c.text_messages.is_(sa.false()), users.c.phone.is_not(None)
            ),
        )
    )
    with op.batch_alter_table("users") as batch:
        batch.drop_column("text_messages")


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("text_messages", sa.Boolean(), nullable=False, server_default=sa.true()))
    users = sa.table("users", sa.column("phone", sa.String), sa.column("text_messages", sa.Boolean))
    stops = sa.table("sms_stops", sa.column("phone", sa.String))
    op.execute(users.update().where(users.c.phone.in_(sa.select(stops.c.phone))).values(text_messages=False))
    op.drop_table("sms_stops")
    op.drop_table("message_channels")
