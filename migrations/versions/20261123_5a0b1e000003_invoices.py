"""invoices and invoice number series

Revision ID: 5a0b1e000003
Revises: 5a0b1e000002
Create Date: 2026-11-23 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types

revision: str = "5a0b1e000003"
down_revision: str | None = "5a0b1e000002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = elkund.core.types.ScaledDecimal(2)


def upgrade() -> None:
    op.create_table(
        "invoice_series",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("next_sequence", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["parties.id"], name=op.f("fk_invoice_series_supplier_id_parties")
        ),
        sa.PrimaryKeyConstraint("supplier_id", name=op.f("pk_invoice_series")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("installation_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("billing_month", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("ocr", sa.String(length=25), nullable=False),
        sa.Column("net", MONEY, nullable=False),
        sa.Column("vat", MONEY, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("consumption_wh", sa.BigInteger(), nullable=False),
        sa.Column("basis_digest", sa.String(length=64), nullable=False),
        sa.Column("credits_invoice_id", sa.Integer(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("pdf_path", sa.String(length=300), nullable=True),
        sa.Column("ubl_path", sa.String(length=300), nullable=True),
        sa.Column("created_at", elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_invoices_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["credits_invoice_id"], ["invoices.id"], name=op.f("fk_invoices_credits_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_invoices_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["installation_id"],
            ["installations.id"],
            name=op.f("fk_invoices_installation_id_installations"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["parties.id"], name=op.f("fk_invoices_supplier_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("supplier_id", "number", name=op.f("uq_invoices_supplier_id_number")),
        sa.UniqueConstraint(
            "supplier_id", "sequence", name=op.f("uq_invoices_supplier_id_sequence")
        ),
    )
    op.create_index(
        op.f("ix_invoices_contract_id_period_start"),
        "invoices",
        ["contract_id", "period_start"],
        unique=False,
    )
    op.create_index(op.f("ix_invoices_customer_id"), "invoices", ["customer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_invoices_customer_id"), table_name="invoices")
    op.drop_index(op.f("ix_invoices_contract_id_period_start"), table_name="invoices")
    op.drop_table("invoices")
    op.drop_table("invoice_series")
