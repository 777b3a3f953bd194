"""outcomes: consent, baselines, graduations, support, audit

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 10:13:46.975509

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_audit_entries_learner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_learner_id'), ['learner_id'], unique=False)

    op.create_table('baselines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('monthly_income_fen', sa.BigInteger(), nullable=False),
    sa.Column('household_size', sa.Integer(), nullable=False),
    sa.Column('business_status', sa.String(length=16), nullable=False),
    sa.Column('main_products', sa.Text(), nullable=False),
    sa.Column('channels', sa.String(length=200), nullable=False),
    sa.Column('gender', sa.String(length=16), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("business_status IN ('none', 'idea', 'offline', 'online')", name=op.f('ck_baselines_business_status_known')),
    sa.CheckConstraint("gender IN ('female', 'male', 'other', 'unspecified')", name=op.f('ck_baselines_gender_known')),
    sa.CheckConstraint('household_size > 0', name=op.f('ck_baselines_household_positive')),
    sa.CheckConstraint('monthly_income_fen >= 0', name=op.f('ck_baselines_income_not_negative')),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_baselines_learner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_baselines_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_baselines')),
    sa.UniqueConstraint('learner_id', name=op.f('uq_baselines_learner_id'))
    )
    op.create_table('reporting_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_reporting_consents_learner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_reporting_consents_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_consents')),
    sa.UniqueConstraint('learner_id', name=op.f('uq_reporting_consents_learner_id'))
    )
    op.create_table('support_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('given_by', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('traffic_credit', 'loan', 'equipment', 'platform_introduction', 'training')", name=op.f('ck_support_records_kind_known')),
    sa.CheckConstraint('value_fen >= 0', name=op.f('ck_support_records_value_not_negative')),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_support_records_learner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_support_records_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_records'))
    )
    with op.batch_alter_table('support_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_records_learner_id'), ['learner_id'], unique=False)

    op.create_table('graduations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('graduated_on', sa.Date(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undo_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_graduations_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_graduations_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_graduations_learner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_graduations_undone_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_graduations')),
    sa.UniqueConstraint('learner_id', 'cohort_id', name=op.f('uq_graduations_learner_id_cohort_id'))
    )
    with op.batch_alter_table('graduations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graduations_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_graduations_learner_id'), ['learner_id'], unique=False)



def downgrade():
    with op.batch_alter_table('graduations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graduations_learner_id'))
        batch_op.drop_index(batch_op.f('ix_graduations_cohort_id'))

    op.drop_table('graduations')
    with op.batch_alter_table('support_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_records_learner_id'))

    op.drop_table('support_records')
    op.drop_table('reporting_consents')
    op.drop_table('baselines')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_learner_id'))
        batch_op.drop_index('ix_audit_entries_entity')

    op.drop_table('audit_entries')
