"""a learner's download of her data is an export like the others: data_exports rows move into export_jobs

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

PERSONAL_DATA = "personal_data"

data_exports = sa.table(
    "data_exports",
    sa.column("id", sa.Integer),
    sa.column("learner_id", sa.Integer),
    sa.column("state", sa.String),
    sa.column("media_id", sa.Integer),
    sa.column("requested_at", sa.DateTime(timezone=True)),
    sa.column("ready_at", sa.DateTime(timezone=True)),
)
export_jobs = sa.table(
    "export_jobs",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("parameters", sa.JSON),
    sa.column("filename", sa.String),
    sa.column("locale", sa.String),
    sa.column("requested_by_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("file_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("finished_at", sa.DateTime(timezone=True)),
)
media_files = sa.table(
    "media_files", sa.column("id", sa.Integer), sa.column("kind", sa.String), sa.column("uploaded_by_id", sa.Integer)
)
users = sa.table("users", sa.column("id", sa.Integer), sa.column("locale", sa.String))


def set_file_kind(connection, file_id: int, kind: str, owner_id: int | None) -> None:
    connection.execute(
        sa.update(media_files).where(media_files.c.id == file_id).values(kind=kind, uploaded_by_id=owner_id)
    )


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(data_exports, users.c.locale).join(users, users.c.id == data_exports.c.learner_id)
    ).all()
    for row in rows:
        connection.execute(
            sa.insert(export_jobs).values(
                kind=PERSONAL_DATA,
                parameters={},
                filename=f"my-data-{row.requested_at:%Y%m%d}.zip",
                locale=row.locale or "en",
                requested_by_id=row.learner_id,
                status=row.state,
                file_id=row.media_id,
                created_at=row.requested_at,
                finished_at=row.ready_at,
            )
        )
        if row.media_id is not None:
            # Export files are seen by the person who asked for them: the learner.
            set_file_kind(connection, row.media_id, "export", row.learner_id)
    op.drop_table("data_exports")


def downgrade():
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
    connection = op.get_bind()
    rows = connection.execute(sa.select(export_jobs).where(export_jobs.c.kind == PERSONAL_DATA)).all()
    for row in rows:
        connection.execute(
            sa.insert(data_exports).values(
                learner_id=row.requested_by_id,
                state=row.status if row.status in ("ready", "failed") else "waiting",
                media_id=row.file_id,
                requested_at=row.created_at,
                ready_at=row.finished_at if row.status == "ready" else None,
            )
        )
        if row.file_id is not None:
            set_file_kind(connection, row.file_id, "resource", None)
    connection.execute(sa.delete(export_jobs).where(export_jobs.c.kind == PERSONAL_DATA))
