"""imports run on the job queue: a confirmed file waits for its job, then what the import gave or why it refused

Revision ID: 0022
Revises: 0021
"""

import json

import sqlalchemy as sa
from alembic import op


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

kept = sa.table("kept_imports", sa.column("id", sa.Integer), sa.column("kind", sa.String), sa.column("content"))


# Rows change kind while no check on the kind stands in the way.
def drop_kind_check() -> None:
    with op.batch_alter_table("kept_imports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_kept_imports_kind_known"), type_="check")


def add_kind_check(condition: str) -> None:
    with op.batch_alter_table("kept_imports", schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f("ck_kept_imports_kind_known"), condition)


def upgrade():
    with op.batch_alter_table("kept_imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job", sa.Text(), server_default="", nullable=False))
    drop_kind_check()
    connection = op.get_bind()
    # The setup codes of an import become what it gave: its count and its codes.
    for row_id, content in connection.execute(sa.select(kept.c.id, kept.c.content).where(kept.c.kind == "codes")):
        codes = json.loads(content)
        result = json.dumps({"count": len(codes), "codes": codes}, ensure_ascii=False).encode()
        connection.execute(sa.update(kept).where(kept.c.id == row_id).values(kind="done", content=result))
    add_kind_check("kind IN ('file', 'queued', 'done', 'refused')")


def downgrade():
    drop_kind_check()
    connection = op.get_bind()
    # Imports still waiting are lost: the older code runs them in the request.
    connection.execute(sa.delete(kept).where(kept.c.kind.in_(["queued", "refused"])))
    for row_id, content in connection.execute(sa.select(kept.c.id, kept.c.content).where(kept.c.kind == "done")):
        codes = json.loads(content).get("codes", [])
        result = json.dumps(codes, ensure_ascii=False).encode()
        connection.execute(sa.update(kept).where(kept.c.id == row_id).values(kind="codes", content=result))
    add_kind_check("kind IN ('file', 'codes')")
    with op.batch_alter_table("kept_imports", schema=None) as batch_op:
        batch_op.drop_column("job")
