"""the id a phone gives an action made offline: completions, quiz attempts and hand-ins, each at most once

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 04:40:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("completions", "quiz_attempts", "submission_versions")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("client_id", sa.String(length=36), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_client_id"), ["client_id"])


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_client_id"), type_="unique")
            batch_op.drop_column("client_id")
