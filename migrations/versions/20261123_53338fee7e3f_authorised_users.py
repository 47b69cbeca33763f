"""authorised users

Revision ID: 53338fee7e3f
Revises: c9642801f983
Create Date: 2026-11-23 16:31:34.555720
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types


revision: str = '53338fee7e3f'
down_revision: str | None = 'c9642801f983'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('authorised_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('person_number', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('created_by_login_id', sa.Integer(), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['customers.id'], name=op.f('fk_authorised_users_company_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_login_id'], ['business_logins.id'], name=op.f('fk_authorised_users_created_by_login_id_business_logins'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorised_users')),
    sa.UniqueConstraint('company_id', 'person_number', name=op.f('uq_authorised_users_company_id_person_number'))
    )
    with op.batch_alter_table('authorised_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorised_users_person_number'), ['person_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('authorised_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorised_users_person_number'))

    op.drop_table('authorised_users')
