"""a course may be another course in another language (translation_of_id)

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("translation_of_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_courses_translation_of_id"), ["translation_of_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_courses_translation_of_id_courses"), "courses", ["translation_of_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_unique_constraint(batch.f("uq_courses_translation_of_id_language"), ["translation_of_id", "language"])
    # The starter course installed in both languages: the English one is the Chinese one's copy.
    op.execute(
        "UPDATE courses SET translation_of_id = "
        "(SELECT original.id FROM courses AS original WHERE original.slug = 'sell-farm-products-with-short-videos-zh') "
        "WHERE slug = 'sell-farm-products-with-short-videos-en'"
    )


def downgrade():
    with op.batch_alter_table("courses") as batch:
        batch.drop_constraint(batch.f("uq_courses_translation_of_id_language"), type_="unique")
        batch.drop_constraint(batch.f("fk_courses_translation_of_id_courses"), type_="foreignkey")
        batch.drop_index(batch.f("ix_courses_translation_of_id"))
        batch.drop_column("translation_of_id")
