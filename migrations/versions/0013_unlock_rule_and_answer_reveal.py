"""courses say what opens the next module (submission or acceptance); quizzes say when answers are shown

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("unlock_on", sa.String(16), nullable=False, server_default="submission"))
        batch.create_check_constraint("unlock_on_known", "unlock_on IN ('submission', 'acceptance')")
    with op.batch_alter_table("lessons") as batch:
        batch.add_column(sa.Column("show_answers", sa.String(16), nullable=False, server_default="passed"))
        batch.create_check_constraint("show_answers_known", "show_answers IN ('each', 'last', 'passed', 'never')")


def downgrade():
    with op.batch_alter_table("lessons") as batch:
        batch.drop_constraint("show_answers_known", type_="check")
        batch.drop_column("show_answers")
    with op.batch_alter_table("courses") as batch:
        batch.drop_constraint("unlock_on_known", type_="check")
        batch.drop_column("unlock_on")
