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

webhook_endpoints = sa.Table(
    "gateway_webhook_endpoints",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # we_...
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("description", sa.String(5000), nullable=True),
    sa.Column("enabled_events", JSONDocument, nullable=False),  # ["*"] or event types
    sa.Column("api_version", sa.String(40), nullable=True),
    # The signing secret (whsec_...). Kept in clear because every delivery needs it; see ADR 0009.
    sa.Column("secret", sa.String(100), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # enabled, disabled
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("deleted_at", UTCDateTime, nullable=True),
)
sa.Index(
    "gateway_webhook_endpoints_by_merchant", webhook_endpoints.c.merchant_id, webhook_endpoints.c.id
)

events = sa.Table(
    "gateway_events",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # evt_...
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("api_version", sa.String(40), nullable=True),
    sa.Column("data", JSONDocument, nullable=False),  # {"object": ..., "previous_attributes": ...}
    sa.Column("request_id", sa.String(255), nullable=True),
    sa.Column("idempotency_key", sa.String(255), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
sa.Index("gateway_events_by_merchant", events.c.merchant_id, events.c.id)
sa.Index("gateway_events_by_type", events.c.merchant_id, events.c.type, events.c.id)

# One row per (event, endpoint) the event is sent to; its outbox job makes the attempts.
webhook_deliveries = sa.Table(
    "gateway_webhook_deliveries",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # whd_...
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False),
    sa.Column("event_id", sa.String(40), sa.ForeignKey("gateway_events.id"), nullable=False),
    sa.Column(
        "endpoint_id", sa.String(40), sa.ForeignKey("gateway_webhook_endpoints.id"), nullable=False
    ),
    sa.Column("status", sa.String(12), nullable=False),  # pending, succeeded, failed, cancelled
    sa.Column("attempt_count", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=True),
)
sa.Index("gateway_webhook_deliveries_by_event", webhook_deliveries.c.event_id)
sa.Index(
    "gateway_webhook_deliveries_by_endpoint",
    webhook_deliveries.c.endpoint_id,
    webhook_deliveries.c.id,
)

# Every attempt at a delivery: when, what came back (a status code or an error), how long.
webhook_attempts = sa.Table(
    "gateway_webhook_attempts",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # wha_...
    sa.Column(
        "delivery_id", sa.String(40), sa.ForeignKey("gateway_webhook_deliveries.id"), nullable=False
    ),
    sa.Column("attempted_at", UTCDateTime, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("error", sa.String(500), nullable=True),
    sa.Column("duration_ms", sa.Integer, nullable=False),
)
sa.Index(
    "gateway_webhook_attempts_by_delivery", webhook_attempts.c.delivery_id, webhook_attempts.c.id
)
