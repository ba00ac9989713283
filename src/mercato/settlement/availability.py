"""Funds becoming available: the duty ``balance.make_available``.

Every balance transaction still pending whose ``available_on`` has passed (by the clock)
is made available, in batches: each batch is one database transaction that takes its rows
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that two workers share the work instead of
waiting on each other), moves their nets from pending to available in one ``post_batch``
(keys ``balance_txn:<id>:available``), and marks them available. Rows are read a batch at
a time, never all at once; a batch that fails leaves its rows pending for the next run.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.database.engine import writing
from mercato.ledger import Ledger, NewTransaction
from mercato.money import Currency, Money
from mercato.settlement import books
from mercato.settlement.tables import balance_transactions
from mercato.settlement.transactions import AVAILABLE, PENDING

DUTY = "balance.make_available"
BATCH = 500


def make_available(engine: Engine, ledger: Ledger, clock: Clock, *, batch: int = BATCH) -> int:
    """Make every due balance transaction available; returns how many were."""
    now = clock.now()
    done = 0
    t = balance_transactions.c
    while True:
        with writing(engine) as connection:
            rows = connection.execute(
                sa.select(t.id, t.merchant_id, t.net, t.currency)
                .where(t.status == PENDING, t.available_on <= now)
                .order_by(t.available_on, t.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return done
            book = ledger.book(connection)
            requests: list[NewTransaction] = []
            for row in rows:
                currency = Currency.of(row.currency.upper())
                books.open_accounts(book, row.merchant_id, currency)
                request = books.make_available(
                    row.id, row.merchant_id, Money.of_minor(row.net, currency)
                )
                if request is not None:
                    requests.append(request)
            book.post_batch(requests)
            connection.execute(
                sa.update(balance_transactions)
                .where(t.id.in_([row.id for row in rows]), t.status == PENDING)
                .values(status=AVAILABLE)
            )
        done += len(rows)
        if len(rows) < batch:
            return done
