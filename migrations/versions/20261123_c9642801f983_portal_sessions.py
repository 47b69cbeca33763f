"""portal sessions

Revision ID: c9642801f983
Revises: 95ac4a94bcfd
Create Date: 2026-11-23 16:25:37.353909
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types


revision: str = 'c9642801f983'
down_revision: str | None = '95ac4a94bcfd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('portal_login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username_hash', sa.String(length=64), nullable=False),
    sa.Column('failed_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_login_failures'))
    )
    with op.batch_alter_table('portal_login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_login_failures_username_hash_failed_at'), ['username_hash', 'failed_at'], unique=False)

    op.create_table('portal_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('person_number', sa.String(length=12), nullable=True),
    sa.Column('business_login_id', sa.Integer(), nullable=True),
    sa.Column('acting_for', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('last_seen_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('expires_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint('(person_number IS NULL) <> (business_login_id IS NULL)', name=op.f('ck_portal_sessions_one_identity')),
    sa.ForeignKeyConstraint(['acting_for'], ['customers.id'], name=op.f('fk_portal_sessions_acting_for_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['business_login_id'], ['business_logins.id'], name=op.f('fk_portal_sessions_business_login_id_business_logins'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_sessions'))
    )
    with op.batch_alter_table('portal_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_sessions_acting_for'), ['acting_for'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_sessions_business_login_id'), ['business_login_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_sessions_person_number'), ['person_number'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('portal_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_sessions_person_number'))
        batch_op.drop_index(batch_op.f('ix_portal_sessions_expires_at'))
        batch_op.drop_index(batch_op.f('ix_portal_sessions_business_login_id'))
        batch_op.drop_index(batch_op.f('ix_portal_sessions_acting_for'))
    op.drop_table('portal_sessions')
    with op.batch_alter_table('portal_login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_login_failures_username_hash_failed_at'))

    op.drop_table('portal_login_failures')
