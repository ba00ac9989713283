"""Payments begin: payment methods (cards, by their vault id).

Risk: none; creates a new table.

Revision ID: payments_0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "payments_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("payments",)
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payments_payment_methods",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("vault_card_id", sa.Uuid, nullable=False),
        sa.Column("brand", sa.String(20), nullable=False),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("exp_month", sa.SmallInteger, nullable=False),
        sa.Column("exp_year", sa.SmallInteger, nullable=False),
        sa.Column("funding", sa.String(10), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("billing_details", JSON, nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "payments_payment_methods_by_merchant", "payments_payment_methods", ["merchant_id", "id"]
    )
    op.create_index(
        "payments_payment_methods_by_customer", "payments_payment_methods", ["customer_id"]
    )


def downgrade() -> None:
    op.drop_table("payments_payment_methods")
