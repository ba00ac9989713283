"""The mail branch begins here (no tables yet).

Risk: none.

Revision ID: mail_0000
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "mail_0000"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("mail",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
