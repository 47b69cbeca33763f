"""regulator exports

Revision ID: 5a0b1e000007
Revises: 5a0b1e000006
Create Date: 2026-12-05 21:07:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types

revision: str = "5a0b1e000007"
down_revision: str | None = "5a0b1e000006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "regulator_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_counts", sa.Text(), nullable=False),
        sa.Column("created_at", elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('prices', 'records')", name=op.f("ck_regulator_exports_kind")),
        sa.CheckConstraint("period_to >= period_from", name=op.f("ck_regulator_exports_period")),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["parties.id"],
            name=op.f("fk_regulator_exports_supplier_id_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulator_exports")),
    )
    op.create_index(
        op.f("ix_regulator_exports_supplier_id_created_at"),
        "regulator_exports",
        ["supplier_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_regulator_exports_supplier_id_created_at"), table_name="regulator_exports"
    )
    op.drop_table("regulator_exports")
