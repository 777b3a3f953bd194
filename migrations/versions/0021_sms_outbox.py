"""the text-message outbox; codes texted to choose a new password; a learner may stop text messages

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_number", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_message_id", sa.String(100), nullable=False),
        sa.Column("cost_fen", sa.Integer(), nullable=False),
        sa.Column("error_kind", sa.String(20), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.CheckConstraint("state IN ('waiting', 'held', 'sent', 'failed')", name=op.f("ck_sms_outbox_state_known")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sms_outbox_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_outbox")),
    )
    op.create_index("ix_sms_outbox_due", "sms_outbox", ["state", "next_attempt_at"])
    op.create_index("ix_sms_outbox_user_planned", "sms_outbox", ["user_id", "planned_at"])
    op.create_table(
        "password_reset_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_reset_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_codes")),
        sa.UniqueConstraint("user_id", name=op.f("uq_password_reset_codes_user_id")),
    )


    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("text_messages", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("text_messages")
    op.drop_table("password_reset_codes")
    op.drop_index("ix_sms_outbox_user_planned", table_name="sms_outbox")
    op.drop_index("ix_sms_outbox_due", table_name="sms_outbox")
    op.drop_table("sms_outbox")
