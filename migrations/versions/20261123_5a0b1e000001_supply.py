"""suppliers, products, contracts, day-ahead prices

Revision ID: 5a0b1e000001
Revises: 53338fee7e3f
Create Date: 2026-11-23 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types


revision: str = "5a0b1e000001"
down_revision: str | None = "53338fee7e3f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('day_ahead_prices',
    sa.Column('zone', sa.String(length=3), nullable=False),
    sa.Column('start', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('resolution', sa.String(length=5), nullable=False),
    sa.Column('price_ore_per_kwh', elkund.core.types.ScaledDecimal(), nullable=False),
    sa.Column('source_price', elkund.core.types.ScaledDecimal(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('sek_per_eur', elkund.core.types.ScaledDecimal(), nullable=True),
    sa.Column('imported_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint("currency IN ('EUR', 'SEK')", name=op.f('ck_day_ahead_prices_currency')),
    sa.CheckConstraint("resolution IN ('PT15M', 'PT60M')", name=op.f('ck_day_ahead_prices_resolution')),
    sa.CheckConstraint("zone IN ('SE1', 'SE2', 'SE3', 'SE4')", name=op.f('ck_day_ahead_prices_zone')),
    sa.PrimaryKeyConstraint('zone', 'start', 'resolution', name=op.f('pk_day_ahead_prices')),
    sqlite_with_rowid=False
    )
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('energy_price_ore_per_kwh', elkund.core.types.ScaledDecimal(), nullable=True),
    sa.Column('term_months', sa.Integer(), nullable=True),
    sa.Column('markup_ore_per_kwh', elkund.core.types.ScaledDecimal(), nullable=True),
    sa.Column('certificate_ore_per_kwh', elkund.core.types.ScaledDecimal(), nullable=False),
    sa.Column('monthly_fee_sek', elkund.core.types.ScaledDecimal(), nullable=False),
    sa.Column('price_resolution', sa.String(length=5), nullable=True),
    sa.Column('terms_url', sa.String(length=300), nullable=False),
    sa.Column('termination_text', sa.Text(), nullable=False),
    sa.Column('termination_free', sa.Boolean(), nullable=False),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('fixed', 'variable', 'dynamic', 'default')", name=op.f('ck_products_kind')),
    sa.CheckConstraint("price_resolution IS NULL OR price_resolution IN ('PT15M', 'PT60M')", name=op.f('ck_products_price_resolution')),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], name=op.f('fk_products_supplier_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('supplier_id', 'code', name=op.f('uq_products_supplier_id_code'))
    )
    op.create_table('supplier_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('vat_number', sa.String(length=14), nullable=False),
    sa.Column('f_skatt', sa.Boolean(), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('postal_code', sa.String(length=5), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('customer_service_phone', sa.String(length=40), nullable=False),
    sa.Column('customer_service_email', sa.String(length=200), nullable=False),
    sa.Column('bankgiro', sa.String(length=9), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('payment_terms_days', sa.Integer(), nullable=False),
    sa.Column('termination_url', sa.String(length=300), nullable=True),
    sa.Column('switching_url', sa.String(length=300), nullable=True),
    sa.Column('price_comparison_url', sa.String(length=300), nullable=True),
    sa.Column('other_services_url', sa.String(length=300), nullable=True),
    sa.Column('compensation_url', sa.String(length=300), nullable=True),
    sa.Column('complaints_url', sa.String(length=300), nullable=True),
    sa.Column('consumer_rights_url', sa.String(length=300), nullable=True),
    sa.Column('dispute_resolution_url', sa.String(length=300), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_supplier_profiles_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_profiles')),
    sa.UniqueConstraint('party_id', name=op.f('uq_supplier_profiles_party_id'))
    )
    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('billing_interval_months', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'refused', 'ended')", name=op.f('ck_contracts_status')),
    sa.CheckConstraint('billing_interval_months BETWEEN 1 AND 12', name=op.f('ck_contracts_billing_interval')),
    sa.CheckConstraint('end_date IS NULL OR end_date > start_date', name=op.f('ck_contracts_period')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contracts_customer_id_customers')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_contracts_installation_id_installations')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_contracts_product_id_products')),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], name=op.f('fk_contracts_supplier_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_installation_id_start_date'), ['installation_id', 'start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_supplier_id_status'), ['supplier_id', 'status'], unique=False)

    op.create_table('supply_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('installation_ref', sa.String(length=40), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('sent_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('refusal_code', sa.String(length=60), nullable=True),
    sa.Column('refusal_detail', sa.Text(), nullable=True),
    sa.Column('supply_period_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('start', 'end')", name=op.f('ck_supply_notices_kind')),
    sa.CheckConstraint("status IN ('accepted', 'refused')", name=op.f('ck_supply_notices_status')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_supply_notices_contract_id_contracts')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_supply_notices_customer_id_customers')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_supply_notices_installation_id_installations')),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], name=op.f('fk_supply_notices_supplier_id_parties')),
    sa.ForeignKeyConstraint(['supply_period_id'], ['supply_periods.id'], name=op.f('fk_supply_notices_supply_period_id_supply_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_notices'))
    )
    with op.batch_alter_table('supply_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_notices_installation_id_start_date'), ['installation_id', 'start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_notices_supplier_id_sent_at'), ['supplier_id', 'sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('supply_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_notices_supplier_id_sent_at'))
        batch_op.drop_index(batch_op.f('ix_supply_notices_installation_id_start_date'))

    op.drop_table('supply_notices')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_supplier_id_status'))
        batch_op.drop_index(batch_op.f('ix_contracts_installation_id_start_date'))
        batch_op.drop_index(batch_op.f('ix_contracts_customer_id'))

    op.drop_table('contracts')
    op.drop_table('supplier_profiles')
    op.drop_table('products')
    op.drop_table('day_ahead_prices')
