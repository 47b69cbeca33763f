"""foundation schema

Revision ID: 9d89b127ec7e
Revises: 
Create Date: 2026-11-23 15:01:55.906532
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types


revision: str = '9d89b127ec7e'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('identity_number', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('identity_number', name=op.f('uq_customers_identity_number'))
    )
    op.create_table('grid_tariffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('fixed_fee_sek_per_year', elkund.core.types.ScaledDecimal(), nullable=False),
    sa.Column('transfer_fee_ore_per_kwh', elkund.core.types.ScaledDecimal(), nullable=False),
    sa.Column('power_fee_sek_per_kw_month', elkund.core.types.ScaledDecimal(), nullable=True),
    sa.Column('terms_url', sa.String(length=300), nullable=False),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid_tariffs')),
    sa.UniqueConstraint('code', name=op.f('uq_grid_tariffs_code'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('run_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_by', sa.String(length=100), nullable=True),
    sa.Column('locked_until', elkund.core.types.UtcTimestamp(timezone=True), nullable=True),
    sa.Column('done_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=True),
    sa.Column('failed_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_done_at_failed_at_run_at'), ['done_at', 'failed_at', 'run_at'], unique=False)

    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('org_number', sa.String(length=12), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('website', sa.String(length=200), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('role', 'org_number', name=op.f('uq_parties_role_org_number'))
    )
    op.create_table('business_logins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_business_logins_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_logins')),
    sa.UniqueConstraint('username', name=op.f('uq_business_logins_username'))
    )
    op.create_table('installations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gsrn', sa.String(length=18), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('postal_code', sa.String(length=5), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('grid_area', sa.String(length=10), nullable=False),
    sa.Column('bidding_zone', sa.String(length=3), nullable=False),
    sa.Column('remote_read', sa.Boolean(), nullable=False),
    sa.Column('resolution', sa.String(length=5), nullable=False),
    sa.Column('fuse_amperes', sa.Integer(), nullable=False),
    sa.Column('tariff_id', sa.Integer(), nullable=False),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint("bidding_zone IN ('SE1', 'SE2', 'SE3', 'SE4')", name=op.f('ck_installations_bidding_zone')),
    sa.CheckConstraint("resolution IN ('PT15M', 'PT1H')", name=op.f('ck_installations_resolution')),
    sa.CheckConstraint('fuse_amperes > 0', name=op.f('ck_installations_fuse_amperes')),
    sa.ForeignKeyConstraint(['tariff_id'], ['grid_tariffs.id'], name=op.f('fk_installations_tariff_id_grid_tariffs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installations')),
    sa.UniqueConstraint('gsrn', name=op.f('uq_installations_gsrn'))
    )
    op.create_table('installation_holders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('move_in', sa.Date(), nullable=False),
    sa.Column('move_out', sa.Date(), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint('move_out IS NULL OR move_out > move_in', name=op.f('ck_installation_holders_period')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_installation_holders_customer_id_customers')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_installation_holders_installation_id_installations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation_holders'))
    )
    with op.batch_alter_table('installation_holders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_installation_holders_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_installation_holders_installation_id_move_in'), ['installation_id', 'move_in'], unique=False)

    op.create_table('meter_value_days',
    sa.Column('installation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('wh', sa.BigInteger(), nullable=False),
    sa.Column('minutes_present', sa.Integer(), nullable=False),
    sa.Column('estimated_count', sa.Integer(), nullable=False),
    sa.Column('missing_count', sa.Integer(), nullable=False),
    sa.Column('changed_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_meter_value_days_installation_id_installations')),
    sa.PrimaryKeyConstraint('installation_id', 'local_date', name=op.f('pk_meter_value_days')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('meter_value_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meter_value_days_changed_at'), ['changed_at'], unique=False)

    op.create_table('meter_value_revisions',
    sa.Column('installation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('start', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('version', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('resolution', sa.SmallInteger(), nullable=False),
    sa.Column('wh', sa.Integer(), nullable=False),
    sa.Column('quality', sa.SmallInteger(), nullable=False),
    sa.Column('superseded_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_meter_value_revisions_installation_id_installations')),
    sa.PrimaryKeyConstraint('installation_id', 'start', 'version', name=op.f('pk_meter_value_revisions')),
    sqlite_with_rowid=False
    )
    op.create_table('meter_values',
    sa.Column('installation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('start', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('resolution', sa.SmallInteger(), nullable=False),
    sa.Column('wh', sa.Integer(), nullable=False),
    sa.Column('quality', sa.SmallInteger(), nullable=False),
    sa.Column('version', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_meter_values_installation_id_installations')),
    sa.PrimaryKeyConstraint('installation_id', 'start', name=op.f('pk_meter_values')),
    sqlite_with_rowid=False
    )
    op.create_table('supply_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date > start_date', name=op.f('ck_supply_periods_period')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_supply_periods_installation_id_installations')),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], name=op.f('fk_supply_periods_supplier_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_periods'))
    )
    with op.batch_alter_table('supply_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_periods_installation_id_start_date'), ['installation_id', 'start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_periods_supplier_id'), ['supplier_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('supply_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_periods_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_supply_periods_installation_id_start_date'))

    op.drop_table('supply_periods')
    op.drop_table('meter_values')
    op.drop_table('meter_value_revisions')
    with op.batch_alter_table('meter_value_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meter_value_days_changed_at'))

    op.drop_table('meter_value_days')
    with op.batch_alter_table('installation_holders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_installation_holders_installation_id_move_in'))
        batch_op.drop_index(batch_op.f('ix_installation_holders_customer_id'))

    op.drop_table('installation_holders')
    op.drop_table('installations')
    op.drop_table('business_logins')
    op.drop_table('parties')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_done_at_failed_at_run_at'))

    op.drop_table('jobs')
    op.drop_table('grid_tariffs')
    op.drop_table('customers')
