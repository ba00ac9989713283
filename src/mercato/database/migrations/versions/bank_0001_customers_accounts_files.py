"""The commercial bank: customers, deposit accounts, files, entries, settlements, days.

Risk: none; creates new tables only.

Revision ID: bank_0001
Revises: bank_0000
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bank_0001"
down_revision: str | Sequence[str] | None = "bank_0000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bank_customers",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.String(140), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("h2h_token_digest", sa.String(64), nullable=True, unique=True),
        sa.Column("login", sa.String(60), nullable=True, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "kind IN ('business', 'platform', 'issuer')", name="bank_customers_kind"
        ),
    )
    op.create_table(
        "bank_accounts",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("customer_id", sa.Uuid, sa.ForeignKey("bank_customers.id"), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("account_number", sa.String(10), nullable=False, unique=True),
        sa.Column("iban", sa.String(34), nullable=False, unique=True),
        sa.Column("name", sa.String(140), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("ledger_code", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name="bank_accounts_status"),
    )
    op.create_table(
        "bank_files",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("customer_id", sa.Uuid, sa.ForeignKey("bank_customers.id"), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("processing_day", sa.Date, nullable=False),
        sa.Column("applied", sa.Integer, nullable=True),
        sa.Column("returned", sa.Integer, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("processed_at", TIMESTAMP, nullable=True),
        sa.UniqueConstraint("customer_id", "direction", "name", name="bank_files_name"),
        sa.CheckConstraint("direction IN ('in', 'out')", name="bank_files_direction"),
    )
    op.create_index("ix_bank_files_status_day", "bank_files", ["status", "processing_day"])
    op.create_table(
        "bank_entries",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("account_id", sa.Uuid, sa.ForeignKey("bank_accounts.id"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("direction", sa.String(4), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ledger_key", sa.String(200), nullable=False),
        sa.Column("end_to_end_id", sa.String(35), nullable=True),
        sa.Column("remittance", sa.String(140), nullable=True),
        sa.Column("counterparty", sa.String(140), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("ledger_key", "account_id", name="bank_entries_booking"),
        sa.CheckConstraint("direction IN ('CRDT', 'DBIT')", name="bank_entries_direction"),
        sa.CheckConstraint("amount > 0", name="bank_entries_amount"),
    )
    op.create_index("ix_bank_entries_account_day", "bank_entries", ["account_id", "day"])
    op.create_table(
        "bank_settlements",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.Uuid, sa.ForeignKey("bank_customers.id"), nullable=False),
        sa.Column("from_account_id", sa.Uuid, sa.ForeignKey("bank_accounts.id"), nullable=False),
        sa.Column("to_account_id", sa.Uuid, sa.ForeignKey("bank_accounts.id"), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(140), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "bank_days",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("processed_at", TIMESTAMP, nullable=True),
    )


def downgrade() -> None:
    for table in (
        "bank_days",
        "bank_settlements",
        "bank_entries",
        "bank_files",
        "bank_accounts",
        "bank_customers",
    ):
        op.drop_table(table)
