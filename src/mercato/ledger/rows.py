"""Mapping the ledger's rows onto its values, and reading them in bounded chunks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import RowMapping

from mercato.ledger.domain import AccountKind, AccountSpec, Counters
from mercato.money import Currency

CHUNK = 900
"""Rows per ``IN (...)`` list: below SQLite's bound-parameter limit, small for PostgreSQL."""


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class Account:
    """An account's identity and definition, as cached by the ledger."""

    id: uuid.UUID
    spec: AccountSpec


def account_from_row(row: RowMapping) -> Account:
    return Account(
        row["id"],
        AccountSpec(
            code=row["code"],
            currency=Currency.of(row["currency"]),
            kind=AccountKind(row["kind"]),
            name=row["name"],
            owner=row["owner"],
            debits_must_not_exceed_credits=row["debits_must_not_exceed_credits"],
            credits_must_not_exceed_debits=row["credits_must_not_exceed_debits"],
            metadata=row["metadata"],
        ),
    )


def counters_from_row(row: RowMapping) -> Counters:
    return Counters(
        debits_pending=row["debits_pending"],
        credits_pending=row["credits_pending"],
        debits_posted=row["debits_posted"],
        credits_posted=row["credits_posted"],
    )
