"""suppliers, products, contracts, day-ahead prices

Revision ID: 5a0b1e000001
Revises: 53338fee7e3f
Create Date: 2026-11-23 18:20:00
"""

from collections.abc import Sequence

revision: str = "5a0b1e000001"
down_revision: str | None = "53338fee7e3f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
