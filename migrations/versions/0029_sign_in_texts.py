"""sign-in codes by text message for learners: one table of texted codes with a purpose, her choice, the
program's requirement

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "texted_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.Column("sign_in_session_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('new_password', 'sign_in', 'turn_on')", name=op.f("ck_texted_codes_purpose_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_texted_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sign_in_session_id"],
            ["sign_in_sessions.id"],
            name=op.f("fk_texted_codes_sign_in_session_id_sign_in_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_texted_codes")),
        sa.UniqueConstraint("user_id", "purpose", name=op.f("uq_texted_codes_user_id_purpose")),
    )
    op.create_index(op.f("ix_texted_codes_sign_in_session_id"), "texted_codes", ["sign_in_session_id"])
    # Codes to choose a new password that are still out keep working: the same rows, with their purpose (new ids,
    # so PostgreSQL's sequence stays right).
    op.execute(
        "INSERT INTO texted_codes (user_id, purpose, code_hash, expires_at, wrong_tries, created_at)"
        " SELECT user_id, 'new_password', code_hash, expires_at, wrong_tries, created_at FROM password_reset_codes"
    )
    op.drop_table("password_reset_codes")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("sign_in_texts_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("programs") as batch:
        batch.add_column(sa.Column("sign_in_texts_required", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("programs") as batch:
        batch.drop_column("sign_in_texts_required")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("sign_in_texts_since")
    op.create_table(
        "password_reset_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_reset_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_codes")),
        sa.UniqueConstraint("user_id", name=op.f("uq_password_reset_codes_user_id")),
    )
    op.execute(
        "INSERT INTO password_reset_codes (user_id, code_hash, expires_at, wrong_tries, created_at)"
        " SELECT user_id, code_hash, expires_at, wrong_tries, created_at FROM texted_codes"
        " WHERE purpose = 'new_password'"
    )
    op.drop_index(op.f("ix_texted_codes_sign_in_session_id"), table_name="texted_codes")
    op.drop_table("texted_codes")
