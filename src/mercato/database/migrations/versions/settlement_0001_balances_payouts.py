"""Payout schedules, balance transactions, external (bank) accounts, payouts, payout files
and the bank's files already read.

Risk: none; creates six new tables.

Revision ID: settlement_0001
Revises: settlement_0000
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "settlement_0001"
down_revision: str | Sequence[str] | None = "settlement_0000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "settlement_schedules",
        sa.Column("merchant_id", sa.String(40), primary_key=True),
        sa.Column("interval", sa.String(10), nullable=False),
        sa.Column("delay_days", sa.SmallInteger, nullable=False),
        sa.Column("weekly_anchor", sa.String(10), nullable=True),
        sa.Column("monthly_anchor", sa.SmallInteger, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "settlement_balance_transactions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("reporting_category", sa.String(30), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("fee", sa.BigInteger, nullable=False),
        sa.Column("net", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("available_on", TIMESTAMP, nullable=False),
        sa.Column("source_id", sa.String(40), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("payout_id", sa.String(40), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "settlement_balance_transactions_by_merchant",
        "settlement_balance_transactions",
        ["merchant_id", "id"],
    )
    op.create_index(
        "settlement_balance_transactions_due",
        "settlement_balance_transactions",
        ["status", "available_on"],
    )
    op.create_index(
        "settlement_balance_transactions_one_per_source",
        "settlement_balance_transactions",
        ["source_id", "type"],
        unique=True,
    )
    op.create_index(
        "settlement_balance_transactions_by_payout",
        "settlement_balance_transactions",
        ["payout_id"],
    )
    op.create_table(
        "settlement_external_accounts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("routing_number", sa.String(11), nullable=True),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("bank_name", sa.String(100), nullable=True),
        sa.Column("account_holder_name", sa.String(100), nullable=True),
        sa.Column("account_holder_type", sa.String(10), nullable=False),
        sa.Column("account_type", sa.String(10), nullable=True),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("sealed_number", sa.LargeBinary, nullable=False),
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("default_for_currency", sa.Boolean, nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
    )
    op.create_index(
        "settlement_external_accounts_by_merchant",
        "settlement_external_accounts",
        ["merchant_id", "id"],
    )
    op.create_table(
        "settlement_payout_files",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("payout_count", sa.Integer, nullable=False),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("bank_file_id", sa.String(40), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
    )
    op.create_table(
        "settlement_payouts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("automatic", sa.Boolean, nullable=False),
        sa.Column("schedule_key", sa.String(80), nullable=True, unique=True),
        sa.Column("destination_id", sa.String(40), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("statement_descriptor", sa.String(22), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("balance_transaction_id", sa.String(40), nullable=False),
        sa.Column("failure_balance_transaction_id", sa.String(40), nullable=True),
        sa.Column("failure_code", sa.String(40), nullable=True),
        sa.Column("failure_message", sa.String(300), nullable=True),
        sa.Column("file_id", sa.String(40), nullable=True),
        sa.Column("trace_number", sa.String(15), nullable=True),
        sa.Column("paid", sa.Boolean, nullable=False),
        sa.Column("arrival_date", TIMESTAMP, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index("settlement_payouts_by_merchant", "settlement_payouts", ["merchant_id", "id"])
    op.create_index("settlement_payouts_by_status", "settlement_payouts", ["status", "currency"])
    op.create_index("settlement_payouts_by_file", "settlement_payouts", ["file_id"])
    op.create_table(
        "settlement_bank_files_read",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("read_at", TIMESTAMP, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "settlement_bank_files_read",
        "settlement_payouts",
        "settlement_payout_files",
        "settlement_external_accounts",
        "settlement_balance_transactions",
        "settlement_schedules",
    ):
        op.drop_table(table)
