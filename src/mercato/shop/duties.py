"""The shop's housekeeping, run by every worker (``cli/worker.py``'s ``housekeeping``):
orders confirmed from the gateway's events, and reservations released when they expire."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.outbox import Duty
from mercato.shop import payments

CONFIRM_EVERY = dt.timedelta(seconds=2)
RELEASE_EVERY = dt.timedelta(minutes=1)


def duties(engine: Engine, clock: Clock) -> list[Duty]:
    return [
        Duty("shop.confirm_payments", CONFIRM_EVERY, lambda: payments.confirm_due(engine, clock)),
        Duty(
            "shop.release_reservations",
            RELEASE_EVERY,
            lambda: payments.release_expired(engine, clock),
        ),
    ]
