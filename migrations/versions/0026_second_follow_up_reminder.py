"""a second reminder of a follow-up still missing days after its wave was told

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("follow_up_reminders") as batch:
        batch.add_column(sa.Column("second_sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("follow_up_reminders") as batch:
        batch.drop_column("second_sent_at")
