"""The settlement's tables in the platform's database (migration branch ``settlement``).

Merchants' payout schedules, their balance transactions, their bank accounts (the account
number sealed, never stored in clear), their payouts, the payout files made for the bank,
and the bank's files already read. Ids name other components' rows (a merchant, a charge)
without foreign keys (ADR 0011).
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, MinorUnits, UTCDateTime

metadata = sa.MetaData()

# One row per merchant that changed its schedule, or was ever paid out: its payout
# schedule, and the row every payout of the merchant locks first (so that two payouts never
# both spend the same available balance).
schedules = sa.Table(
    "settlement_schedules",
    metadata,
    sa.Column("merchant_id", sa.String(40), primary_key=True),
    sa.Column("interval", sa.String(10), nullable=False),  # daily, weekly, monthly, manual
    sa.Column("delay_days", sa.SmallInteger, nullable=False),
    sa.Column("weekly_anchor", sa.String(10), nullable=True),  # monday ... sunday
    sa.Column("monthly_anchor", sa.SmallInteger, nullable=True),  # 1 ... 31
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Stripe's balance_transaction: every movement of a merchant's balance, pending then
# available.
balance_transactions = sa.Table(
    "settlement_balance_transactions",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # txn_...
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),  # charge, refund, payout, ...
    sa.Column("reporting_category", sa.String(30), nullable=False),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("fee", MinorUnits, nullable=False),
    sa.Column("net", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),  # lower case, as Stripe shows it
    sa.Column("status", sa.String(10), nullable=False),  # pending, available
    sa.Column("available_on", UTCDateTime, nullable=False),
    sa.Column("source_id", sa.String(40), nullable=False),  # ch_, re_, po_
    sa.Column("description", sa.String(1000), nullable=True),
    sa.Column("payout_id", sa.String(40), nullable=True),  # the automatic payout that paid it
    sa.Column("created_at", UTCDateTime, nullable=False),
    # the availability batch that made it available (its ledger transaction's key names it)
    sa.Column("available_batch", sa.String(40), nullable=True),
)
sa.Index(
    "settlement_balance_transactions_by_merchant",
    balance_transactions.c.merchant_id,
    balance_transactions.c.id,
)
sa.Index(
    "settlement_balance_transactions_one_per_source",
    balance_transactions.c.source_id,
    balance_transactions.c.type,
    unique=True,
)
# Partial: the rows not (yet) paid out by an automatic payout are not in it.
_PAID_OUT = sa.text("payout_id IS NOT NULL")
sa.Index(
    "settlement_balance_transactions_by_payout",
    balance_transactions.c.payout_id,
    postgresql_where=_PAID_OUT,
    sqlite_where=_PAID_OUT,
)
# The work still to do, whatever the length of the history: what is pending (availability),
# and what is available and not yet taken by an automatic payout (payouts). Queries use
# these very predicates, with the values written in: PostgreSQL uses a partial index only
# when it can prove the query's condition implies the index's, which a bound parameter
# (``status = $1``, in a prepared statement's generic plan) does not let it do.
pending_rows = sa.text("status = 'pending'")
unpaid_rows = sa.text("status = 'available' AND payout_id IS NULL")
sa.Index(
    "settlement_balance_transactions_pending",
    balance_transactions.c.available_on,
    balance_transactions.c.id,
    postgresql_where=pending_rows,
    sqlite_where=pending_rows,
)
sa.Index(
    "settlement_balance_transactions_unpaid",
    balance_transactions.c.merchant_id,
    balance_transactions.c.currency,
    postgresql_where=unpaid_rows,
    sqlite_where=unpaid_rows,
)

# Stripe's bank_account, as an external account of a merchant.
external_accounts = sa.Table(
    "settlement_external_accounts",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # ba_...
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("routing_number", sa.String(11), nullable=True),  # ABA number, or the BIC
    sa.Column("last4", sa.String(4), nullable=False),
    sa.Column("bank_name", sa.String(100), nullable=True),
    sa.Column("account_holder_name", sa.String(100), nullable=True),
    sa.Column("account_holder_type", sa.String(10), nullable=False),  # company, individual
    sa.Column("account_type", sa.String(10), nullable=True),  # checking, savings (US)
    sa.Column("fingerprint", sa.String(32), nullable=False),
    sa.Column("sealed_number", sa.LargeBinary, nullable=False),  # account number or IBAN
    sa.Column("key_id", sa.String(40), nullable=False),  # the master key it is sealed under
    sa.Column("status", sa.String(12), nullable=False),  # new, errored
    sa.Column("default_for_currency", sa.Boolean, nullable=False),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("deleted_at", UTCDateTime, nullable=True),
)
sa.Index(
    "settlement_external_accounts_by_merchant",
    external_accounts.c.merchant_id,
    external_accounts.c.id,
)

payout_files = sa.Table(
    "settlement_payout_files",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # pf_...
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("kind", sa.String(10), nullable=False),  # nacha, pain.001
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("payout_count", sa.Integer, nullable=False),
    sa.Column("total", MinorUnits, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("bank_file_id", sa.String(40), nullable=True),  # the bank's bf_... once sent
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=True),
)

# Stripe's payout: money from a merchant's available balance to its bank account.
payouts = sa.Table(
    "settlement_payouts",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # po_...
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("automatic", sa.Boolean, nullable=False),
    # automatic payouts: merchant, currency and day, so that a day pays out once at most
    sa.Column("schedule_key", sa.String(80), nullable=True, unique=True),
    sa.Column("destination_id", sa.String(40), nullable=False),
    sa.Column("description", sa.String(1000), nullable=True),
    sa.Column("statement_descriptor", sa.String(22), nullable=True),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("balance_transaction_id", sa.String(40), nullable=False),
    sa.Column("failure_balance_transaction_id", sa.String(40), nullable=True),
    sa.Column("failure_code", sa.String(40), nullable=True),
    sa.Column("failure_message", sa.String(300), nullable=True),
    sa.Column("file_id", sa.String(40), nullable=True),
    sa.Column("trace_number", sa.String(15), nullable=True),  # its entry's, in a NACHA file
    sa.Column("paid", sa.Boolean, nullable=False),  # the bank applied it (the books know)
    sa.Column("arrival_date", UTCDateTime, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
sa.Index("settlement_payouts_by_merchant", payouts.c.merchant_id, payouts.c.id)
sa.Index("settlement_payouts_by_status", payouts.c.status, payouts.c.currency)
sa.Index("settlement_payouts_by_file", payouts.c.file_id)

# The bank's files (returns, status reports, statements) already read, so none is read twice.
bank_files_read = sa.Table(
    "settlement_bank_files_read",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # the bank's bf_...
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("read_at", UTCDateTime, nullable=False),
)
