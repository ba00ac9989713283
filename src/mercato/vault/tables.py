"""The vault's tables, in the database of each party that stores card numbers (the platform
and the issuing bank). Migration ``vault_0001`` creates them.

Nothing in them reads as a card number: the number is sealed under a data key, the data key
is wrapped under a master key that is not in the database, and the fingerprint is a keyed
HMAC. What is in the clear is what Stripe shows too: brand, first six and last four digits.
"""

from __future__ import annotations

import sqlalchemy as sa

from mercato.database.types import UTCDateTime

metadata = sa.MetaData()

data_keys = sa.Table(
    "vault_data_keys",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    # Which master key wraps it; rotation changes this and wrapped_key, nothing else.
    sa.Column("master_key_id", sa.String(64), nullable=False, index=True),
    sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("rewrapped_at", UTCDateTime, nullable=True),
)

cards = sa.Table(
    "vault_cards",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    # One row per card number: a second store of the same number finds this row.
    sa.Column("fingerprint", sa.String(32), nullable=False, unique=True),
    sa.Column("data_key_id", sa.Uuid, sa.ForeignKey("vault_data_keys.id"), nullable=False),
    sa.Column("ciphertext", sa.LargeBinary, nullable=False),
    sa.Column("brand", sa.String(16), nullable=False),
    sa.Column("bin", sa.String(6), nullable=False),
    sa.Column("last4", sa.String(4), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
