"""The operator's reconciliation run: the same matching as ``mercato reconcile``
(``settlement.reconciliation``), kept, so that the page shows what the last run found and
when; and each payout that a statement of the bank shows paid out, noted for its merchant's
payouts page ("arrived").

The arrivals are the reconciliation's own (``Reconciliation.arrivals``): the payouts it
matched to a statement's debit by id, amount and currency.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.dashboard.tables import payout_arrivals, reconciliations
from mercato.database.engine import writing
from mercato.gateway.ids import new_id
from mercato.logs import get_logger
from mercato.outbox import Duty
from mercato.settlement import reconciliation
from mercato.settlement.bank_link import BankLink

log = get_logger(__name__)

DUTY = "settlement.reconcile"
EVERY = dt.timedelta(hours=6)
KEPT_UNMATCHED = 1000
"""Unmatched items kept per run (the count is kept whole)."""


def run(
    engine: Engine, bank: BankLink | None, clock: Clock, operator: str
) -> reconciliation.Reconciliation:
    """Reconcile now, keep what was found (``operator``: who or what asked), note the
    payouts seen arriving; returns what was found."""
    now = clock.now()
    found = reconciliation.reconcile(engine, bank, now)
    arrivals = list(found.arrivals.values())
    run_id = new_id("drec")
    with writing(engine) as connection:
        connection.execute(
            sa.insert(reconciliations).values(
                id=run_id,
                ran_at=now,
                ran_by=operator,
                statements=found.statements,
                matched=dict(sorted(found.matched.items())),
                unmatched_count=len(found.unmatched),
                unmatched=[
                    {"match": m.match, "item": m.item, "reason": m.reason}
                    for m in found.unmatched[:KEPT_UNMATCHED]
                ],
            )
        )
        a = payout_arrivals.c
        known = set(
            connection.execute(
                sa.select(a.payout_id).where(a.payout_id.in_([x.payout_id for x in arrivals]))
            ).scalars()
        )
        new = [x for x in arrivals if x.payout_id not in known]
        if new:
            connection.execute(
                sa.insert(payout_arrivals),
                [
                    {
                        "payout_id": x.payout_id,
                        "statement_id": x.statement_id,
                        "booked_on": x.booked_on,
                        "found_at": now,
                    }
                    for x in new
                ],
            )
    log.info(
        "dashboard.reconciled",
        run=run_id,
        unmatched=len(found.unmatched),
        statements=found.statements,
        arrivals=len(new),
    )
    return found


def duty(engine: Engine, clock: Clock, bank: BankLink) -> Duty:
    """A run every six hours, for the worker, the demo and the sandbox's timeline: merchants
    see their payouts arrive without waiting for an operator."""

    def reconcile() -> int:
        return len(run(engine, bank, clock, "the worker").arrivals)

    return Duty(DUTY, EVERY, reconcile)
