"""who leads which program

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "program_leads",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_program_leads_program_id_programs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["users.id"], name=op.f("fk_program_leads_lead_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("program_id", "lead_id", name=op.f("pk_program_leads")),
    )
    op.create_index(op.f("ix_program_leads_lead_id"), "program_leads", ["lead_id"])
    # Every lead of an existing installation led every program: keep it so until an admin narrows it.
    op.execute(
        "INSERT INTO program_leads (program_id, lead_id) "
        "SELECT programs.id, users.id FROM programs CROSS JOIN users WHERE users.role = 'lead'"
    )


def downgrade():
    op.drop_index(op.f("ix_program_leads_lead_id"), table_name="program_leads")
    op.drop_table("program_leads")
