"""The tables of payments in the platform's database: payment methods, payment intents,
charges and refunds. The card number itself is in the vault; here is only its vault id and
what may be shown (brand, last four, expiry). The processor's record of what went over the
wire is its own (``processor.tables``)."""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, MinorUnits, UTCDateTime

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

# Stripe's PaymentIntent: one payment's life, from creation to success or cancellation.
payment_intents = sa.Table(
    "payments_payment_intents",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # pi_...
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),  # lower case, as Stripe shows it
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("capture_method", sa.String(12), nullable=False),  # automatic, manual
    sa.Column("customer_id", sa.String(40), nullable=True),
    sa.Column("payment_method_id", sa.String(40), nullable=True),
    sa.Column("description", sa.String(1000), nullable=True),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("receipt_email", sa.String(800), nullable=True),
    sa.Column("return_url", sa.String(2048), nullable=True),
    sa.Column("client_secret", sa.String(80), nullable=False),
    sa.Column("request_three_d_secure", sa.String(12), nullable=False),  # automatic, any, ...
    sa.Column("amount_capturable", MinorUnits, nullable=False),
    sa.Column("amount_received", MinorUnits, nullable=False),
    sa.Column("latest_charge_id", sa.String(40), nullable=True),
    sa.Column("last_payment_error", JSONDocument, nullable=True),
    sa.Column("next_action", JSONDocument, nullable=True),
    # The 3-D Secure authentication waiting for the customer (its ACS id), while
    # requires_action.
    sa.Column("authentication_id", sa.String(64), nullable=True),
    # Which confirmation holds the intent while it is processing: the request's own token,
    # so the job that recovers a stuck one and the request cannot both finish it.
    sa.Column("processing_token", sa.String(40), nullable=True),
    sa.Column("cancellation_reason", sa.String(32), nullable=True),
    sa.Column("canceled_at", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
sa.Index(
    "payments_payment_intents_by_merchant", payment_intents.c.merchant_id, payment_intents.c.id
)
sa.Index("payments_payment_intents_by_customer", payment_intents.c.customer_id)
# The authorisations awaiting capture, oldest first: what the expiry duty reads each hour
# (``authorisation_expiry``), kept small however many intents are settled.
sa.Index(
    "payments_payment_intents_awaiting_capture",
    payment_intents.c.created_at,
    postgresql_where=payment_intents.c.status == "requires_capture",
    sqlite_where=payment_intents.c.status == "requires_capture",
)

# Stripe's Charge: one authorisation's outcome (succeeded or failed) and what became of it.
charges = sa.Table(
    "payments_charges",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # ch_...
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("payment_intent_id", sa.String(40), nullable=False),
    sa.Column("payment_method_id", sa.String(40), nullable=False),
    sa.Column("customer_id", sa.String(40), nullable=True),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # succeeded, failed
    sa.Column("captured", sa.Boolean, nullable=False),
    sa.Column("amount_captured", MinorUnits, nullable=False),
    sa.Column("amount_refunded", MinorUnits, nullable=False),
    sa.Column("fee", MinorUnits, nullable=False),
    sa.Column("description", sa.String(1000), nullable=True),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("receipt_email", sa.String(800), nullable=True),
    sa.Column("billing_details", JSONDocument, nullable=False),
    sa.Column("failure_code", sa.String(40), nullable=True),
    sa.Column("failure_message", sa.String(300), nullable=True),
    sa.Column("outcome", JSONDocument, nullable=False),
    # payment_method_details.card at the time of the charge (brand, last4, checks, 3DS...).
    sa.Column("card", JSONDocument, nullable=False),
    # The ISO 8583 details: response code, approval code, STAN, RRN (mercato_network).
    sa.Column("network", JSONDocument, nullable=False),
    sa.Column("authorisation_id", sa.Uuid, nullable=True),  # processor_authorisations
    sa.Column("ledger_hold_id", sa.Uuid, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("captured_at", UTCDateTime, nullable=True),
)
sa.Index("payments_charges_by_merchant", charges.c.merchant_id, charges.c.id)
sa.Index("payments_charges_by_payment_intent", charges.c.payment_intent_id)

# Stripe's Refund: money returned to the cardholder, out of a captured charge.
refunds = sa.Table(
    "payments_refunds",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # re_...
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("charge_id", sa.String(40), nullable=False),
    sa.Column("payment_intent_id", sa.String(40), nullable=False),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # succeeded
    sa.Column("reason", sa.String(32), nullable=True),
    sa.Column("metadata", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
sa.Index("payments_refunds_by_merchant", refunds.c.merchant_id, refunds.c.id)
sa.Index("payments_refunds_by_charge", refunds.c.charge_id, refunds.c.id)
