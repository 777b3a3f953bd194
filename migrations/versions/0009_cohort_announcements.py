"""cohort announcements: posted to one or more cohorts, with each learner's read state

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 03:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_announcements_author_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcements_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_announcements_created_at"), ["created_at"], unique=False)

    op.create_table(
        "announcement_cohorts",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_cohorts_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_announcement_cohorts_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("announcement_id", "cohort_id", name=op.f("pk_announcement_cohorts")),
    )
    with op.batch_alter_table("announcement_cohorts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcement_cohorts_cohort_id"), ["cohort_id"], unique=False)

    op.create_table(
        "announcement_reads",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_reads_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["users.id"], name=op.f("fk_announcement_reads_learner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("announcement_id", "learner_id", name=op.f("pk_announcement_reads")),
    )
    with op.batch_alter_table("announcement_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcement_reads_learner_id"), ["learner_id"], unique=False)


def downgrade():
    with op.batch_alter_table("announcement_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_reads_learner_id"))
    op.drop_table("announcement_reads")
    with op.batch_alter_table("announcement_cohorts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_cohorts_cohort_id"))
    op.drop_table("announcement_cohorts")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcements_created_at"))
        batch_op.drop_index(batch_op.f("ix_announcements_author_id"))
    op.drop_table("announcements")
