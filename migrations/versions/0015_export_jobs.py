"""large exports built by a queue job: export_jobs, and stored files of the kind "export"

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

KINDS = "'video', 'rendition', 'poster', 'captions', 'image', 'resource'"


def upgrade():
    with op.batch_alter_table("media_files") as batch:
        batch.drop_constraint(op.f("ck_media_files_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_media_files_kind_known"), f"kind IN ({KINDS}, 'export')")
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'running', 'ready', 'failed')", name=op.f("ck_export_jobs_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["media_files.id"], name=op.f("fk_export_jobs_file_id_media_files"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_export_jobs_requested_by_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
    )
    with op.batch_alter_table("export_jobs") as batch:
        batch.create_index(batch.f("ix_export_jobs_created_at"), ["created_at"], unique=False)
        batch.create_index(batch.f("ix_export_jobs_requested_by_id"), ["requested_by_id"], unique=False)


def downgrade():
    op.drop_table("export_jobs")
    op.execute("DELETE FROM media_files WHERE kind = 'export'")
    with op.batch_alter_table("media_files") as batch:
        batch.drop_constraint(op.f("ck_media_files_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_media_files_kind_known"), f"kind IN ({KINDS})")
