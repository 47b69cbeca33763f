"""dunning cases and letters

Revision ID: 5a0b1e000005
Revises: 5a0b1e000004
Create Date: 2026-12-05 21:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types

revision: str = "5a0b1e000005"
down_revision: str | None = "5a0b1e000004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = elkund.core.types.ScaledDecimal(2)


def upgrade() -> None:
    op.create_table(
        "dunning_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_on", sa.Date(), nullable=False),
        sa.Column("dispute_reason", sa.Text(), nullable=True),
        sa.Column("created_at", elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'disputed', 'paid')", name=op.f("ck_dunning_cases_status")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_dunning_cases_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["parties.id"], name=op.f("fk_dunning_cases_supplier_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dunning_cases")),
        sa.UniqueConstraint("invoice_id", name=op.f("uq_dunning_cases_invoice_id")),
    )
    with op.batch_alter_table("dunning_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dunning_cases_supplier_id_status"),
            ["supplier_id", "status"],
            unique=False,
        )
    op.create_table(
        "dunning_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("received_confirmed", sa.Boolean(), nullable=False),
        sa.Column("pay_by", sa.Date(), nullable=False),
        sa.Column("open_amount", MONEY, nullable=False),
        sa.Column("fee", MONEY, nullable=False),
        sa.Column("interest", MONEY, nullable=False),
        sa.Column("pdf_path", sa.String(length=300), nullable=False),
        sa.Column("created_at", elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('reminder', 'consumer_notice', 'social_notice')",
            name=op.f("ck_dunning_letters_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dunning_cases.id"], name=op.f("fk_dunning_letters_case_id_dunning_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dunning_letters")),
        sa.UniqueConstraint("case_id", "kind", name=op.f("uq_dunning_letters_case_id_kind")),
    )


def downgrade() -> None:
    op.drop_table("dunning_letters")
    with op.batch_alter_table("dunning_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dunning_cases_supplier_id_status"))

    op.drop_table("dunning_cases")
