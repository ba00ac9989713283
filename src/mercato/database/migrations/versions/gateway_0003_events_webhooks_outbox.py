"""Events, webhook endpoints, their deliveries and attempts; the outbox's jobs.

The outbox (``outbox_jobs``) is generic: webhooks are its first kind of job, settlement's
will follow. It is created on the gateway branch because the platform's database is the
only one that runs background work today.

Risk: none; creates new tables only.

Revision ID: gateway_0003
Revises: gateway_0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "gateway_0003"
down_revision: str | Sequence[str] | None = "gateway_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def _merchant() -> sa.Column[str]:
    return sa.Column(
        "merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "gateway_webhook_endpoints",
        sa.Column("id", sa.String(40), primary_key=True),
        _merchant(),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("description", sa.String(5000), nullable=True),
        sa.Column("enabled_events", JSON, nullable=False),
        sa.Column("api_version", sa.String(40), nullable=True),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
    )
    op.create_index(
        "gateway_webhook_endpoints_by_merchant",
        "gateway_webhook_endpoints",
        ["merchant_id", "id"],
    )
    op.create_table(
        "gateway_events",
        sa.Column("id", sa.String(40), primary_key=True),
        _merchant(),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("api_version", sa.String(40), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("request_id", sa.String(255), nullable=True),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("gateway_events_by_merchant", "gateway_events", ["merchant_id", "id"])
    op.create_index("gateway_events_by_type", "gateway_events", ["merchant_id", "type", "id"])
    op.create_table(
        "gateway_webhook_deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        _merchant(),
        sa.Column("event_id", sa.String(40), sa.ForeignKey("gateway_events.id"), nullable=False),
        sa.Column(
            "endpoint_id",
            sa.String(40),
            sa.ForeignKey("gateway_webhook_endpoints.id"),
            nullable=False,
        ),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempt_count", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
    )
    op.create_index(
        "gateway_webhook_deliveries_by_event", "gateway_webhook_deliveries", ["event_id"]
    )
    op.create_index(
        "gateway_webhook_deliveries_by_endpoint",
        "gateway_webhook_deliveries",
        ["endpoint_id", "id"],
    )
    op.create_table(
        "gateway_webhook_attempts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "delivery_id",
            sa.String(40),
            sa.ForeignKey("gateway_webhook_deliveries.id"),
            nullable=False,
        ),
        sa.Column("attempted_at", TIMESTAMP, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("duration_ms", sa.Integer, nullable=False),
    )
    op.create_index(
        "gateway_webhook_attempts_by_delivery", "gateway_webhook_attempts", ["delivery_id", "id"]
    )
    op.create_table(
        "outbox_jobs",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String(1000), nullable=True),
        sa.Column("locked_until", TIMESTAMP, nullable=True),
        sa.Column("locked_by", sa.String(100), nullable=True),
        sa.Column("done_at", TIMESTAMP, nullable=True),
    )
    op.create_index(
        "outbox_jobs_due",
        "outbox_jobs",
        ["due_at"],
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )
    op.create_index("outbox_jobs_finished", "outbox_jobs", ["done_at"])


def downgrade() -> None:
    op.drop_table("outbox_jobs")
    op.drop_table("gateway_webhook_attempts")
    op.drop_table("gateway_webhook_deliveries")
    op.drop_table("gateway_events")
    op.drop_table("gateway_webhook_endpoints")
