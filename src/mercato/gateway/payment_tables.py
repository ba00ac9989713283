"""The tables of payments in the platform's database: payment methods (and, as the payment
chain grows, payment intents, charges and refunds). The card number itself is in the vault;
here is only its vault id and what may be shown (brand, last four, expiry)."""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, UTCDateTime

metadata = sa.MetaData()

payment_methods = sa.Table(
    "payments_payment_methods",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # pm_...
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),  # card
    sa.Column("vault_card_id", sa.Uuid, nullable=False),
    sa.Column("brand", sa.String(20), nullable=False),
    sa.Column("last4", sa.String(4), nullable=False),
    sa.Column("exp_month", sa.SmallInteger, nullable=False),
    sa.Column("exp_year", sa.SmallInteger, nullable=False),
    sa.Column("funding", sa.String(10), nullable=False),
    sa.Column("country", sa.String(2), nullable=True),
    sa.Column("fingerprint", sa.String(32), nullable=False),
    sa.Column("billing_details", JSONDocument, nullable=False),
    sa.Column("customer_id", sa.String(40), nullable=True),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
sa.Index(
    "payments_payment_methods_by_merchant", payment_methods.c.merchant_id, payment_methods.c.id
)
sa.Index("payments_payment_methods_by_customer", payment_methods.c.customer_id)
