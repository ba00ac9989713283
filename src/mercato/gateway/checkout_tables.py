"""The hosted checkout's tables in the platform's database: Stripe's Checkout Sessions and
Payment Links, each with its line items (migration ``gateway_0005``).

They belong to the gateway's migration branch and are registered on its ``MetaData``
(``gateway.tables.metadata``), as the catalog's are. A session's payment intent lives on the
``payments`` branch, so ``payment_intent_id`` names it by id only (ADR 0011).
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, MinorUnits, UTCDateTime
from mercato.gateway.tables import metadata

__all__ = [
    "metadata",
    "payment_link_line_items",
    "payment_links",
    "session_line_items",
    "sessions",
]

payment_links = sa.Table(
    "gateway_payment_links",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # plink_...
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),  # its prices', lower case
    sa.Column("url", sa.String(2048), nullable=False),  # the public page, /b/{id}
    # {"type": "redirect", "redirect": {"url": ...}} or {"type": "hosted_confirmation", ...}
    sa.Column("after_completion", JSONDocument, nullable=False),
    sa.Column("submit_type", sa.String(8), nullable=False),  # auto, pay, book, donate
    sa.Column("inactive_message", sa.String(500), nullable=True),
    # What the sessions it opens pass on to their payment intents (capture_method, ...).
    sa.Column("payment_intent_data", JSONDocument, nullable=True),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
sa.Index("gateway_payment_links_by_merchant", payment_links.c.merchant_id, payment_links.c.id)

payment_link_line_items = sa.Table(
    "gateway_payment_link_line_items",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # li_...
    sa.Column(
        "payment_link_id",
        sa.String(40),
        sa.ForeignKey("gateway_payment_links.id"),
        nullable=False,
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("price_id", sa.String(40), sa.ForeignKey("gateway_prices.id"), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
)
sa.Index(
    "gateway_payment_link_line_items_by_link",
    payment_link_line_items.c.payment_link_id,
    payment_link_line_items.c.position,
)

sessions = sa.Table(
    "gateway_checkout_sessions",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # cs_...
    sa.Column("merchant_id", sa.String(40), sa.ForeignKey("gateway_merchants.id"), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),  # open, complete, expired
    sa.Column("mode", sa.String(12), nullable=False),  # payment
    sa.Column("currency", sa.String(3), nullable=False),
    # What the customer pays, fixed when the session is made (a price never changes).
    sa.Column("amount_subtotal", MinorUnits, nullable=False),
    sa.Column("amount_total", MinorUnits, nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),  # the hosted page, /pay/{id}
    sa.Column("success_url", sa.String(2048), nullable=False),
    sa.Column("cancel_url", sa.String(2048), nullable=True),
    sa.Column("customer_email", sa.String(512), nullable=True),
    sa.Column("client_reference_id", sa.String(200), nullable=True),
    sa.Column("submit_type", sa.String(8), nullable=True),
    sa.Column("payment_intent_data", JSONDocument, nullable=False),
    # Made when the customer first presses Pay; one per session, kept across attempts.
    sa.Column("payment_intent_id", sa.String(40), nullable=True),
    sa.Column(
        "payment_link_id", sa.String(40), sa.ForeignKey("gateway_payment_links.id"), nullable=True
    ),
    # Who paid (e-mail, name on the card), filled in when the session completes.
    sa.Column("customer_details", JSONDocument, nullable=True),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
sa.Index("gateway_checkout_sessions_by_merchant", sessions.c.merchant_id, sessions.c.id)
# The worker's duty looks for open sessions past their expiry, or paid but not yet complete.
sa.Index("gateway_checkout_sessions_by_status", sessions.c.status, sessions.c.expires_at)
sa.Index("gateway_checkout_sessions_by_intent", sessions.c.payment_intent_id)

session_line_items = sa.Table(
    "gateway_checkout_line_items",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # li_...
    sa.Column(
        "session_id", sa.String(40), sa.ForeignKey("gateway_checkout_sessions.id"), nullable=False
    ),
    sa.Column("position", sa.Integer, nullable=False),
    # The amounts follow from the price (whose amount never changes) and the quantity.
    sa.Column("price_id", sa.String(40), sa.ForeignKey("gateway_prices.id"), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("description", sa.String(250), nullable=False),  # the product's name then
)
sa.Index(
    "gateway_checkout_line_items_by_session",
    session_line_items.c.session_id,
    session_line_items.c.position,
)
