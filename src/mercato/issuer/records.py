"""The bank's records as values, and the queries that read and write them.

Every function takes the open connection of the caller's unit of work; none commits.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from mercato.issuer import tables
from mercato.issuer.domain.cards import AccountKind, CardStatus, Expiry, Fault
from mercato.issuer.errors import AmbiguousCard, CardNotFound
from mercato.money import Currency, Money


class AuthorisationStatus(enum.StrEnum):
    PENDING = "pending"  # only inside the transaction that judges it
    APPROVED = "approved"
    DECLINED = "declined"
    COMPLETED = "completed"
    REVERSED = "reversed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    cardholder_id: uuid.UUID
    kind: AccountKind
    currency: Currency
    ledger_code: str
    credit_limit: Money | None


@dataclass(frozen=True)
class Card:
    id: uuid.UUID
    vault_card_id: uuid.UUID
    account_id: uuid.UUID
    brand: str
    last4: str
    expiry: Expiry
    status: CardStatus
    requires_3ds: bool
    accepts_any_expiry: bool
    accepts_any_cvc: bool
    fault: Fault | None
    label: str
    test_card: str | None


@dataclass(frozen=True)
class Authorisation:
    id: uuid.UUID
    acquirer_id: str
    stan: int
    transmitted_at: dt.datetime
    rrn: str
    request_digest: str
    card_id: uuid.UUID | None
    account_id: uuid.UUID | None
    amount: Money
    held: Money | None
    merchant_name: str
    response_code: str
    approval_code: str | None
    cvc_result: str | None
    hold_id: uuid.UUID | None
    hold_expires_at: dt.datetime | None
    status: AuthorisationStatus
    completed_amount: Money | None
    resolution_id: uuid.UUID | None
    created_at: dt.datetime


def insert(connection: Connection, table: sa.Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_nothing`` on both backends."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


# Accounts and cards ----------------------------------------------------------------------


def account_from_row(row: RowMapping) -> Account:
    currency = Currency.of(row["currency"])
    limit = row["credit_limit"]
    return Account(
        id=row["id"],
        cardholder_id=row["cardholder_id"],
        kind=AccountKind(row["kind"]),
        currency=currency,
        ledger_code=row["ledger_code"],
        credit_limit=None if limit is None else Money.of_minor(limit, currency),
    )


def card_from_row(row: RowMapping) -> Card:
    return Card(
        id=row["id"],
        vault_card_id=row["vault_card_id"],
        account_id=row["account_id"],
        brand=row["brand"],
        last4=row["last4"],
        expiry=Expiry(row["expiry_year"], row["expiry_month"]),
        status=CardStatus(row["status"]),
        requires_3ds=row["requires_3ds"],
        accepts_any_expiry=row["accepts_any_expiry"],
        accepts_any_cvc=row["accepts_any_cvc"],
        fault=Fault(row["fault"]) if row["fault"] else None,
        label=row["label"],
        test_card=row["test_card"],
    )


def account(connection: Connection, account_id: uuid.UUID) -> Account | None:
    row = (
        connection.execute(sa.select(tables.accounts).where(tables.accounts.c.id == account_id))
        .mappings()
        .first()
    )
    return account_from_row(row) if row else None


def card_by_vault_id(connection: Connection, vault_card_id: uuid.UUID) -> Card | None:
    row = (
        connection.execute(
            sa.select(tables.cards).where(tables.cards.c.vault_card_id == vault_card_id)
        )
        .mappings()
        .first()
    )
    return card_from_row(row) if row else None


def card(connection: Connection, card_id: uuid.UUID) -> Card | None:
    row = (
        connection.execute(sa.select(tables.cards).where(tables.cards.c.id == card_id))
        .mappings()
        .first()
    )
    return card_from_row(row) if row else None


def card_by_reference(connection: Connection, reference: str) -> Card:
    """A card named by its id or by its last four digits (which must then be unique)."""
    try:
        by_id = card(connection, uuid.UUID(reference))
    except ValueError:
        by_id = None
    if by_id is not None:
        return by_id
    rows = (
        connection.execute(sa.select(tables.cards).where(tables.cards.c.last4 == reference))
        .mappings()
        .all()
    )
    if not rows:
        raise CardNotFound(f"no card {reference!r} (give its id or its last four digits)")
    if len(rows) > 1:
        raise AmbiguousCard(f"{len(rows)} cards end in {reference}; give the card's id")
    return card_from_row(rows[0])


def all_cards(connection: Connection) -> list[tuple[Card, Account]]:
    query = (
        sa.select(tables.cards, tables.accounts)
        .join(tables.accounts, tables.accounts.c.id == tables.cards.c.account_id)
        .order_by(tables.cards.c.created_at, tables.cards.c.id)
    )
    found = []
    for row in connection.execute(query).mappings():
        card_row = {c.name: row[tables.cards.c[c.name]] for c in tables.cards.columns}
        account_row = {c.name: row[tables.accounts.c[c.name]] for c in tables.accounts.columns}
        found.append((card_from_row(card_row), account_from_row(account_row)))  # type: ignore[arg-type]
    return found


def test_card_slugs(connection: Connection) -> set[str]:
    query = sa.select(tables.cards.c.test_card).where(tables.cards.c.test_card.is_not(None))
    return set(connection.execute(query).scalars())


# Authorisations --------------------------------------------------------------------------


def authorisation_from_row(row: RowMapping) -> Authorisation:
    currency = Currency.of(row["currency"])
    held_currency = row["held_currency"]
    held = None
    if held_currency is not None and row["held_amount"] is not None:
        held = Money.of_minor(row["held_amount"], held_currency)
    completed = row["completed_amount"]
    return Authorisation(
        id=row["id"],
        acquirer_id=row["acquirer_id"],
        stan=row["stan"],
        transmitted_at=row["transmitted_at"],
        rrn=row["rrn"],
        request_digest=row["request_digest"],
        card_id=row["card_id"],
        account_id=row["account_id"],
        amount=Money.of_minor(row["amount"], currency),
        held=held,
        merchant_name=row["merchant_name"],
        response_code=row["response_code"],
        approval_code=row["approval_code"],
        cvc_result=row["cvc_result"],
        hold_id=row["hold_id"],
        hold_expires_at=row["hold_expires_at"],
        status=AuthorisationStatus(row["status"]),
        completed_amount=None if completed is None else Money.of_minor(completed, currency),
        resolution_id=row["resolution_id"],
        created_at=row["created_at"],
    )


def claim_authorisation(connection: Connection, row: dict[str, Any]) -> bool:
    """Insert a new authorisation under its message key (acquirer, STAN, transmission
    time); False if that key is already taken. On PostgreSQL a concurrent first insert of
    the same key makes this one wait for it to commit: a retransmission racing its original
    is then answered from the original's row."""
    statement = (
        insert(connection, tables.authorisations)
        .on_conflict_do_nothing(index_elements=["acquirer_id", "stan", "transmitted_at"])
        .returning(tables.authorisations.c.id)
    )
    return connection.execute(statement, row).first() is not None


