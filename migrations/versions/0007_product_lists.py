"""product lists: each program's products with aliases and a usual unit; quantities sold map to them

The products already typed in follow-ups become each program's first list: one product per name as typed (trimmed,
any letter case, full-width folded), named by its most used spelling, with the other spellings as aliases and its
most used unit as the usual one; every quantity row whose name matches is mapped to it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 03:00:00

"""

import unicodedata
from collections import Counter, defaultdict
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def normalised(text):
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def upgrade():
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("default_unit", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "default_unit IN ('kg', 'jin', 'piece', 'box', 'bottle')", name=op.f("ck_products_default_unit_known")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_products_program_id_programs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("program_id", "name", name=op.f("uq_products_program_id_name")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_products_program_id"), ["program_id"], unique=False)

    with op.batch_alter_table("follow_up_quantities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("product_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_follow_up_quantities_product_id"), ["product_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_follow_up_quantities_product_id_products"),
            "products",
            ["product_id"],
            ["id"],
            ondelete="SET NULL",
        )
    map_typed_products()


def map_typed_products():
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT q.id, q.product, q.unit, c.program_id FROM follow_up_quantities q"
            " JOIN follow_ups f ON f.id = q.follow_up_id JOIN graduations g ON g.id = f.graduation_id"
            " JOIN cohorts c ON c.id = g.cohort_id"
        )
    ).all()
    groups = defaultdict(list)
    for row_id, product, unit, program_id in rows:
        key = normalised(product)
        if key:
            groups[(program_id, key)].append((row_id, product.strip(), unit))
    now = datetime.now(UTC)
    for (program_id, _key), members in sorted(groups.items()):
        spellings = Counter(spelling for _id, spelling, _unit in members)
        name = spellings.most_common(1)[0][0]
        aliases = "\n".join(sorted(set(spellings) - {name}))
        unit = Counter(unit for _id, _spelling, unit in members).most_common(1)[0][0]
        product_id = connection.execute(
            sa.text(
                "INSERT INTO products (program_id, name, aliases, default_unit, created_at)"
                " VALUES (:program_id, :name, :aliases, :unit, :now) RETURNING id"
            ),
            {"program_id": program_id, "name": name, "aliases": aliases, "unit": unit, "now": now},
        ).scalar_one()
        connection.execute(
            sa.text("UPDATE follow_up_quantities SET product_id = :product_id WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"product_id": product_id, "ids": [row_id for row_id, _spelling, _unit in members]},
        )


def downgrade():
    with op.batch_alter_table("follow_up_quantities", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_follow_up_quantities_product_id_products"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_follow_up_quantities_product_id"))
        batch_op.drop_column("product_id")

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_program_id"))

    op.drop_table("products")
