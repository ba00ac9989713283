"""Reading a party's books: balances now and in the past, statements, holds."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa

from mercato.ledger.domain import (
    AccountSpec,
    Balance,
    Hold,
    HoldStatus,
    Side,
    Statement,
    StatementLine,
    TransactionType,
)
from mercato.ledger.errors import HoldNotFound
from mercato.ledger.rows import account_from_row, chunks, counters_from_row
from mercato.ledger.tables import accounts, open_holds, postings, transactions
from mercato.money import Money

if TYPE_CHECKING:
    from mercato.ledger.book import Book
    from mercato.ledger.rows import Account

_RESOLUTION_STATUS = {
    TransactionType.POST_PENDING.value: HoldStatus.POSTED,
    TransactionType.VOID_PENDING.value: HoldStatus.VOIDED,
    TransactionType.EXPIRE_PENDING.value: HoldStatus.EXPIRED,
}


def _normal(account: AccountSpec, debits_minus_credits: int) -> Money:
    """A debits-minus-credits sum, signed towards the account's normal side."""
    sign = 1 if account.normal_side is Side.DEBIT else -1
    return Money.of_minor(sign * debits_minus_credits, account.currency)


def balance(book: Book, account: Account) -> Balance:
    """The account's counters as they stand, with their version."""
    row = (
        book.connection.execute(sa.select(accounts).where(accounts.c.id == account.id))
        .mappings()
        .one()
    )
    return Balance(account.spec, counters_from_row(row), row["version"])


def balance_at(
    book: Book, account: Account, at: dt.datetime, known_at: dt.datetime | None
) -> Money:
    """The posted balance as it stood at ``at`` (by when things happened).

    With ``known_at``, only what had been recorded by then counts: the balance as the books
    showed it at that moment, before any later back-dated entry.
    """
    query = sa.select(sa.func.coalesce(sa.func.sum(postings.c.amount), 0)).where(
        postings.c.account_id == account.id,
        postings.c.pending.is_(False),
        postings.c.occurred_at <= at,
    )
    if known_at is not None:
        query = query.join(transactions, transactions.c.id == postings.c.transaction_id).where(
            transactions.c.recorded_at <= known_at
        )
    return _normal(account.spec, int(book.connection.execute(query).scalar_one()))


def statement(
    book: Book, account: Account, start: dt.datetime | None, end: dt.datetime | None
) -> Statement:
    """The account's posted entries from ``start`` (inclusive) to ``end`` (exclusive), each
    with the running balance after it, between an opening and a closing balance."""
    opening_query = sa.select(sa.func.coalesce(sa.func.sum(postings.c.amount), 0)).where(
        postings.c.account_id == account.id, postings.c.pending.is_(False)
    )
    if start is not None:
        opening_query = opening_query.where(postings.c.occurred_at < start)
        opening = int(book.connection.execute(opening_query).scalar_one())
    else:
        opening = 0
    query = (
        sa.select(
            postings.c.transaction_id,
            postings.c.occurred_at,
            postings.c.amount,
            transactions.c.description,
        )
        .join(transactions, transactions.c.id == postings.c.transaction_id)
        .where(postings.c.account_id == account.id, postings.c.pending.is_(False))
        .order_by(postings.c.occurred_at, postings.c.transaction_id, postings.c.position)
    )
    if start is not None:
        query = query.where(postings.c.occurred_at >= start)
    if end is not None:
        query = query.where(postings.c.occurred_at < end)
    running = opening
    lines = []
    spec = account.spec
    for row in book.connection.execute(query):
        running += row.amount
        lines.append(
            StatementLine(
                transaction_id=row.transaction_id,
                occurred_at=row.occurred_at,
                description=row.description,
                side=Side.DEBIT if row.amount > 0 else Side.CREDIT,
                amount=Money.of_minor(abs(row.amount), spec.currency),
                balance=_normal(spec, running),
            )
        )
    return Statement(
        account=spec,
        start=start,
        end=end,
        opening=_normal(spec, opening),
        lines=tuple(lines),
        closing=_normal(spec, running),
    )


def accounts_of(book: Book, owner: str | None) -> list[AccountSpec]:
    query = sa.select(accounts).order_by(accounts.c.code)
    if owner is not None:
        query = query.where(accounts.c.owner == owner)
    return [
        book.ledger.seen(book.connection, account_from_row(row)).spec
        for row in book.connection.execute(query).mappings()
    ]


def resolutions(book: Book, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[uuid.UUID, str]]:
    """For each of ``ids`` already resolved or reversed: the transaction that did so, its type."""
    found: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    if not ids:
        return found
    t = transactions.c
    for chunk in chunks(list(ids)):
        for column in (t.pending_id, t.reverses_id):
            rows = book.connection.execute(sa.select(column, t.id, t.type).where(column.in_(chunk)))
            for target, resolver, kind in rows:
                found[target] = (resolver, kind)
    return found


def hold(book: Book, hold_id: uuid.UUID) -> Hold:
    loaded = book.load_transactions([hold_id]).get(hold_id)
    if loaded is None or loaded.type is not TransactionType.PENDING:
        raise HoldNotFound(f"no hold {hold_id}")
    resolution = resolutions(book, [hold_id]).get(hold_id)
    if resolution is None:
        return Hold(loaded, HoldStatus.PENDING, None)
    return Hold(loaded, _RESOLUTION_STATUS[resolution[1]], resolution[0])


def due_holds(book: Book, now: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Holds past their expiry that nothing has resolved yet, oldest first."""
    query = (
        sa.select(open_holds.c.hold_id)
        .where(open_holds.c.expires_at <= now)
        .order_by(open_holds.c.expires_at)
        .limit(limit)
    )
    return list(book.connection.execute(query).scalars())
