"""Merchants as the card network knows them: card acceptors (ISO 8583 fields 41, 42, 43, 18).

Each merchant gets, on its first payment, a 15-character merchant id (``MERC`` and 11
digits), a terminal id (one virtual terminal, ``WEB00001``), a merchant category code
(5999, miscellaneous retail, unless set otherwise) and a fee schedule (Stripe's 2.9% + 30
cents unless set otherwise). The merchant id is derived from the merchant's own id, so two
processes making it at once make the same one; a collision with another merchant's is
refused by a unique index and the next candidate is tried.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from mercato.processor.fees import FeeSchedule
from mercato.processor.tables import acceptors

DEFAULT_MCC = "5999"  # ISO 18245: miscellaneous and specialty retail stores
TERMINAL_ID = "WEB00001"
NAME_LENGTH = 40
_CANDIDATES = 8


@dataclass(frozen=True)
class CardAcceptor:
    merchant_id: str
    mid: str
    terminal_id: str
    mcc: str
    fees: FeeSchedule


def candidate_mid(merchant_id: str, attempt: int = 0) -> str:
    """The ``attempt``-th candidate network merchant id for a merchant: 15 characters."""
    digest = hashlib.sha256(f"{attempt}:{merchant_id}".encode()).digest()
    return f"MERC{int.from_bytes(digest[:8], 'big') % 10**11:011d}"


def network_name(name: str) -> str:
    """A merchant's name as field 43 can carry it: printable ASCII, at most 40 characters,
    accents dropped ("Café Zoë" -> "Cafe Zoe"), never ending in a space."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    printable = "".join(char for char in ascii_only if " " <= char <= "~")
    shown = " ".join(printable.split())[:NAME_LENGTH].rstrip()
    return shown or "Mercato merchant"


def _acceptor(row: Any) -> CardAcceptor:
    return CardAcceptor(
        merchant_id=row.merchant_id,
        mid=row.mid,
        terminal_id=row.terminal_id,
        mcc=row.mcc,
        fees=FeeSchedule.from_record(row.fee_percent, row.fee_fixed),
    )


def find(connection: Connection, merchant_id: str) -> CardAcceptor | None:
    row = connection.execute(
        sa.select(acceptors).where(acceptors.c.merchant_id == merchant_id)
    ).first()
    return None if row is None else _acceptor(row)


def acceptor_for(connection: Connection, merchant_id: str, now: dt.datetime) -> CardAcceptor:
    """The merchant's card acceptor, made now if this is its first payment."""
    found = find(connection, merchant_id)
    if found is not None:
        return found
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for attempt in range(_CANDIDATES):
        inserted = connection.execute(
            dialect.insert(acceptors)
            .values(
                merchant_id=merchant_id,
                mid=candidate_mid(merchant_id, attempt),
                terminal_id=TERMINAL_ID,
                mcc=DEFAULT_MCC,
                fee_percent=str(FeeSchedule().percent),
                fee_fixed={},
                created_at=now,
            )
            .on_conflict_do_nothing()  # this merchant's row, or another's merchant id
            .returning(acceptors.c.merchant_id)
        ).first()
        found = find(connection, merchant_id)
        if found is not None:
            return found
        if inserted is not None:  # pragma: no cover - inserted rows are found
            break
    raise RuntimeError(f"no free network merchant id for {merchant_id}")


def set_terms(
    connection: Connection,
    merchant_id: str,
    now: dt.datetime,
    *,
    fees: FeeSchedule | None = None,
    mcc: str | None = None,
) -> CardAcceptor:
    """Change what a merchant pays, or its category code (an operator's decision)."""
    acceptor_for(connection, merchant_id, now)
    values: dict[str, Any] = {}
    if fees is not None:
        values.update(fee_percent=str(fees.percent), fee_fixed=dict(fees.fixed))
    if mcc is not None:
        if len(mcc) != 4 or not (mcc.isascii() and mcc.isdigit()):
            raise ValueError("a merchant category code is four digits")
        values["mcc"] = mcc
    if values:
        connection.execute(
            sa.update(acceptors).where(acceptors.c.merchant_id == merchant_id).values(**values)
        )
    found = find(connection, merchant_id)
    assert found is not None
    return found
