"""The issuing bank's own tables (migration ``issuer_0001``), beside its ledger and vault.

No card number is in any of them: a card row points at the vault's record, which holds the
number encrypted. Balances are not here either: they are the ledger's, under the account's
``ledger_code``. The CVC is stored nowhere.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, MinorUnits, UTCDateTime

metadata = sa.MetaData()

cardholders = sa.Table(
    "issuer_cardholders",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

accounts = sa.Table(
    "issuer_accounts",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("cardholder_id", sa.Uuid, sa.ForeignKey("issuer_cardholders.id"), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("ledger_code", sa.String(200), nullable=False, unique=True),
    sa.Column("credit_limit", MinorUnits, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

cards = sa.Table(
    "issuer_cards",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("vault_card_id", sa.Uuid, nullable=False, unique=True),
    sa.Column("account_id", sa.Uuid, sa.ForeignKey("issuer_accounts.id"), nullable=False),
    sa.Column("brand", sa.String(20), nullable=False),
    sa.Column("last4", sa.String(4), nullable=False, index=True),
    sa.Column("expiry_year", sa.SmallInteger, nullable=False),
    sa.Column("expiry_month", sa.SmallInteger, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("requires_3ds", sa.Boolean, nullable=False),
    sa.Column("accepts_any_expiry", sa.Boolean, nullable=False),
    sa.Column("accepts_any_cvc", sa.Boolean, nullable=False),
    sa.Column("fault", sa.String(40), nullable=True),
    sa.Column("label", sa.String(200), nullable=False, server_default=""),
    sa.Column("test_card", sa.String(60), nullable=True, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

authorisations = sa.Table(
    "issuer_authorisations",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("acquirer_id", sa.String(11), nullable=False),
    sa.Column("stan", sa.Integer, nullable=False),
    sa.Column("transmitted_at", UTCDateTime, nullable=False),
    sa.Column("rrn", sa.String(12), nullable=False),
    sa.Column("request_digest", sa.String(64), nullable=False),
    sa.Column("card_id", sa.Uuid, sa.ForeignKey("issuer_cards.id"), nullable=True),
    sa.Column("account_id", sa.Uuid, sa.ForeignKey("issuer_accounts.id"), nullable=True),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("held_amount", MinorUnits, nullable=True),
    sa.Column("held_currency", sa.String(3), nullable=True),
    sa.Column("merchant_id", sa.String(15), nullable=False, server_default=""),
    sa.Column("merchant_name", sa.String(100), nullable=False, server_default=""),
    sa.Column("response_code", sa.String(2), nullable=False),
    sa.Column("decline", sa.String(40), nullable=True),
    sa.Column("approval_code", sa.String(6), nullable=True),
    sa.Column("cvc_result", sa.String(1), nullable=True),
    sa.Column("hold_id", sa.Uuid, nullable=True),
    sa.Column("hold_expires_at", UTCDateTime, nullable=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("completed_amount", MinorUnits, nullable=True),
    sa.Column("resolution_id", sa.Uuid, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint(
        "acquirer_id", "stan", "transmitted_at", name="issuer_authorisations_message_key"
    ),
    sa.Index("ix_issuer_authorisations_status_expiry", "status", "hold_expires_at"),
)

authentications = sa.Table(
    "issuer_authentications",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("card_id", sa.Uuid, sa.ForeignKey("issuer_cards.id"), nullable=True),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("merchant_name", sa.String(100), nullable=False),
    sa.Column("return_url", sa.String(2000), nullable=False),
    sa.Column("status", sa.String(1), nullable=False),
    sa.Column("eci", sa.String(2), nullable=True),
    sa.Column("authentication_value", sa.String(40), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("completed_at", UTCDateTime, nullable=True),
)

switches = sa.Table(
    "issuer_switches",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

clearing_files = sa.Table(
    "issuer_clearing_files",
    metadata,
    sa.Column("file_id", sa.String(64), primary_key=True),
    sa.Column("acquirer_id", sa.String(11), nullable=False),
    sa.Column("business_date", sa.Date, nullable=False),
    sa.Column("records", sa.Integer, nullable=False),
    sa.Column("report", JSONDocument, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
)
sa.Index("ix_issuer_authorisations_rrn", authorisations.c.acquirer_id, authorisations.c.rrn)
