"""a learner's data exports and deletion requests; each program's retention of evidence photos; the browser of a
sign-in session; the paper form of a consent staff recorded

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('waiting', 'ready', 'failed')", name=op.f("ck_data_exports_state_known")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["users.id"], name=op.f("fk_data_exports_learner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media_files.id"], name=op.f("fk_data_exports_media_id_media_files"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
    )
    op.create_index(op.f("ix_data_exports_learner_id"), "data_exports", ["learner_id"])
    op.create_table(
        "deletion_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "state IN ('requested', 'withdrawn', 'refused', 'anonymised')",
            name=op.f("ck_deletion_requests_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["users.id"], name=op.f("fk_deletion_requests_learner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_deletion_requests_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deletion_requests")),
    )
    op.create_index(op.f("ix_deletion_requests_learner_id"), "deletion_requests", ["learner_id"])
    op.create_index(op.f("ix_deletion_requests_state"), "deletion_requests", ["state"])
    with op.batch_alter_table("reporting_consents") as batch:
        batch.add_column(sa.Column("paper_form_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_reporting_consents_paper_form_id_media_files"),
            "media_files",
            ["paper_form_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("sign_in_sessions") as batch:
        batch.add_column(sa.Column("user_agent", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("programs") as batch:
        batch.add_column(sa.Column("evidence_retention_months", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("retention_ran_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("programs") as batch:
        batch.drop_column("retention_ran_on")
        batch.drop_column("evidence_retention_months")
    with op.batch_alter_table("sign_in_sessions") as batch:
        batch.drop_column("user_agent")
    with op.batch_alter_table("reporting_consents") as batch:
        batch.drop_constraint("fk_reporting_consents_paper_form_id_media_files", type_="foreignkey")
        batch.drop_column("paper_form_id")
    op.drop_table("deletion_requests")
    op.drop_table("data_exports")
