"""The ledger's tables. Every party (platform, issuing bank, commercial bank) has these in
its own database.

Rows in ``ledger_transactions`` and ``ledger_postings`` are only ever inserted. The four
counters and the version on ``ledger_accounts`` are a cache of the postings, changed only in
the same database transaction that inserts the postings, and ``mercato ledger verify``
recomputes them from the postings.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, MinorUnits, UTCDateTime

metadata = sa.MetaData()

accounts = sa.Table(
    "ledger_accounts",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("code", sa.String(200), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("owner", sa.String(100), nullable=True, index=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("debits_must_not_exceed_credits", sa.Boolean, nullable=False),
    sa.Column("credits_must_not_exceed_debits", sa.Boolean, nullable=False),
    sa.Column("debits_pending", MinorUnits, nullable=False, server_default="0"),
    sa.Column("credits_pending", MinorUnits, nullable=False, server_default="0"),
    sa.Column("debits_posted", MinorUnits, nullable=False, server_default="0"),
    sa.Column("credits_posted", MinorUnits, nullable=False, server_default="0"),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("closed_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(
        "debits_pending >= 0 AND credits_pending >= 0"
        " AND debits_posted >= 0 AND credits_posted >= 0",
        name="ledger_accounts_counters_not_negative",
    ),
)

transactions = sa.Table(
    "ledger_transactions",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    # The idempotency key, unique per ledger: a retry can never write twice.
    sa.Column("idempotency_key", sa.String(255), nullable=False, unique=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=True),
    # A hold is resolved (posted, voided, expired) once: unique enforces it.
    sa.Column(
        "pending_id", sa.Uuid, sa.ForeignKey("ledger_transactions.id"), nullable=True, unique=True
    ),
    # A transaction is reversed once at most.
    sa.Column(
        "reverses_id", sa.Uuid, sa.ForeignKey("ledger_transactions.id"), nullable=True, unique=True
    ),
)

open_holds = sa.Table(
    "ledger_open_holds",
    metadata,
    # The one table rows leave: a work list of the holds not resolved yet, so that neither
    # the expiry run nor anyone asking "what is held?" reads the whole history of holds.
    # ``verify`` checks it against the transactions, which remain the record.
    sa.Column("hold_id", sa.Uuid, sa.ForeignKey("ledger_transactions.id"), primary_key=True),
    sa.Column("expires_at", UTCDateTime, nullable=True, index=True),
)

postings = sa.Table(
    "ledger_postings",
    metadata,
    sa.Column("transaction_id", sa.Uuid, sa.ForeignKey("ledger_transactions.id"), primary_key=True),
    sa.Column("position", sa.SmallInteger, primary_key=True),
    sa.Column("account_id", sa.Uuid, sa.ForeignKey("ledger_accounts.id"), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    # Debits positive, credits negative; never zero.
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("pending", sa.Boolean, nullable=False),
    # Copied from the transaction so that statements and past balances read one index.
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("amount <> 0", name="ledger_postings_amount_not_zero"),
)

sa.Index("ledger_postings_by_account", postings.c.account_id, postings.c.occurred_at)
