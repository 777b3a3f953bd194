"""courses and lessons keep when they were first published

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("courses", "lessons"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("first_published_at", sa.DateTime(timezone=True), nullable=True))
        # Published rows were published after they were made: the earliest a learner may have seen them.
        op.execute(f"UPDATE {table} SET first_published_at = created_at WHERE published")  # noqa: S608


def downgrade():
    for table in ("lessons", "courses"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("first_published_at")
