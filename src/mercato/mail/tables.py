"""The mail component's tables (migration branch ``mail``).

``mail_receipts``: one row per charge that is owed a receipt, written in the transaction
that recorded the payment's event; its primary key, the charge, is what makes a receipt
owed once however many events announce the same payment. ``mail_mailbox``: what the demo's
built-in SMTP server received, kept whole (the raw message) for the dashboard to show.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import UTCDateTime

metadata = sa.MetaData()

receipts = sa.Table(
    "mail_receipts",
    metadata,
    sa.Column("charge_id", sa.String(40), primary_key=True),  # ch_...
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("email", sa.String(800), nullable=False),
    sa.Column("number", sa.String(20), nullable=False),  # as the customer sees it: 1234-5678
    sa.Column("status", sa.String(12), nullable=False),  # pending, sent, not_sent, failed
    sa.Column("cause", sa.String(100), nullable=False),  # the event type that made it owed
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=True),
)
sa.Index("mail_receipts_by_merchant", receipts.c.merchant_id, receipts.c.created_at)

mailbox = sa.Table(
    "mail_mailbox",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("merchant_id", sa.String(40), nullable=True),  # from X-Mercato-Account
    sa.Column("message_id", sa.String(250), nullable=False, unique=True),
    sa.Column("sender", sa.String(800), nullable=False),
    sa.Column("recipients", sa.String(4000), nullable=False),  # comma-separated
    sa.Column("subject", sa.String(500), nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
)
sa.Index("mail_mailbox_by_merchant", mailbox.c.merchant_id, mailbox.c.received_at)
