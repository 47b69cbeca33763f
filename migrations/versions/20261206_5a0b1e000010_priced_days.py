"""priced daily rollups: Σ Wh × price per installation and day, and a version of each zone's
prices per day

Revision ID: 5a0b1e000010
Revises: 5a0b1e000009
Create Date: 2026-12-06 05:00:00

Days stored before keep ``cost`` NULL: a billing run sums those from the values, as before
(ADR 0022), until a correction of their values or prices computes them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a0b1e000010"
down_revision: str | None = "5a0b1e000009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meter_value_days") as batch:
        batch.add_column(sa.Column("cost", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prices_version", sa.Integer(), nullable=True))
    op.create_table(
        "price_days",
        sa.Column("zone", sa.String(length=3), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("zone IN ('SE1', 'SE2', 'SE3', 'SE4')", name=op.f("ck_price_days_zone")),
        sa.PrimaryKeyConstraint("zone", "local_date", name=op.f("pk_price_days")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("price_days")
    with op.batch_alter_table("meter_value_days") as batch:
        batch.drop_column("prices_version")
        batch.drop_column("cost")
