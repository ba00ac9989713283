"""Payment intents, charges and refunds.

Risk: none; creates three new tables.

Revision ID: payments_0002
Revises: payments_0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "payments_0002"
down_revision: str | Sequence[str] | None = "payments_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payments_payment_intents",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("capture_method", sa.String(12), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=True),
        sa.Column("payment_method_id", sa.String(40), nullable=True),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("receipt_email", sa.String(800), nullable=True),
        sa.Column("return_url", sa.String(2048), nullable=True),
        sa.Column("client_secret", sa.String(80), nullable=False),
        sa.Column("request_three_d_secure", sa.String(12), nullable=False),
        sa.Column("amount_capturable", sa.BigInteger, nullable=False),
        sa.Column("amount_received", sa.BigInteger, nullable=False),
        sa.Column("latest_charge_id", sa.String(40), nullable=True),
        sa.Column("last_payment_error", JSON, nullable=True),
        sa.Column("next_action", JSON, nullable=True),
        sa.Column("authentication_id", sa.String(64), nullable=True),
        sa.Column("processing_token", sa.String(40), nullable=True),
        sa.Column("cancellation_reason", sa.String(32), nullable=True),
        sa.Column("canceled_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "payments_payment_intents_by_merchant", "payments_payment_intents", ["merchant_id", "id"]
    )
    op.create_index(
        "payments_payment_intents_by_customer", "payments_payment_intents", ["customer_id"]
    )
    op.create_table(
        "payments_charges",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("payment_intent_id", sa.String(40), nullable=False),
        sa.Column("payment_method_id", sa.String(40), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("captured", sa.Boolean, nullable=False),
        sa.Column("amount_captured", sa.BigInteger, nullable=False),
        sa.Column("amount_refunded", sa.BigInteger, nullable=False),
        sa.Column("fee", sa.BigInteger, nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("receipt_email", sa.String(800), nullable=True),
        sa.Column("billing_details", JSON, nullable=False),
        sa.Column("failure_code", sa.String(40), nullable=True),
        sa.Column("failure_message", sa.String(300), nullable=True),
        sa.Column("outcome", JSON, nullable=False),
        sa.Column("card", JSON, nullable=False),
        sa.Column("network", JSON, nullable=False),
        sa.Column("authorisation_id", sa.Uuid, nullable=True),
        sa.Column("ledger_hold_id", sa.Uuid, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("captured_at", TIMESTAMP, nullable=True),
    )
    op.create_index("payments_charges_by_merchant", "payments_charges", ["merchant_id", "id"])
    op.create_index("payments_charges_by_payment_intent", "payments_charges", ["payment_intent_id"])
    op.create_table(
        "payments_refunds",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("charge_id", sa.String(40), nullable=False),
        sa.Column("payment_intent_id", sa.String(40), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("payments_refunds_by_merchant", "payments_refunds", ["merchant_id", "id"])
    op.create_index("payments_refunds_by_charge", "payments_refunds", ["charge_id", "id"])


def downgrade() -> None:
    op.drop_table("payments_refunds")
    op.drop_table("payments_charges")
    op.drop_table("payments_payment_intents")
