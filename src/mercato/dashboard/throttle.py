"""Throttling sign-ins: after ``LIMIT`` failures for one e-mail address within ``WINDOW``,
further attempts for it are refused, right password or not, until the oldest of those
failures is ``WINDOW`` old. Counted per address (known to Mercato or not, so the answer
does not tell which), not per client address, which an attacker changes at will."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.dashboard.tables import login_failures
from mercato.ids import uuid7

LIMIT = 5
WINDOW = dt.timedelta(minutes=15)


def wait_before_trying(connection: Connection, email: str, now: dt.datetime) -> dt.timedelta:
    """How long ``email`` must wait before another attempt (zero: it may try now)."""
    f = login_failures.c
    recent = (
        connection.execute(
            sa.select(f.failed_at)
            .where(f.email == email, f.failed_at > now - WINDOW)
            .order_by(f.failed_at.desc())
            .limit(LIMIT)
        )
        .scalars()
        .all()
    )
    if len(recent) < LIMIT:
        return dt.timedelta(0)
    oldest: dt.datetime = recent[-1]
    return oldest + WINDOW - now


def failed(connection: Connection, email: str, now: dt.datetime) -> None:
    connection.execute(sa.insert(login_failures).values(id=uuid7(), email=email, failed_at=now))
    connection.execute(
        sa.delete(login_failures).where(
            login_failures.c.email == email, login_failures.c.failed_at <= now - WINDOW
        )
    )


def succeeded(connection: Connection, email: str) -> None:
    connection.execute(sa.delete(login_failures).where(login_failures.c.email == email))
