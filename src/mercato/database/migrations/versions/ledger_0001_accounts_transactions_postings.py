"""The ledger: accounts with their counters, transactions, postings and open holds.

Risk: none; creates new tables only.

Revision ID: ledger_0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "ledger_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("ledger",)
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("code", sa.String(200), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("owner", sa.String(100), nullable=True, index=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("debits_must_not_exceed_credits", sa.Boolean, nullable=False),
        sa.Column("credits_must_not_exceed_debits", sa.Boolean, nullable=False),
        sa.Column("debits_pending", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("credits_pending", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("debits_posted", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("credits_posted", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "debits_pending >= 0 AND credits_pending >= 0 AND debits_posted >= 0 AND credits_posted >= 0",
            name="ledger_accounts_counters_not_negative",
        ),
    )
    op.create_table(
        "ledger_transactions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("idempotency_key", sa.String(255), nullable=False, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=True),
        sa.Column(
            "pending_id",
            sa.Uuid,
            sa.ForeignKey("ledger_transactions.id"),
            nullable=True,
            unique=True,
        ),
        sa.Column(
            "reverses_id",
            sa.Uuid,
            sa.ForeignKey("ledger_transactions.id"),
            nullable=True,
            unique=True,
        ),
    )
    op.create_table(
        "ledger_open_holds",
        sa.Column("hold_id", sa.Uuid, sa.ForeignKey("ledger_transactions.id"), primary_key=True),
        sa.Column("expires_at", TIMESTAMP, nullable=True),
    )
    op.create_index("ix_ledger_open_holds_expires_at", "ledger_open_holds", ["expires_at"])
    op.create_table(
        "ledger_postings",
        sa.Column(
            "transaction_id", sa.Uuid, sa.ForeignKey("ledger_transactions.id"), primary_key=True
        ),
        sa.Column("position", sa.SmallInteger, primary_key=True),
        sa.Column("account_id", sa.Uuid, sa.ForeignKey("ledger_accounts.id"), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("pending", sa.Boolean, nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("amount <> 0", name="ledger_postings_amount_not_zero"),
    )
    op.create_index("ledger_postings_by_account", "ledger_postings", ["account_id", "occurred_at"])


def downgrade() -> None:
    op.drop_table("ledger_open_holds")
    op.drop_table("ledger_postings")
    op.drop_table("ledger_transactions")
    op.drop_table("ledger_accounts")
