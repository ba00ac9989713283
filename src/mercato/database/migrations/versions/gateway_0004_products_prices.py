"""Products and prices: the catalog's source of truth (Stripe's product and price).

Risk: none; creates two new tables and their indexes, which nothing reads yet.

Revision ID: gateway_0004
Revises: gateway_0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "gateway_0004"
down_revision: str | Sequence[str] | None = "gateway_0003"
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
        "gateway_products",
        sa.Column("id", sa.String(40), primary_key=True),
        _merchant(),
        sa.Column("name", sa.String(250), nullable=False),
        sa.Column("description", sa.String(5000), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("default_price_id", sa.String(40), nullable=True),
        sa.Column("images", JSON, nullable=False),
        sa.Column("shippable", sa.Boolean, nullable=True),
        sa.Column("statement_descriptor", sa.String(22), nullable=True),
        sa.Column("tax_code", sa.String(40), nullable=True),
        sa.Column("unit_label", sa.String(12), nullable=True),
        sa.Column("url", sa.String(2048), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
    )
    op.create_index("gateway_products_by_merchant", "gateway_products", ["merchant_id", "id"])
    op.create_table(
        "gateway_prices",
        sa.Column("id", sa.String(40), primary_key=True),
        _merchant(),
        sa.Column(
            "product_id", sa.String(40), sa.ForeignKey("gateway_products.id"), nullable=False
        ),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("unit_amount", sa.BigInteger, nullable=False),
        sa.Column("nickname", sa.String(250), nullable=True),
        sa.Column("lookup_key", sa.String(200), nullable=True),
        sa.Column("tax_behavior", sa.String(12), nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("gateway_prices_by_merchant", "gateway_prices", ["merchant_id", "id"])
    op.create_index("gateway_prices_by_product", "gateway_prices", ["product_id", "id"])
    op.create_index(
        "gateway_prices_by_lookup_key",
        "gateway_prices",
        ["merchant_id", "lookup_key"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_table("gateway_prices")
    op.drop_table("gateway_products")
