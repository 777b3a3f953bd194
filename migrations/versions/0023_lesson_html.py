"""lessons keep their text and transcript rendered and sanitised, made when they are saved

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

from lms.courses.markdown import render_markdown


revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lessons") as batch:
        batch.add_column(sa.Column("body_html", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("transcript_html", sa.Text(), nullable=False, server_default=""))
    lessons = sa.table(
        "lessons",
        sa.column("id", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("transcript", sa.Text),
        sa.column("body_html", sa.Text),
        sa.column("transcript_html", sa.Text),
    )
    connection = op.get_bind()
    # A lesson at a time: the existing lessons rendered once, as saving them would.
    for lesson_id, body, transcript in connection.execute(
        sa.select(lessons.c.id, lessons.c.body, lessons.c.transcript)
    ).all():
        connection.execute(
            lessons.update()
            .where(lessons.c.id == lesson_id)
            .values(body_html=str(render_markdown(body)), transcript_html=str(render_markdown(transcript)))
        )


def downgrade():
    with op.batch_alter_table("lessons") as batch:
        batch.drop_column("transcript_html")
        batch.drop_column("body_html")
