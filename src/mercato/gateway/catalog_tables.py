"""The catalog's tables in the platform's database: Stripe's products and prices, the
source of truth for what a merchant sells (migration ``gateway_0004``).

They belong to the gateway's migration branch and refer to ``gateway_merchants``, so they
are registered on the gateway's ``MetaData`` (``gateway.tables.metadata``): one set of
tables per branch, which the migration tests compare with what the migrations build.

Stock is not here on purpose: how many of a thing are left is the shop's business, not
the gateway's.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, MinorUnits, UTCDateTime
from mercato.gateway.tables import metadata

__all__ = ["metadata", "prices", "products"]

products = sa.Table(
    "gateway_products",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # prod_...
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False),
    sa.Column("name", sa.String(250), nullable=False),
    sa.Column("description", sa.String(5000), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    # One of this product's prices (gateway_prices.id). No foreign key: products and prices
    # would refer to each other, and the use cases check it under the product's row lock.
    sa.Column("default_price_id", sa.String(40), nullable=True),
    sa.Column("images", JSONDocument, nullable=False),  # up to 8 URLs
    sa.Column("shippable", sa.Boolean, nullable=True),
    sa.Column("statement_descriptor", sa.String(22), nullable=True),
    sa.Column("tax_code", sa.String(40), nullable=True),  # txcd_...
    sa.Column("unit_label", sa.String(12), nullable=True),
    sa.Column("url", sa.String(2048), nullable=True),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # Deleted products are kept (their events refer to them) and answer 404.
    sa.Column("deleted_at", UTCDateTime, nullable=True),
)
sa.Index("gateway_products_by_merchant", products.c.merchant_id, products.c.id)

prices = sa.Table(
    "gateway_prices",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # price_...
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False),
    sa.Column("product_id", sa.String(40), sa.ForeignKey("gateway_products.id"), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),  # lower case, as Stripe shows it
    # Whole minor units: Mercato prices nothing in fractions of a cent.
    sa.Column("unit_amount", MinorUnits, nullable=False),
    sa.Column("nickname", sa.String(250), nullable=True),
    sa.Column("lookup_key", sa.String(200), nullable=True),
    sa.Column("tax_behavior", sa.String(12), nullable=False),  # inclusive, exclusive, unspecified
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
sa.Index("gateway_prices_by_merchant", prices.c.merchant_id, prices.c.id)
sa.Index("gateway_prices_by_product", prices.c.product_id, prices.c.id)
# A lookup key names one price of a merchant's at a time (NULLs do not collide), whoever
# races for it: the database decides, not a read before the write.
sa.Index("gateway_prices_by_lookup_key", prices.c.merchant_id, prices.c.lookup_key, unique=True)
