"""The storefront: shops, shipping rates, categories, the shop's side of products, variants
with their stock, carts and orders.

Risk: none; creates nine new tables, which only the shop reads and writes.

Revision ID: shop_0001
Revises: shop_0000
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "shop_0001"
down_revision: str | Sequence[str] | None = "shop_0000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(40), primary_key=True)


def _shop() -> sa.Column[str]:
    return sa.Column("shop_id", sa.String(40), sa.ForeignKey("shop_shops.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "shop_shops",
        _id(),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("slug", sa.String(60), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("tagline", sa.String(200), nullable=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("state", sa.String(2), nullable=True),
        sa.Column("nexus_states", JSON, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("prices_include_tax", sa.Boolean, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("shop_shops_by_merchant", "shop_shops", ["merchant_id"])
    op.create_table(
        "shop_shipping_rates",
        _id(),
        _shop(),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("countries", JSON, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("free_over", sa.BigInteger, nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("shop_shipping_rates_by_shop", "shop_shipping_rates", ["shop_id", "position"])
    op.create_table(
        "shop_categories",
        _id(),
        _shop(),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("shop_id", "slug", name="shop_categories_slug"),
    )
    op.create_table(
        "shop_products",
        _id(),
        _shop(),
        sa.Column("category_id", sa.String(40), sa.ForeignKey("shop_categories.id"), nullable=True),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("colour", sa.String(7), nullable=False),
        sa.Column("tax_category", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("shop_id", "slug", name="shop_products_slug"),
    )
    op.create_table(
        "shop_variants",
        _id(),
        _shop(),
        sa.Column("product_id", sa.String(40), sa.ForeignKey("shop_products.id"), nullable=False),
        sa.Column("price_id", sa.String(40), nullable=False),
        sa.Column("size", sa.String(20), nullable=True),
        sa.Column("colour", sa.String(30), nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("on_hand", sa.Integer, nullable=False),
        sa.Column("reserved", sa.Integer, nullable=False),
        sa.CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="shop_variants_stock"),
    )
    op.create_index("shop_variants_by_product", "shop_variants", ["product_id", "position"])
    op.create_table(
        "shop_carts",
        _id(),
        _shop(),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "shop_cart_lines",
        _id(),
        sa.Column("cart_id", sa.String(40), sa.ForeignKey("shop_carts.id"), nullable=False),
        sa.Column("variant_id", sa.String(40), sa.ForeignKey("shop_variants.id"), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_amount", sa.BigInteger, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("cart_id", "variant_id", name="shop_cart_lines_variant"),
    )
    op.create_table(
        "shop_orders",
        _id(),
        _shop(),
        sa.Column("merchant_id", sa.String(40), nullable=False),
        sa.Column("cart_id", sa.String(40), sa.ForeignKey("shop_carts.id"), nullable=False),
        sa.Column("cart_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("access_key", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("shipping_address", JSON, nullable=False),
        sa.Column("billing_address", JSON, nullable=False),
        sa.Column("vat_number", sa.String(20), nullable=True),
        sa.Column("shipping_name", sa.String(80), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_net", sa.BigInteger, nullable=False),
        sa.Column("amount_tax", sa.BigInteger, nullable=False),
        sa.Column("amount_total", sa.BigInteger, nullable=False),
        sa.Column("tax_regime", sa.String(30), nullable=False),
        sa.Column("tax_notes", JSON, nullable=False),
        sa.Column("stock_status", sa.String(12), nullable=False),
        sa.Column("reserved_until", TIMESTAMP, nullable=False),
        sa.Column("session_id", sa.String(40), nullable=True, unique=True),
        sa.Column("session_url", sa.String(2048), nullable=True),
        sa.Column("event_id", sa.String(40), nullable=True),
        sa.Column("problem", sa.String(300), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("paid_at", TIMESTAMP, nullable=True),
    )
    op.create_index("shop_orders_by_cart", "shop_orders", ["cart_id", "cart_version"])
    op.create_index("shop_orders_by_stock", "shop_orders", ["stock_status", "reserved_until"])
    op.create_index("shop_orders_by_status", "shop_orders", ["status", "created_at"])
    op.create_table(
        "shop_order_lines",
        _id(),
        sa.Column("order_id", sa.String(40), sa.ForeignKey("shop_orders.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("variant_id", sa.String(40), nullable=True),
        sa.Column("price_id", sa.String(40), nullable=True),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_amount", sa.BigInteger, nullable=False),
        sa.Column("net", sa.BigInteger, nullable=False),
        sa.Column("tax", sa.BigInteger, nullable=False),
        sa.Column("gross", sa.BigInteger, nullable=False),
        sa.Column("tax_percent", sa.String(10), nullable=False),
    )
    op.create_index("shop_order_lines_by_order", "shop_order_lines", ["order_id", "position"])


def downgrade() -> None:
    for table in (
        "shop_order_lines",
        "shop_orders",
        "shop_cart_lines",
        "shop_carts",
        "shop_variants",
        "shop_products",
        "shop_categories",
        "shop_shipping_rates",
        "shop_shops",
    ):
        op.drop_table(table)
