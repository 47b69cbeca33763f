"""dunning cases and letters

Revision ID: 5a0b1e000005
Revises: 5a0b1e000004
Create Date: 2026-12-05 21:05:00
"""

from collections.abc import Sequence

revision: str = "5a0b1e000005"
down_revision: str | None = "5a0b1e000004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
