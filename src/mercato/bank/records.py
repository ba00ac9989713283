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

from mercato.bank import identity, tables
from mercato.bank.errors import AccountNotFound, CustomerNotFound, FileNotFound
from mercato.money import Currency, Money


class CustomerKind(enum.StrEnum):
    BUSINESS = "business"  # a merchant's business: signs in to internet banking
    PLATFORM = "platform"  # the acquirer: exchanges files host to host, pays the payouts
    ISSUER = "issuer"  # the issuing bank: keeps a settlement account


class AccountStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Direction(enum.StrEnum):
    IN = "in"  # files a customer sent the bank
    OUT = "out"  # files the bank made for a customer


class FileKind(enum.StrEnum):
    NACHA = "nacha"
    PAIN001 = "pain.001"
    NACHA_RETURNS = "nacha-returns"
    PAIN002 = "pain.002"
    CAMT053 = "camt.053"


class FileStatus(enum.StrEnum):
    RECEIVED = "received"  # waiting for its processing day
    PROCESSED = "processed"  # applied (and what could not be, returned)
    AVAILABLE = "available"  # a file the bank made, ready to fetch


@dataclass(frozen=True)
class Customer:
    id: uuid.UUID
    name: str
    kind: CustomerKind
    login: str | None
    has_h2h_token: bool
    created_at: dt.datetime


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    customer_id: uuid.UUID
    currency: Currency
    account_number: str
    iban: str
    name: str
    status: AccountStatus
    ledger_code: str
    created_at: dt.datetime

    @property
    def routing_number(self) -> str:
        return identity.ROUTING_NUMBER

    @property
    def bic(self) -> str:
        return identity.BIC

    @property
    def is_open(self) -> bool:
        return self.status is AccountStatus.OPEN


@dataclass(frozen=True)
class BankFile:
    id: str
    customer_id: uuid.UUID
    direction: Direction
    name: str
    kind: FileKind
    digest: str
    status: FileStatus
    processing_day: dt.date
    applied: int | None
    returned: int | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Entry:
    """One booking on one account, as a statement shows it."""

    id: uuid.UUID
    account_id: uuid.UUID
    day: dt.date
    direction: str  # CRDT or DBIT, as camt.053 says it
    amount: Money
    kind: str
    ledger_key: str
    end_to_end_id: str | None
    remittance: str | None
    counterparty: str | None
    created_at: dt.datetime


