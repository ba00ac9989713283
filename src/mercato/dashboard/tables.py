"""The dashboard's tables (migration branch ``dashboard``).

A session is kept by the SHA-256 of its cookie's random id, never the id itself: whoever
reads the table cannot sign in with what they read.

A user is a merchant's (``role`` merchant, with its ``merchant_id``) or the platform's
operator (no merchant; ADR 0022). The operator's reconciliation runs are kept, and what they
found on the bank's statements for each payout, so that a merchant can see its payout arrive.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, UTCDateTime

metadata = sa.MetaData()

# The gateway's merchants, as far as a foreign key needs to know them.
_merchants = sa.Table(
    "gateway_merchants", metadata, sa.Column("id", sa.String(40), primary_key=True)
)

users = sa.Table(
    "dashboard_users",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # dusr_...
    # None for an operator
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),  # lower case
    sa.Column("password_hash", sa.String(200), nullable=False),  # argon2id, PHC string
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("password_changed_at", UTCDateTime, nullable=False),
    sa.Column("role", sa.String(10), nullable=False, server_default="merchant"),  # or operator
    sa.CheckConstraint(
        "(role = 'merchant' AND merchant_id IS NOT NULL)"
        " OR (role = 'operator' AND merchant_id IS NULL)",
        name="dashboard_users_role_and_merchant",
    ),
)

sessions = sa.Table(
    "dashboard_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(40), sa.ForeignKey("dashboard_users.id"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)
sa.Index("dashboard_sessions_by_user", sessions.c.user_id)

login_failures = sa.Table(
    "dashboard_login_failures",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("failed_at", UTCDateTime, nullable=False),
)
sa.Index("dashboard_login_failures_by_email", login_failures.c.email, login_failures.c.failed_at)

# The operator's reconciliation runs (settlement/reconciliation.py), newest last.
reconciliations = sa.Table(
    "dashboard_reconciliations",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # drec_...
    sa.Column("ran_at", UTCDateTime, nullable=False),
    sa.Column("ran_by", sa.String(320), nullable=False),  # the operator's e-mail
    sa.Column("statements", sa.Integer, nullable=False),
    sa.Column("matched", JSONDocument, nullable=False),  # {"payouts to ...": 12}
    sa.Column("unmatched_count", sa.Integer, nullable=False),
    sa.Column("unmatched", JSONDocument, nullable=False),  # [{match, item, reason}], the first
)

# Each payout found paid out on one of the bank's statements of the platform's accounts.
payout_arrivals = sa.Table(
    "dashboard_payout_arrivals",
    metadata,
    sa.Column("payout_id", sa.String(40), primary_key=True),  # po_...
    sa.Column("statement_id", sa.String(100), nullable=False),
    sa.Column("booked_on", sa.Date, nullable=False),
    sa.Column("found_at", UTCDateTime, nullable=False),
)
