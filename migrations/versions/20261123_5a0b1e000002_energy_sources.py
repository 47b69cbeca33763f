"""energy-source disclosure: guarantees of origin, sold volumes, exchange purchases

Revision ID: 5a0b1e000002
Revises: 5a0b1e000001
Create Date: 2026-11-23 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types


revision: str = "5a0b1e000002"
down_revision: str | None = "5a0b1e000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('supply_exchange_purchases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kwh', elkund.core.types.ScaledDecimal(3), nullable=False),
    sa.Column('renewable_pct', elkund.core.types.ScaledDecimal(4), nullable=False),
    sa.Column('nuclear_pct', elkund.core.types.ScaledDecimal(4), nullable=False),
    sa.Column('fossil_pct', elkund.core.types.ScaledDecimal(4), nullable=False),
    sa.Column('co2_g_per_kwh', elkund.core.types.ScaledDecimal(4), nullable=False),
    sa.Column('waste_mg_per_kwh', elkund.core.types.ScaledDecimal(4), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint('kwh > 0', name=op.f('ck_supply_exchange_purchases_positive_kwh')),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], name=op.f('fk_supply_exchange_purchases_supplier_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_exchange_purchases'))
    )
    with op.batch_alter_table('supply_exchange_purchases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_exchange_purchases_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('supply_origin_guarantees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('kwh', elkund.core.types.ScaledDecimal(3), nullable=False),
    sa.Column('transferred', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint('kwh > 0', name=op.f('ck_supply_origin_guarantees_positive_kwh')),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], name=op.f('fk_supply_origin_guarantees_supplier_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_origin_guarantees'))
    )
    with op.batch_alter_table('supply_origin_guarantees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_origin_guarantees_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('supply_sold_volumes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kwh', elkund.core.types.ScaledDecimal(3), nullable=False),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.CheckConstraint('kwh >= 0', name=op.f('ck_supply_sold_volumes_non_negative_kwh')),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], name=op.f('fk_supply_sold_volumes_supplier_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_sold_volumes')),
    sa.UniqueConstraint('supplier_id', 'year', name=op.f('uq_supply_sold_volumes_supplier_id_year'))
    )


def downgrade() -> None:
    op.drop_table('supply_sold_volumes')
    with op.batch_alter_table('supply_origin_guarantees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_origin_guarantees_supplier_id'))

    op.drop_table('supply_origin_guarantees')
    with op.batch_alter_table('supply_exchange_purchases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_exchange_purchases_supplier_id'))

    op.drop_table('supply_exchange_purchases')
