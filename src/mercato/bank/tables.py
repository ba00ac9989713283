"""The commercial bank's own tables (migration ``bank_0001``), beside its ledger.

Balances are not here: they are the ledger's, under each account's ``ledger_code``.
``bank_entries`` is what a statement says about each booking (end-to-end id, remittance,
counterparty); the ledger's transaction with the same ``ledger_key`` is the money.
Credentials are stored hashed only: H2H tokens by SHA-256 (they are long and random),
internet-banking passwords with argon2.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import MinorUnits, UTCDateTime

metadata = sa.MetaData()

customers = sa.Table(
    "bank_customers",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(140), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("h2h_token_digest", sa.String(64), nullable=True, unique=True),
    sa.Column("login", sa.String(60), nullable=True, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

accounts = sa.Table(
    "bank_accounts",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("customer_id", sa.Uuid, sa.ForeignKey("bank_customers.id"), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("account_number", sa.String(10), nullable=False, unique=True),
    sa.Column("iban", sa.String(34), nullable=False, unique=True),
    sa.Column("name", sa.String(140), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("ledger_code", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("closed_at", UTCDateTime, nullable=True),
)

files = sa.Table(
    "bank_files",
    metadata,
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
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("processed_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("customer_id", "direction", "name", name="bank_files_name"),
    sa.Index("ix_bank_files_status_day", "status", "processing_day"),
)

entries = sa.Table(
    "bank_entries",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("account_id", sa.Uuid, sa.ForeignKey("bank_accounts.id"), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("direction", sa.String(4), nullable=False),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("ledger_key", sa.String(200), nullable=False),
    sa.Column("end_to_end_id", sa.String(35), nullable=True),
    sa.Column("remittance", sa.String(140), nullable=True),
    sa.Column("counterparty", sa.String(140), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("ledger_key", "account_id", name="bank_entries_booking"),
    sa.Index("ix_bank_entries_account_day", "account_id", "day"),
)

settlements = sa.Table(
    "bank_settlements",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("customer_id", sa.Uuid, sa.ForeignKey("bank_customers.id"), nullable=False),
    sa.Column("from_account_id", sa.Uuid, sa.ForeignKey("bank_accounts.id"), nullable=False),
    sa.Column("to_account_id", sa.Uuid, sa.ForeignKey("bank_accounts.id"), nullable=False),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("reference", sa.String(140), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

days = sa.Table(
    "bank_days",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("processed_at", UTCDateTime, nullable=True),
)
