"""a monthly cap on a program's text messages, the program each message is paid by, one warning a month;
messages delivered (a provider's receipt), found by the provider's id

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("programs") as batch:
        batch.add_column(sa.Column("sms_cap_fen", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("sms_outbox") as batch:
        batch.add_column(sa.Column("program_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_sms_outbox_program_id_programs"), "programs", ["program_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(op.f("ix_sms_outbox_program_id"), ["program_id"])
        batch.create_index(op.f("ix_sms_outbox_provider_message_id"), ["provider_message_id"])
        batch.drop_constraint(op.f("ck_sms_outbox_state_known"), type_="check")
        batch.create_check_constraint(
            op.f("ck_sms_outbox_state_known"), "state IN ('waiting', 'held', 'sent', 'delivered', 'failed')"
        )
    op.create_table(
        "sms_cap_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_sms_cap_warnings_program_id_programs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_cap_warnings")),
        sa.UniqueConstraint("program_id", "month", name=op.f("uq_sms_cap_warnings_program_id_month")),
    )


def downgrade():
    op.drop_table("sms_cap_warnings")
    with op.batch_alter_table("sms_outbox") as batch:
        batch.drop_constraint(op.f("ck_sms_outbox_state_known"), type_="check")
        batch.create_check_constraint(op.f("ck_sms_outbox_state_known"), "state IN ('waiting', 'held', 'sent', 'failed')")
        batch.drop_index(op.f("ix_sms_outbox_provider_message_id"))
        batch.drop_index(op.f("ix_sms_outbox_program_id"))
        batch.drop_constraint(op.f("fk_sms_outbox_program_id_programs"), type_="foreignkey")
        batch.drop_column("program_id")
    with op.batch_alter_table("programs") as batch:
        batch.drop_column("sms_cap_fen")
