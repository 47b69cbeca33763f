"""portal fragments rendered ahead of time

Revision ID: 5a0b1e000008
Revises: 5a0b1e000007
Create Date: 2026-12-05 21:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types

revision: str = "5a0b1e000008"
down_revision: str | None = "5a0b1e000007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_fragments",
        sa.Column("installation_id", sa.Integer(), nullable=False),
        sa.Column("view_key", sa.String(length=100), nullable=False),
        sa.Column("values_version", sa.String(length=200), nullable=False),
        sa.Column("html", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["installation_id"],
            ["installations.id"],
            name=op.f("fk_portal_fragments_installation_id_installations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("installation_id", "view_key", name=op.f("pk_portal_fragments")),
    )


def downgrade() -> None:
    op.drop_table("portal_fragments")
