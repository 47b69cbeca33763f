"""contract, assignment and aggregation notices

Revision ID: 5a0b1e000006
Revises: 5a0b1e000005
Create Date: 2026-12-05 21:06:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types

revision: str = "5a0b1e000006"
down_revision: str | None = "5a0b1e000005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = elkund.core.types.UtcTimestamp(timezone=True)


def upgrade() -> None:
    _contract_expiry_notices()
    _assignment_notices()
    _aggregation_notices()


def _contract_expiry_notices() -> None:
    table = "contract_expiry_notices"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("successor_product_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("pdf_path", sa.String(length=300), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f(f"fk_{table}_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f(f"fk_{table}_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["successor_product_id"],
            ["products.id"],
            name=op.f(f"fk_{table}_successor_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["parties.id"], name=op.f(f"fk_{table}_supplier_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(
            "contract_id", "expires_on", name=op.f(f"uq_{table}_contract_id_expires_on")
        ),
    )
    op.create_index(op.f(f"ix_{table}_supplier_id"), table, ["supplier_id"], unique=False)


def _assignment_notices() -> None:
    table = "assignment_notices"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("installation_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("grid_company_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("pdf_path", sa.String(length=300), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f(f"fk_{table}_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["grid_company_id"], ["parties.id"], name=op.f(f"fk_{table}_grid_company_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["installation_id"],
            ["installations.id"],
            name=op.f(f"fk_{table}_installation_id_installations"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["parties.id"], name=op.f(f"fk_{table}_supplier_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(
            "installation_id",
            "supplier_id",
            "start_date",
            name=op.f(f"uq_{table}_installation_id_supplier_id_start_date"),
        ),
    )
    op.create_index(op.f(f"ix_{table}_customer_id"), table, ["customer_id"], unique=False)


def _aggregation_notices() -> None:
    table = "aggregation_notices"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("aggregator_id", sa.Integer(), nullable=False),
        sa.Column("installation_ref", sa.String(length=40), nullable=False),
        sa.Column("installation_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("refusal_code", sa.String(length=60), nullable=True),
        sa.Column("refusal_detail", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('accepted', 'refused')", name=op.f(f"ck_{table}_status")),
        sa.ForeignKeyConstraint(
            ["aggregator_id"], ["parties.id"], name=op.f(f"fk_{table}_aggregator_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["installation_id"],
            ["installations.id"],
            name=op.f(f"fk_{table}_installation_id_installations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    op.create_index(
        op.f(f"ix_{table}_aggregator_id_received_at"),
        table,
        ["aggregator_id", "received_at"],
        unique=False,
    )
    op.create_index(
        op.f(f"ix_{table}_installation_id_start_date"),
        table,
        ["installation_id", "start_date"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_aggregation_notices_installation_id_start_date"), "aggregation_notices")
    op.drop_index(op.f("ix_aggregation_notices_aggregator_id_received_at"), "aggregation_notices")
    op.drop_table("aggregation_notices")
    op.drop_index(op.f("ix_assignment_notices_customer_id"), "assignment_notices")
    op.drop_table("assignment_notices")
    op.drop_index(op.f("ix_contract_expiry_notices_supplier_id"), "contract_expiry_notices")
    op.drop_table("contract_expiry_notices")
