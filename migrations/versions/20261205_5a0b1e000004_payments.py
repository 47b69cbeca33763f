"""payments and payment files

Revision ID: 5a0b1e000004
Revises: 5a0b1e000003
Create Date: 2026-12-05 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types

revision: str = "5a0b1e000004"
down_revision: str | None = "5a0b1e000003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = elkund.core.types.ScaledDecimal(2)


def upgrade() -> None:
    op.create_table(
        "payment_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("imported_at", elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_payment_files_sha256")),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=35), nullable=False),
        sa.Column("payer", sa.String(length=200), nullable=True),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("file_line", sa.Integer(), nullable=True),
        sa.Column("matched_by", sa.String(length=16), nullable=True),
        sa.Column("bank_serial", sa.String(length=12), nullable=True),
        sa.Column("created_at", elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"], ["payment_files.id"], name=op.f("fk_payments_file_id_payment_files")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payments_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["parties.id"], name=op.f("fk_payments_supplier_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_invoice_id"), "payments", ["invoice_id"], unique=False)
    op.create_index(
        op.f("ix_payments_supplier_id_bank_serial"),
        "payments",
        ["supplier_id", "bank_serial"],
        unique=True,
        sqlite_where=sa.text("bank_serial IS NOT NULL"),
        postgresql_where=sa.text("bank_serial IS NOT NULL"),
    )
    op.create_index(
        op.f("ix_payments_supplier_id_paid_on"),
        "payments",
        ["supplier_id", "paid_on"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_payments_supplier_id_paid_on"), table_name="payments")
    op.drop_index(op.f("ix_payments_supplier_id_bank_serial"), table_name="payments")
    op.drop_index(op.f("ix_payments_invoice_id"), table_name="payments")
    op.drop_table("payments")
    op.drop_table("payment_files")
