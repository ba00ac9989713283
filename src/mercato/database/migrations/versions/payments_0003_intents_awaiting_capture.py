"""An index of the payment intents awaiting capture, for the duty that cancels those whose
authorisation has run out.

Risk: low; builds one partial index (the rows awaiting capture only). On a large table
PostgreSQL holds a write lock on payment intents while it builds.

Revision ID: payments_0003
Revises: payments_0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "payments_0003"
down_revision: str | Sequence[str] | None = "payments_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "payments_payment_intents_awaiting_capture",
        "payments_payment_intents",
        ["created_at"],
        postgresql_where=sa.text("status = 'requires_capture'"),
        sqlite_where=sa.text("status = 'requires_capture'"),
    )


def downgrade() -> None:
    op.drop_index("payments_payment_intents_awaiting_capture", "payments_payment_intents")
