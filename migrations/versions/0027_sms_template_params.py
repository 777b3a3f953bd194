"""what a provider's registered template of each kind of text message is filled with, and its language

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sms_outbox") as batch:
        # Messages queued before hold only their text: a template provider refuses them, the others send it.
        batch.add_column(sa.Column("language", sa.String(length=10), nullable=False, server_default=""))
        batch.add_column(sa.Column("params", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    with op.batch_alter_table("sms_outbox") as batch:
        batch.drop_column("params")
        batch.drop_column("language")
