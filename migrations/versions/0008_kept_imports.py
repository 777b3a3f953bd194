"""kept imports: previewed import files and issued setup codes, in the database for every app node

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:40:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kept_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('file', 'codes')", name=op.f("ck_kept_imports_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_imports")),
        sa.UniqueConstraint("token", "kind", name=op.f("uq_kept_imports_token_kind")),
    )
    with op.batch_alter_table("kept_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_imports_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("kept_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_imports_created_at"))
    op.drop_table("kept_imports")