def authorisation_by_message(
    connection: Connection,
    acquirer_id: str,
    stan: int,
    transmitted_at: dt.datetime,
    *,
    lock: bool = False,
) -> Authorisation | None:
    """The authorisation a message key names; with ``lock``, its row is locked until commit
    (a completion and a reversal of one original never run side by side)."""
    c = tables.authorisations.c
    query = sa.select(tables.authorisations).where(
        c.acquirer_id == acquirer_id, c.stan == stan, c.transmitted_at == transmitted_at
    )
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).mappings().first()
    return authorisation_from_row(row) if row else None


def update_authorisation(
    connection: Connection, authorisation_id: uuid.UUID, now: dt.datetime, **values: Any
) -> None:
    connection.execute(
        sa.update(tables.authorisations)
        .where(tables.authorisations.c.id == authorisation_id)
        .values(updated_at=now, **values)
    )


def open_authorisations(
    connection: Connection, *, due_by: dt.datetime | None = None
) -> list[Authorisation]:
    """Approved authorisations whose hold is still open (or, with ``due_by``, whose hold
    expires by then), oldest first."""
    c = tables.authorisations.c
    query = (
        sa.select(tables.authorisations)
        .where(c.status == AuthorisationStatus.APPROVED.value)
        .order_by(c.hold_expires_at, c.id)
    )
    if due_by is not None:
        query = query.where(c.hold_expires_at <= due_by)
    return [authorisation_from_row(row) for row in connection.execute(query).mappings()]


# Switches --------------------------------------------------------------------------------

OUTAGE = "outage"


def switch_is_on(connection: Connection, name: str) -> bool:
    query = sa.select(tables.switches.c.enabled).where(tables.switches.c.name == name)
    return bool(connection.execute(query).scalar())


def set_switch(connection: Connection, name: str, enabled: bool, now: dt.datetime) -> None:
    statement = insert(connection, tables.switches).values(
        name=name, enabled=enabled, changed_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["name"], set_={"enabled": enabled, "changed_at": now}
    )
    connection.execute(statement)
