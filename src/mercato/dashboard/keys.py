"""The merchant's API keys as the dashboard shows them (kind and last four characters),
and a new secret key, shown once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import merchants
from mercato.gateway.tables import api_keys

PREFIXES = {"secret": "sk_test_", "publishable": "pk_test_"}


@dataclass(frozen=True)
class KeyShown:
    kind: str
    masked: str
    created_at: Any
    revoked: bool


def listed(connection: Connection, merchant_id: str) -> list[KeyShown]:
    k = api_keys.c
    rows = connection.execute(
        sa.select(k.kind, k.last4, k.created_at, k.revoked_at)
        .where(k.merchant_id == merchant_id)
        .order_by(k.created_at.desc(), k.id.desc())
    ).all()
    return [
        KeyShown(
            row.kind,
            f"{PREFIXES.get(row.kind, '')}••••{row.last4}",
            row.created_at,
            row.revoked_at is not None,
        )
        for row in rows
    ]


def issue_secret_key(connection: Connection, merchant_id: str, clock: Clock) -> str:
    """A new secret key for the merchant; the key itself exists only in what this returns."""
    # The gateway issues keys only with a new merchant so far; its private step is the one
    # place that knows how a key is made and kept (hashed), so it is reused, not copied.
    return merchants._issue_key(connection, merchants.KeyKind.SECRET, merchant_id, clock)
