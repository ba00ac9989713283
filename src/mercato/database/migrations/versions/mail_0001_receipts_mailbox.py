"""Receipts owed to customers (one per charge), and the demo's mailbox.

Risk: none; creates two new tables.

Revision ID: mail_0001
Revises: mail_0000
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "mail_0001"
down_revision: str | Sequence[str] | None = "mail_0000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mail_receipts",
        sa.Column("charge_id", sa.String(40), primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("email", sa.String(800), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("cause", sa.String(100), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
    )
    op.create_index("mail_receipts_by_merchant", "mail_receipts", ["merchant_id", "created_at"])
    op.create_table(
        "mail_mailbox",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=True),
        sa.Column("message_id", sa.String(250), nullable=False, unique=True),
        sa.Column("sender", sa.String(800), nullable=False),
        sa.Column("recipients", sa.String(4000), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
    )
    op.create_index("mail_mailbox_by_merchant", "mail_mailbox", ["merchant_id", "received_at"])


def downgrade() -> None:
    op.drop_table("mail_mailbox")
    op.drop_table("mail_receipts")
