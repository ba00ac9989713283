"""Checkout Sessions and Payment Links, each with its line items: the hosted checkout.

Risk: none; creates four new tables and their indexes, which nothing reads yet.

Revision ID: gateway_0005
Revises: gateway_0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "gateway_0005"
down_revision: str | Sequence[str] | None = "gateway_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def _merchant() -> sa.Column[str]:
    return sa.Column(
        "merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False
    )


def _price() -> sa.Column[str]:
    return sa.Column("price_id", sa.String(40), sa.ForeignKey("gateway_prices.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "gateway_payment_links",
        sa.Column("id", sa.String(40), primary_key=True),
        _merchant(),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("after_completion", JSON, nullable=False),
        sa.Column("submit_type", sa.String(8), nullable=False),
        sa.Column("inactive_message", sa.String(500), nullable=True),
        sa.Column("payment_intent_data", JSON, nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "gateway_payment_links_by_merchant", "gateway_payment_links", ["merchant_id", "id"]
    )
    op.create_table(
        "gateway_payment_link_line_items",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "payment_link_id",
            sa.String(40),
            sa.ForeignKey("gateway_payment_links.id"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        _price(),
        sa.Column("quantity", sa.Integer, nullable=False),
    )
    op.create_index(
        "gateway_payment_link_line_items_by_link",
        "gateway_payment_link_line_items",
        ["payment_link_id", "position"],
    )
    op.create_table(
        "gateway_checkout_sessions",
        sa.Column("id", sa.String(40), primary_key=True),
        _merchant(),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("mode", sa.String(12), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_subtotal", sa.BigInteger, nullable=False),
        sa.Column("amount_total", sa.BigInteger, nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("success_url", sa.String(2048), nullable=False),
        sa.Column("cancel_url", sa.String(2048), nullable=True),
        sa.Column("customer_email", sa.String(512), nullable=True),
        sa.Column("client_reference_id", sa.String(200), nullable=True),
        sa.Column("submit_type", sa.String(8), nullable=True),
        sa.Column("payment_intent_data", JSON, nullable=False),
        sa.Column("payment_intent_id", sa.String(40), nullable=True),
        sa.Column(
            "payment_link_id",
            sa.String(40),
            sa.ForeignKey("gateway_payment_links.id"),
            nullable=True,
        ),
        sa.Column("customer_details", JSON, nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "gateway_checkout_sessions_by_merchant", "gateway_checkout_sessions", ["merchant_id", "id"]
    )
    op.create_index(
        "gateway_checkout_sessions_by_status", "gateway_checkout_sessions", ["status", "expires_at"]
    )
    op.create_index(
        "gateway_checkout_sessions_by_intent", "gateway_checkout_sessions", ["payment_intent_id"]
    )
    op.create_table(
        "gateway_checkout_line_items",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "session_id",
            sa.String(40),
            sa.ForeignKey("gateway_checkout_sessions.id"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        _price(),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("description", sa.String(250), nullable=False),
    )
    op.create_index(
        "gateway_checkout_line_items_by_session",
        "gateway_checkout_line_items",
        ["session_id", "position"],
    )


def downgrade() -> None:
    op.drop_table("gateway_checkout_line_items")
    op.drop_table("gateway_checkout_sessions")
    op.drop_table("gateway_payment_link_line_items")
    op.drop_table("gateway_payment_links")
