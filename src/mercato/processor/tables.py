"""The processor's own tables in the platform's database (migration branch ``processor``).

``processor_acceptors``: each merchant as the card network knows it (a card acceptor, in
ISO 8583's words): merchant id (field 42), terminal id (41), category code (18), and what
the processor charges it. Made on the merchant's first payment.

``processor_authorisations``: every authorisation request (0100) the processor sent, with
what it must still tell the issuer about it. This is the acquirer's memory of the wire: a
reversal or completion owed to the issuer is found here, never guessed.

``processor_stan_blocks``: one row, the next block of a thousand system trace audit numbers
(field 11) to hand out. Every process that talks to the network takes its STANs a block at
a time from here, so two API processes never send the same STAN in the same second (which
the issuer would refuse as a duplicate, 94).

``processor_presentments``: every capture (SALE) and refund (REFUND), written in the same
transaction as its money, waiting to be presented to its issuer in a clearing file.
``processor_clearing_files``: each day's file per issuer, the issuer's report on it, and
when its net was settled between the banks (settlement/clearing.py).
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import JSONDocument, MinorUnits, UTCDateTime

metadata = sa.MetaData()

acceptors = sa.Table(
    "processor_acceptors",
    metadata,
    sa.Column("merchant_id", sa.String(40), primary_key=True),  # acct_...
    sa.Column("mid", sa.String(15), nullable=False),
    sa.Column("terminal_id", sa.String(8), nullable=False),
    sa.Column("mcc", sa.String(4), nullable=False),
    # The percentage as decimal text ("2.9"): never a float.
    sa.Column("fee_percent", sa.String(12), nullable=False),
    # Fixed fee per currency in minor units ({"JPY": 0}); a currency not named here pays the
    # default scaled by its exponent (fees.FeeSchedule).
    sa.Column("fee_fixed", JSONDocument, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
sa.Index("processor_acceptors_by_mid", acceptors.c.mid, unique=True)

authorisations = sa.Table(
    "processor_authorisations",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("merchant_id", sa.String(40), nullable=False),
    sa.Column("reference", sa.String(40), nullable=False),  # the gateway's payment, pi_...
    sa.Column("issuer", sa.String(40), nullable=False),  # bins.BinEntry.issuer
    sa.Column("vault_card_id", sa.Uuid, nullable=False),
    sa.Column("acquirer_id", sa.String(11), nullable=False),
    sa.Column("stan", sa.Integer, nullable=False),
    sa.Column("rrn", sa.String(12), nullable=False),
    sa.Column("transmitted_at", UTCDateTime, nullable=False),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    # in_flight, approved, declined, failed (no answer, or not sent), captured, canceled
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("response_code", sa.String(2), nullable=True),
    sa.Column("approval_code", sa.String(6), nullable=True),
    sa.Column("cvc_result", sa.String(1), nullable=True),
    sa.Column("completed_amount", MinorUnits, nullable=True),
    # A message the issuer is still owed: "reverse" (0400) or "complete" (0220).
    sa.Column("follow_up", sa.String(8), nullable=True),
    sa.Column("follow_up_error", sa.String(200), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
sa.Index("processor_authorisations_by_rrn", authorisations.c.rrn, unique=True)
sa.Index("processor_authorisations_by_reference", authorisations.c.reference)

stan_blocks = sa.Table(
    "processor_stan_blocks",
    metadata,
    sa.Column("name", sa.String(20), primary_key=True),  # "network"
    sa.Column("next_block", sa.Integer, nullable=False),
)

presentments = sa.Table(
    "processor_presentments",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("authorisation_id", sa.Uuid, nullable=False),
    sa.Column("issuer", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(6), nullable=False),  # SALE or REFUND
    sa.Column("reference", sa.String(40), nullable=False),  # the charge (ch_) or refund (re_)
    sa.Column("rrn", sa.String(12), nullable=False),
    sa.Column("amount", MinorUnits, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("clearing_file_id", sa.String(64), nullable=True),
)
sa.Index(
    "processor_presentments_to_clear",
    presentments.c.issuer,
    presentments.c.clearing_file_id,
    presentments.c.created_at,
)
sa.Index("processor_presentments_by_reference", presentments.c.reference, unique=True)

clearing_files = sa.Table(
    "processor_clearing_files",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("issuer", sa.String(40), nullable=False),
    sa.Column("business_date", sa.Date, nullable=False),
    sa.Column("cutoff", UTCDateTime, nullable=False),
    sa.Column("path", sa.String(500), nullable=False),  # under the data directory
    sa.Column("records", sa.Integer, nullable=False),
    sa.Column("totals", JSONDocument, nullable=False),  # per currency, from the trailer
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("report", JSONDocument, nullable=True),  # the issuer's answer
    sa.Column("reported_at", UTCDateTime, nullable=True),
    sa.Column("settled_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("issuer", "business_date", name="processor_clearing_files_one_a_day"),
)
