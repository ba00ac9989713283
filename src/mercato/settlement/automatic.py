"""Automatic payouts: the duty ``payouts.automatic``.

On each of a merchant's payout days (its schedule; daily by default), everything available
in a currency with a default bank account is paid out, once: the payout carries the key
``<merchant>:<currency>:<day>`` in a unique column, so a second run on the same day, in
this worker or another, makes nothing. A balance at or below zero (a carried negative
balance) pays nothing until later funds have brought it back above zero; nor does a bank
account marked errored by a payout that came back, until the merchant adds another.

Candidates are the merchants with available balance transactions no payout has taken yet,
read a page at a time, by (merchant, currency); each payout is its own transaction.
Several workers share the work: each passes over a merchant whose schedule another is
holding (``SKIP LOCKED``), so a payout run with two workers takes about half as long on
two cores.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.database.engine import reading, writing
from mercato.ledger import Ledger
from mercato.settlement import bank_accounts, payouts, schedule
from mercato.settlement.tables import balance_transactions, unpaid_rows
from mercato.settlement.tables import payouts as payout_rows

PAGE = 500


def pay_out(engine: Engine, ledger: Ledger, clock: Clock, *, page: int = PAGE) -> int:
    """Make today's automatic payouts; returns how many were made."""
    today = clock.now().date()
    made = 0
    after = ("", "")
    t = balance_transactions.c
    while True:
        with reading(engine) as connection:
            candidates = connection.execute(
                sa.select(t.merchant_id, t.currency)
                .where(
                    unpaid_rows,
                    sa.tuple_(t.merchant_id, t.currency) > sa.tuple_(*after),
                )
                .group_by(t.merchant_id, t.currency)
                .order_by(t.merchant_id, t.currency)
                .limit(page)
            ).all()
        with writing(engine) as connection:
            # Made in a short transaction of their own, so that the payouts' transactions
            # only ever lock existing rows, and can pass over those another worker holds.
            schedule.make_missing(connection, [m for m, _ in candidates], clock.now())
        for merchant_id, currency in candidates:
            made += _pay_one(
                engine,
                ledger=ledger,
                clock=clock,
                merchant_id=merchant_id,
                currency=currency,
                today=today,
            )
        if len(candidates) < page:
            return made
        after = (candidates[-1][0], candidates[-1][1])


def _pay_one(
    engine: Engine, *, ledger: Ledger, clock: Clock, merchant_id: str, currency: str, today: dt.date
) -> int:
    key = f"{merchant_id}:{currency}:{today.isoformat()}"
    with writing(engine) as connection:
        # The merchant's row first. A second worker passes over a merchant the first is
        # paying (so that several workers share the day's payouts instead of queueing for
        # the same rows); had it waited, it would have found today's payout made.
        found = schedule.lock(connection, merchant_id, clock.now(), skip_locked=True)
        if found is None or not found.pays_out_on(today):
            return 0
        destination = bank_accounts.default_for(connection, merchant_id, currency)
        if destination is None or destination.status == "errored":
            # An account a payout came back from is paid no more, as Stripe does, until
            # the merchant gives another: the money waits in the available balance.
            return 0
        if connection.execute(
            sa.select(payout_rows.c.id).where(payout_rows.c.schedule_key == key)
        ).first():
            return 0
        available = payouts.available_balance(connection, ledger, merchant_id, currency)
        if available <= 0:
            return 0
        payouts.issue(
            connection,
            merchant_id=merchant_id,
            amount=available,
            currency=currency,
            destination_id=destination.id,
            ledger=ledger,
            clock=clock,
            schedule_key=key,
        )
    return 1
