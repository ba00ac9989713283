"""The dashboard's tables (migration branch ``dashboard``).

A session is kept by the SHA-256 of its cookie's random id, never the id itself: whoever
reads the table cannot sign in with what they read.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import UTCDateTime

metadata = sa.MetaData()

# The gateway's merchants, as far as a foreign key needs to know them.
_merchants = sa.Table(
    "gateway_merchants", metadata, sa.Column("id", sa.String(40), primary_key=True)
)

users = sa.Table(
    "dashboard_users",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # dusr_...
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False),
    sa.Column("email", sa.String(320), nullable=False, unique=True),  # lower case
    sa.Column("password_hash", sa.String(200), nullable=False),  # argon2id, PHC string
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("password_changed_at", UTCDateTime, nullable=False),
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