def insert(connection: Connection, table: sa.Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_nothing`` on both backends."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# Customers ---------------------------------------------------------------------------------


def _customer(row: RowMapping) -> Customer:
    return Customer(
        id=row["id"],
        name=row["name"],
        kind=CustomerKind(row["kind"]),
        login=row["login"],
        has_h2h_token=row["h2h_token_digest"] is not None,
        created_at=row["created_at"],
    )


def add_customer(connection: Connection, row: dict[str, Any]) -> None:
    connection.execute(sa.insert(tables.customers), row)


def customer(connection: Connection, customer_id: uuid.UUID) -> Customer:
    row = (
        connection.execute(sa.select(tables.customers).where(tables.customers.c.id == customer_id))
        .mappings()
        .first()
    )
    if row is None:
        raise CustomerNotFound(f"no customer {customer_id}")
    return _customer(row)


def customer_by_reference(connection: Connection, reference: str) -> Customer:
    """A customer named by id, login or exact name."""
    c = tables.customers.c
    try:
        return customer(connection, uuid.UUID(reference))
    except ValueError:
        pass
    rows = (
        connection.execute(
            sa.select(tables.customers).where(sa.or_(c.login == reference, c.name == reference))
        )
        .mappings()
        .all()
    )
    if len(rows) != 1:
        found = "no customer" if not rows else f"{len(rows)} customers"
        raise CustomerNotFound(f"{found} named {reference!r} (give the id)")
    return _customer(rows[0])


def customers(connection: Connection) -> list[Customer]:
    rows = connection.execute(sa.select(tables.customers).order_by(tables.customers.c.created_at))
    return [_customer(row) for row in rows.mappings()]


def customers_of_kind(connection: Connection, kind: CustomerKind) -> list[Customer]:
    c = tables.customers.c
    rows = connection.execute(
        sa.select(tables.customers).where(c.kind == kind.value).order_by(c.created_at, c.id)
    )
    return [_customer(row) for row in rows.mappings()]


def customer_by_token_digest(connection: Connection, digest: str) -> Customer | None:
    c = tables.customers.c
    row = (
        connection.execute(sa.select(tables.customers).where(c.h2h_token_digest == digest))
        .mappings()
        .first()
    )
    return _customer(row) if row is not None else None


def password_hash(connection: Connection, login: str) -> tuple[uuid.UUID, str] | None:
    c = tables.customers.c
    row = connection.execute(
        sa.select(c.id, c.password_hash).where(c.login == login, c.password_hash.is_not(None))
    ).first()
    return (row.id, row.password_hash) if row is not None else None


def set_customer(connection: Connection, customer_id: uuid.UUID, **values: Any) -> None:
    connection.execute(
        sa.update(tables.customers).where(tables.customers.c.id == customer_id).values(**values)
    )


def login_taken(connection: Connection, login: str) -> bool:
    c = tables.customers.c
    return connection.execute(sa.select(c.id).where(c.login == login)).first() is not None


# Accounts ----------------------------------------------------------------------------------


def _account(row: RowMapping) -> Account:
    return Account(
        id=row["id"],
        customer_id=row["customer_id"],
        currency=Currency.of(row["currency"]),
        account_number=row["account_number"],
        iban=row["iban"],
        name=row["name"],
        status=AccountStatus(row["status"]),
        ledger_code=row["ledger_code"],
        created_at=row["created_at"],
    )


def add_account(connection: Connection, row: dict[str, Any]) -> None:
    connection.execute(sa.insert(tables.accounts), row)


def account_number_taken(connection: Connection, number: str) -> bool:
    c = tables.accounts.c
    return connection.execute(sa.select(c.id).where(c.account_number == number)).first() is not None


def account(connection: Connection, account_id: uuid.UUID) -> Account:
    row = (
        connection.execute(sa.select(tables.accounts).where(tables.accounts.c.id == account_id))
        .mappings()
        .first()
    )
    if row is None:
        raise AccountNotFound(f"no account {account_id}")
    return _account(row)


def account_by_number(connection: Connection, number: str) -> Account | None:
    c = tables.accounts.c
    row = (
        connection.execute(sa.select(tables.accounts).where(c.account_number == number))
        .mappings()
        .first()
    )
    return _account(row) if row is not None else None


def account_by_reference(connection: Connection, reference: str) -> Account:
    """An account named by id, account number or IBAN."""
    try:
        return account(connection, uuid.UUID(reference))
    except ValueError:
        pass
    compact = reference.replace(" ", "").upper()
    number = identity.account_number_in(compact) if compact[:2].isalpha() else compact
    found = account_by_number(connection, number) if number else None
    if found is None:
        raise AccountNotFound(f"no account {reference!r} at this bank")
    return found


def accounts(connection: Connection, customer_id: uuid.UUID | None = None) -> list[Account]:
    c = tables.accounts.c
    query = sa.select(tables.accounts).order_by(c.created_at, c.id)
    if customer_id is not None:
        query = query.where(c.customer_id == customer_id)
    return [_account(row) for row in connection.execute(query).mappings()]


def close_account(connection: Connection, account_id: uuid.UUID, at: dt.datetime) -> None:
    connection.execute(
        sa.update(tables.accounts)
        .where(tables.accounts.c.id == account_id)
        .values(status=AccountStatus.CLOSED.value, closed_at=at)
    )


# Files -------------------------------------------------------------------------------------


def _file(row: RowMapping) -> BankFile:
    return BankFile(
        id=row["id"],
        customer_id=row["customer_id"],
        direction=Direction(row["direction"]),
        name=row["name"],
        kind=FileKind(row["kind"]),
        digest=row["digest"],
        status=FileStatus(row["status"]),
        processing_day=row["processing_day"],
        applied=row["applied"],
        returned=row["returned"],
        created_at=row["created_at"],
    )


_FILE_COLUMNS = [c for c in tables.files.c if c.name != "content"]


def claim_file(connection: Connection, row: dict[str, Any]) -> bool:
    """Insert a file under its (customer, direction, name); False if the name is taken."""
    statement = (
        insert(connection, tables.files)
        .on_conflict_do_nothing(index_elements=["customer_id", "direction", "name"])
        .returning(tables.files.c.id)
    )
    return connection.execute(statement, row).first() is not None


def file_by_name(
    connection: Connection, customer_id: uuid.UUID, direction: Direction, name: str
) -> BankFile | None:
    c = tables.files.c
    row = (
        connection.execute(
            sa.select(*_FILE_COLUMNS).where(
                c.customer_id == customer_id, c.direction == direction.value, c.name == name
            )
        )
        .mappings()
        .first()
    )
    return _file(row) if row is not None else None


def file(connection: Connection, file_id: str) -> BankFile:
    c = tables.files.c
    row = connection.execute(sa.select(*_FILE_COLUMNS).where(c.id == file_id)).mappings().first()
    if row is None:
        raise FileNotFound(f"no file {file_id!r}")
    return _file(row)


def file_content(connection: Connection, file_id: str) -> bytes:
    c = tables.files.c
    content = connection.execute(sa.select(c.content).where(c.id == file_id)).scalar()
    if content is None:
        raise FileNotFound(f"no file {file_id!r}")
    return bytes(content)


def files(
    connection: Connection,
    *,
    customer_id: uuid.UUID | None = None,
    direction: Direction | None = None,
    after: str | None = None,
    limit: int = 100,
) -> list[BankFile]:
    """Files oldest first (ids sort in the order they were made)."""
    c = tables.files.c
    query = sa.select(*_FILE_COLUMNS).order_by(c.id).limit(limit)
    if customer_id is not None:
        query = query.where(c.customer_id == customer_id)
    if direction is not None:
        query = query.where(c.direction == direction.value)
    if after is not None:
        query = query.where(c.id > after)
    return [_file(row) for row in connection.execute(query).mappings()]


def files_due(connection: Connection, day: dt.date) -> list[BankFile]:
    """Received files whose processing day has come, in the order they arrived."""
    c = tables.files.c
    query = (
        sa.select(*_FILE_COLUMNS)
        .where(
            c.direction == Direction.IN.value,
            c.status == FileStatus.RECEIVED.value,
            c.processing_day <= day,
        )
        .order_by(c.id)
    )
    return [_file(row) for row in connection.execute(query).mappings()]


def lock_file(connection: Connection, file_id: str) -> BankFile:
    """The file's row, locked until the end of the transaction (PostgreSQL)."""
    c = tables.files.c
    row = (
        connection.execute(sa.select(*_FILE_COLUMNS).where(c.id == file_id).with_for_update())
        .mappings()
        .one()
    )
    return _file(row)


def mark_processed(
    connection: Connection, file_id: str, *, applied: int, returned: int, at: dt.datetime
) -> None:
    connection.execute(
        sa.update(tables.files)
        .where(tables.files.c.id == file_id)
        .values(status=FileStatus.PROCESSED.value, applied=applied, returned=returned,
                processed_at=at)
    )  # fmt: skip


# Entries -----------------------------------------------------------------------------------


def add_entries(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Record statement lines; a line already recorded for its booking is kept as it was."""
    statement = insert(connection, tables.entries).on_conflict_do_nothing(
        index_elements=["ledger_key", "account_id"]
    )
    for row in rows:
        connection.execute(statement, row)


def _entry(row: RowMapping) -> Entry:
    return Entry(
        id=row["id"],
        account_id=row["account_id"],
        day=row["day"],
        direction=row["direction"],
        amount=Money.of_minor(row["amount"], row["currency"]),
        kind=row["kind"],
        ledger_key=row["ledger_key"],
        end_to_end_id=row["end_to_end_id"],
        remittance=row["remittance"],
        counterparty=row["counterparty"],
        created_at=row["created_at"],
    )


def entries(
    connection: Connection, account_id: uuid.UUID, day: dt.date | None = None
) -> list[Entry]:
    c = tables.entries.c
    query = sa.select(tables.entries).where(c.account_id == account_id)
    if day is not None:
        query = query.where(c.day == day)
    query = query.order_by(c.day, c.created_at, c.id)
    return [_entry(row) for row in connection.execute(query).mappings()]


def accounts_with_entries(connection: Connection, day: dt.date) -> set[uuid.UUID]:
    c = tables.entries.c
    return set(connection.execute(sa.select(c.account_id).where(c.day == day).distinct()).scalars())


# Settlements -------------------------------------------------------------------------------


def claim_settlement(connection: Connection, row: dict[str, Any]) -> bool:
    statement = (
        insert(connection, tables.settlements)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(tables.settlements.c.id)
    )
    return connection.execute(statement, row).first() is not None


def settlement(connection: Connection, settlement_id: str) -> RowMapping | None:
    c = tables.settlements.c
    return (
        connection.execute(sa.select(tables.settlements).where(c.id == settlement_id))
        .mappings()
        .first()
    )


# Processing days ---------------------------------------------------------------------------


def note_day(connection: Connection, day: dt.date) -> None:
    """Remember that ``day`` has work (the calendar starts at the earliest such day)."""
    connection.execute(
        insert(connection, tables.days).on_conflict_do_nothing(index_elements=["day"]),
        {"day": day, "processed_at": None},
    )


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def last_processed_day(connection: Connection) -> dt.date | None:
    c = tables.days.c
    return _date(
        connection.execute(
            sa.select(sa.func.max(c.day)).where(c.processed_at.is_not(None))
        ).scalar()
    )


def first_noted_day(connection: Connection) -> dt.date | None:
    return _date(connection.execute(sa.select(sa.func.min(tables.days.c.day))).scalar())


def day_processed(connection: Connection, day: dt.date) -> bool:
    c = tables.days.c
    row = connection.execute(sa.select(c.processed_at).where(c.day == day)).first()
    return row is not None and row.processed_at is not None


def lock_day(connection: Connection, day: dt.date) -> None:
    """Note the day and lock its row: two processes never run the same day at once."""
    note_day(connection, day)
    connection.execute(
        sa.select(tables.days.c.day).where(tables.days.c.day == day).with_for_update()
    )


def mark_day_processed(connection: Connection, day: dt.date, at: dt.datetime) -> None:
    connection.execute(
        sa.update(tables.days).where(tables.days.c.day == day).values(processed_at=at)
    )


def processed_days(connection: Connection) -> list[dt.date]:
    c = tables.days.c
    return list(
        connection.execute(
            sa.select(c.day).where(c.processed_at.is_not(None)).order_by(c.day)
        ).scalars()
    )
