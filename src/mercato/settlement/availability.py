"""Funds becoming available: the duty ``balance.make_available``.

Every balance transaction still pending whose ``available_on`` has passed (by the clock)
is made available, in batches (ADR 0019). A batch is one database transaction that:

1. in one statement, takes the next ``BATCH`` due rows, oldest due first, from the partial
   index of pending rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL: a second worker skips
   them and takes the next ones), marks them available with the batch's id
   (``available_batch``), and returns their merchants, currencies and nets;
2. posts, per merchant and currency among them, the sum of their nets from pending to
   available: one ledger transaction each, keyed by the batch, the merchant and the
   currency (``books.made_available``), all in one ``post_batch``.

Killed mid-way, a batch leaves nothing behind: its rows are still pending and the next run
takes them in a new batch; a batch that committed is never taken again (its rows are no
longer pending). Rows are read a batch at a time, never all at once, in the order they were
written, so a day's rows are read from the table's pages once, not once per merchant.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock
from mercato.database.engine import writing
from mercato.gateway.ids import new_id
from mercato.ledger import Ledger, NewTransaction
from mercato.money import Currency, Money
from mercato.settlement import books
from mercato.settlement.tables import balance_transactions, pending_rows
from mercato.settlement.transactions import AVAILABLE, PENDING

DUTY = "balance.make_available"
BATCH = 50_000

t = balance_transactions.c


def make_available(engine: Engine, ledger: Ledger, clock: Clock, *, batch: int = BATCH) -> int:
    """Make every due balance transaction available; returns how many were."""
    now = clock.now()
    done = 0
    while (made := _one_batch(engine, ledger, now, batch)) > 0:
        done += made
        if made < batch:
            break
    return done


def _flip(
    connection: Connection, taken: sa.Select[tuple[str]], batch_id: str
) -> list[tuple[str, str, int, int]]:
    """Mark the rows ``taken`` selects available in batch ``batch_id``; returns, per
    merchant and currency among them, how many and the sum of their nets.

    On PostgreSQL in one statement that returns only the sums: the ids become one array
    looked up in the primary key (as ``IN (...)`` the planner joins the batch against a
    scan of the whole table, every batch), and the update's rows are summed where they
    are. SQLite cannot update inside a ``WITH``: its rows are summed here."""
    update = sa.update(balance_transactions).values(status=AVAILABLE, available_batch=batch_id)
    if connection.dialect.name == "postgresql":
        flipped = (
            update.where(t.id == sa.any_(sa.func.array(taken.scalar_subquery())))
            .where(t.status == PENDING)
            .returning(t.merchant_id, t.currency, t.net)
            .cte("flipped")
        )
        f = flipped.c
        sums = connection.execute(
            sa.select(f.merchant_id, f.currency, sa.func.count(), sa.func.sum(f.net))
            .group_by(f.merchant_id, f.currency)
            .order_by(f.merchant_id, f.currency)
        )
        return [(m, c, int(n), int(net)) for m, c, n, net in sums]
    rows = connection.execute(
        update.where(t.id.in_(taken.scalar_subquery()), t.status == PENDING).returning(
            t.merchant_id, t.currency, t.net
        )
    )
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for merchant_id, currency, net in rows:
        total = totals[merchant_id, currency]
        total[0], total[1] = total[0] + 1, total[1] + net
    return [(m, c, n, net) for (m, c), (n, net) in sorted(totals.items())]


def _one_batch(engine: Engine, ledger: Ledger, now: dt.datetime, batch: int) -> int:
    """One batch made available; how many rows it took (0: none left, or every due row is
    another worker's)."""
    batch_id = new_id("avb")
    taken = (
        sa.select(t.id)
        .where(pending_rows, t.available_on <= now)
        .order_by(t.available_on, t.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    with writing(engine) as connection:
        sums = _flip(connection, taken, batch_id)
        book = ledger.book(connection)
        requests: list[NewTransaction] = []
        for merchant_id, currency, count, net in sums:
            money = Currency.of(currency.upper())
            request = books.made_available(batch_id, merchant_id, Money.of_minor(net, money), count)
            if request is not None:
                books.open_accounts(book, merchant_id, money)
                requests.append(request)
        if requests:
            book.post_batch(requests)
    return sum(count for _, _, count, _ in sums)
