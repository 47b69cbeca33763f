"""portal fragments stored as raw deflate pieces: the zlib-format rows go

Revision ID: 5a0b1e000009
Revises: 5a0b1e000008
Create Date: 2026-12-06 03:20:00

The fragments are a cache rendered ahead of time (ADR 0019, 0021). Rows of the zlib format are
never read again (their view key names the code that wrote them), so they are deleted rather
than left until the installation's next import; the next import, or a first view, renders anew.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5a0b1e000009"
down_revision: str | None = "5a0b1e000008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM portal_fragments")


def downgrade() -> None:
    op.execute("DELETE FROM portal_fragments")  # the older code cannot read the newer rows
