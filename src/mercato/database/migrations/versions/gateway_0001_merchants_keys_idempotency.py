"""The gateway: merchants, API keys (hashed), idempotency keys.

Risk: none; creates new tables only.

Revision ID: gateway_0001
Revises: gateway_0000
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "gateway_0001"
down_revision: str | Sequence[str] | None = "gateway_0000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "gateway_merchants",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("default_currency", sa.String(3), nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "gateway_api_keys",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=True
        ),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
    )
    op.create_table(
        "gateway_idempotency_keys",
        sa.Column("owner", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("params_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("response_status", sa.Integer, nullable=True),
        sa.Column("response_body", sa.Text, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("locked_at", TIMESTAMP, nullable=False),
    )
    op.create_index("gateway_idempotency_keys_by_age", "gateway_idempotency_keys", ["created_at"])


def downgrade() -> None:
    op.drop_table("gateway_idempotency_keys")
    op.drop_table("gateway_api_keys")
    op.drop_table("gateway_merchants")
