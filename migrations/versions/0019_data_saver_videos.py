"""a data saver for lesson videos: a 240p version and the sound alone beside the 360p one, stored files of the
kind "audio", and the version a learner wants to play first

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

KINDS = "'video', 'rendition', 'poster', 'captions', 'image', 'resource', 'export'"
NEW_KINDS = "'video', 'rendition', 'audio', 'poster', 'captions', 'image', 'resource', 'export'"


def upgrade():
    with op.batch_alter_table("media_files") as batch:
        batch.drop_constraint(op.f("ck_media_files_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_media_files_kind_known"), f"kind IN ({NEW_KINDS})")
    with op.batch_alter_table("lessons") as batch:
        batch.add_column(sa.Column("rendition_small_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("audio_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_lessons_rendition_small_id_media_files"),
            "media_files",
            ["rendition_small_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            op.f("fk_lessons_audio_id_media_files"), "media_files", ["audio_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("video_choice", sa.String(8), nullable=True))
        batch.create_check_constraint(
            op.f("ck_users_video_choice_known"), "video_choice IN ('audio', 'small', 'normal')"
        )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_video_choice_known"), type_="check")
        batch.drop_column("video_choice")
    with op.batch_alter_table("lessons") as batch:
        batch.drop_constraint(op.f("fk_lessons_audio_id_media_files"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_lessons_rendition_small_id_media_files"), type_="foreignkey")
        batch.drop_column("audio_id")
        batch.drop_column("rendition_small_id")
    # The old check knows no audio files, and no lesson names them any more.
    op.execute("DELETE FROM media_files WHERE kind = 'audio'")
    with op.batch_alter_table("media_files") as batch:
        batch.drop_constraint(op.f("ck_media_files_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_media_files_kind_known"), f"kind IN ({KINDS})")
