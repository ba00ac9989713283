"""The gateway's tables in the platform's database."""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, UTCDateTime

metadata = sa.MetaData()

merchants = sa.Table(
    "gateway_merchants",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # acct_...
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("default_currency", sa.String(3), nullable=False),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

api_keys = sa.Table(
    "gateway_api_keys",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # key_...
    # None for the platform operator's admin keys.
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=True),
    sa.Column("kind", sa.String(12), nullable=False),  # secret, publishable, admin
    # Only a hash is kept: keys are 190 random bits, so SHA-256 suffices (no KDF needed).
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("last4", sa.String(4), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
)

idempotency_keys = sa.Table(
    "gateway_idempotency_keys",
    metadata,
    # The merchant whose key it is ("" for the operator), and the key the client sent.
    sa.Column("owner", sa.String(40), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("method", sa.String(8), nullable=False),
    sa.Column("path", sa.String(500), nullable=False),
    sa.Column("params_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # in_flight, done
    sa.Column("response_status", sa.Integer, nullable=True),
    sa.Column("response_body", sa.Text, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("locked_at", UTCDateTime, nullable=False),
)
sa.Index("gateway_idempotency_keys_by_age", idempotency_keys.c.created_at)

customers = sa.Table(
    "gateway_customers",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # cus_...
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False),
    sa.Column("email", sa.String(512), nullable=True),
    sa.Column("name", sa.String(256), nullable=True),
    sa.Column("description", sa.String(350), nullable=True),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.Column("address", JSONDocument, nullable=True),
    sa.Column("shipping", JSONDocument, nullable=True),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("deleted_at", UTCDateTime, nullable=True),
)
sa.Index("gateway_customers_by_merchant", customers.c.merchant_id, customers.c.id)
