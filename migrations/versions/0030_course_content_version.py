"""a course's content version, new at every change to its content: the key of the outline each process keeps

Revision ID: 0030
Revises: 0029
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("content_version", sa.String(length=16), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("content_version")
