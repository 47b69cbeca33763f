"""energy-source disclosure

Revision ID: 5a0b1e000002
Revises: 5a0b1e000001
Create Date: 2026-11-23 18:20:00
"""

from collections.abc import Sequence

revision: str = "5a0b1e000002"
down_revision: str | None = "5a0b1e000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
