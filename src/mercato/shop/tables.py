"""The shop's tables in the platform's database (migration branch ``shop``).

What the gateway holds (products, their names and descriptions, prices) is read from the
gateway's tables; these hold only what the gateway does not: the shop itself, its shipping
rates, categories, the shop's side of each product (slug, colour, tax category), variants
with their stock, carts, and orders.

No foreign key points into another branch (ADR 0011): a product here is named by its
gateway id (``prod_...``), a variant's price by ``price_...``, a shop's merchant by
``acct_...``; the shop's code writes them from rows it has just read.

Stock lives on the variant as two counters, ``on_hand`` and ``reserved``, and the database
keeps ``0 <= reserved <= on_hand``: every change is one conditional UPDATE (``stock.py``),
never a read, a decision and a write.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, MinorUnits, UTCDateTime

metadata = sa.MetaData()


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(40), primary_key=True)


def _shop() -> sa.Column[str]:
    return sa.Column("shop_id", sa.String(40), sa.ForeignKey("shop_shops.id"), nullable=False)


shops = sa.Table(
    "shop_shops",
    metadata,
    _id(),  # shop_...
    sa.Column("merchant_id", sa.String(40), nullable=False),  # gateway_merchants.id
    sa.Column("slug", sa.String(60), nullable=False, unique=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("tagline", sa.String(200), nullable=True),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("state", sa.String(2), nullable=True),  # a US shop's home state
    sa.Column("nexus_states", JSONDocument, nullable=False),  # other US states it collects in
    sa.Column("currency", sa.String(3), nullable=False),  # lower case, as the gateway's
    sa.Column("prices_include_tax", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # +1 by the database's triggers at every change of what customers see of the catalog
    # (migration shop_0002): the key of each server process's copy (``showcase.py``).
    sa.Column("catalog_version", sa.BigInteger, nullable=False, server_default="0"),
)
sa.Index("shop_shops_by_merchant", shops.c.merchant_id)

shipping_rates = sa.Table(
    "shop_shipping_rates",
    metadata,
    _id(),  # ship_...
    _shop(),
    sa.Column("name", sa.String(80), nullable=False),
    # ISO country codes the rate ships to; ["*"] for every other country the shop serves.
    sa.Column("countries", JSONDocument, nullable=False),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("free_over", MinorUnits, nullable=True),  # items worth at least this: free
    sa.Column("position", sa.Integer, nullable=False),
)
sa.Index("shop_shipping_rates_by_shop", shipping_rates.c.shop_id, shipping_rates.c.position)

categories = sa.Table(
    "shop_categories",
    metadata,
    _id(),  # cat_...
    _shop(),
    sa.Column("slug", sa.String(60), nullable=False),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.UniqueConstraint("shop_id", "slug", name="shop_categories_slug"),
)

products = sa.Table(
    "shop_products",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # the gateway's prod_...
    _shop(),
    sa.Column("category_id", sa.String(40), sa.ForeignKey("shop_categories.id"), nullable=True),
    sa.Column("slug", sa.String(80), nullable=False),
    sa.Column("colour", sa.String(7), nullable=False),  # #rrggbb, for its placeholder image
    sa.Column("tax_category", sa.String(20), nullable=False),  # mercato.tax.TaxCategory
    sa.Column("position", sa.Integer, nullable=False),
    sa.UniqueConstraint("shop_id", "slug", name="shop_products_slug"),
)

variants = sa.Table(
    "shop_variants",
    metadata,
    _id(),  # var_...
    _shop(),
    sa.Column("product_id", sa.String(40), sa.ForeignKey("shop_products.id"), nullable=False),
    # The variant's current price (gateway_prices.id). Prices never change at the gateway:
    # repricing makes a new price and points the variant at it.
    sa.Column("price_id", sa.String(40), nullable=False),
    sa.Column("size", sa.String(20), nullable=True),
    sa.Column("colour", sa.String(30), nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("on_hand", sa.Integer, nullable=False),
    sa.Column("reserved", sa.Integer, nullable=False),
    sa.CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="shop_variants_stock"),
)
sa.Index("shop_variants_by_product", variants.c.product_id, variants.c.position)

carts = sa.Table(
    "shop_carts",
    metadata,
    _id(),  # cart_...
    _shop(),
    sa.Column("status", sa.String(12), nullable=False),  # open, ordered
    sa.Column("version", sa.Integer, nullable=False),  # +1 at every change of its lines
    sa.Column("country", sa.String(2), nullable=True),  # where the estimate ships to
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

cart_lines = sa.Table(
    "shop_cart_lines",
    metadata,
    _id(),  # cl_...
    sa.Column("cart_id", sa.String(40), sa.ForeignKey("shop_carts.id"), nullable=False),
    sa.Column("variant_id", sa.String(40), sa.ForeignKey("shop_variants.id"), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    # The unit price the customer last saw and accepted; a price changed since is shown.
    sa.Column("unit_amount", MinorUnits, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("cart_id", "variant_id", name="shop_cart_lines_variant"),
)

orders = sa.Table(
    "shop_orders",
    metadata,
    _id(),  # ord_...
    _shop(),
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("cart_id", sa.String(40), sa.ForeignKey("shop_carts.id"), nullable=False),
    sa.Column("cart_version", sa.Integer, nullable=False),
    # pending_payment -> paid | expired | replaced | refund_due (paid, stock gone)
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("access_key", sa.String(64), nullable=False),  # in the confirmation link
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("shipping_address", JSONDocument, nullable=False),
    sa.Column("billing_address", JSONDocument, nullable=False),
    sa.Column("vat_number", sa.String(20), nullable=True),
    sa.Column("shipping_name", sa.String(80), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount_net", MinorUnits, nullable=False),
    sa.Column("amount_tax", MinorUnits, nullable=False),
    sa.Column("amount_total", MinorUnits, nullable=False),
    sa.Column("tax_regime", sa.String(30), nullable=False),
    sa.Column("tax_notes", JSONDocument, nullable=False),
    # held (reserved until reserved_until) -> committed | released; short: paid, none left
    sa.Column("stock_status", sa.String(12), nullable=False),
    sa.Column("reserved_until", UTCDateTime, nullable=False),
    sa.Column("session_id", sa.String(40), nullable=True, unique=True),  # cs_...
    sa.Column("session_url", sa.String(2048), nullable=True),
    sa.Column("event_id", sa.String(40), nullable=True),  # the checkout.session.completed
    sa.Column("problem", sa.String(300), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("paid_at", UTCDateTime, nullable=True),
)
sa.Index("shop_orders_by_cart", orders.c.cart_id, orders.c.cart_version)
sa.Index("shop_orders_by_stock", orders.c.stock_status, orders.c.reserved_until)
sa.Index("shop_orders_by_status", orders.c.status, orders.c.created_at)

order_lines = sa.Table(
    "shop_order_lines",
    metadata,
    _id(),  # ol_...
    sa.Column("order_id", sa.String(40), sa.ForeignKey("shop_orders.id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),  # product, shipping
    sa.Column("variant_id", sa.String(40), nullable=True),
    sa.Column("price_id", sa.String(40), nullable=True),
    sa.Column("description", sa.String(300), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("unit_amount", MinorUnits, nullable=False),  # as the shop enters prices
    sa.Column("net", MinorUnits, nullable=False),
    sa.Column("tax", MinorUnits, nullable=False),
    sa.Column("gross", MinorUnits, nullable=False),
    sa.Column("tax_percent", sa.String(10), nullable=False),
)
sa.Index("shop_order_lines_by_order", order_lines.c.order_id, order_lines.c.position)
