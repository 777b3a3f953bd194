"""what a provider's registered template of each kind of text message is filled with, and its language;
a program's month of text messages found by its indexes

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sms_outbox") as batch:
        # Messages queued before hold only their text: a template provider refuses them, the others send it.
        batch.add_column(sa.Column("language", sa.String(length=10), nullable=False, server_default=""))
        batch.add_column(sa.Column("params", sa.JSON(), nullable=False, server_default="{}"))
        batch.create_index(op.f("ix_sms_outbox_program_sent"), ["program_id", "sent_at"])
        batch.create_index(op.f("ix_sms_outbox_program_created"), ["program_id", "created_at"])


def downgrade():
    with op.batch_alter_table("sms_outbox") as batch:
        batch.drop_index(op.f("ix_sms_outbox_program_created"))
        batch.drop_index(op.f("ix_sms_outbox_program_sent"))
        batch.drop_column("params")
        batch.drop_column("language")
