"""A merchant's payout schedule (Stripe's ``settings.payouts.schedule``): how long captured
funds stay pending (``delay_days``) and on which days what is available is paid out.

A merchant that never set one has Stripe's default: daily, two days' delay. Its row is made
when it first changes the schedule or is paid out: every payout of the merchant locks that
row first, so that two payouts at once cannot both spend one available balance.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, overload

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from mercato.settlement.errors import InvalidSchedule
from mercato.settlement.tables import schedules

INTERVALS = ("daily", "weekly", "monthly", "manual")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_DELAY_DAYS = 2
MAX_DELAY_DAYS = 30


@dataclass(frozen=True)
class Schedule:
    interval: str = "daily"
    delay_days: int = DEFAULT_DELAY_DAYS
    weekly_anchor: str | None = None
    monthly_anchor: int | None = None

    def __post_init__(self) -> None:
        if self.interval not in INTERVALS:
            raise InvalidSchedule(
                f"Invalid interval: must be one of {', '.join(INTERVALS)}",
                param="settings[payouts][schedule][interval]",
            )
        if not 0 <= self.delay_days <= MAX_DELAY_DAYS:
            raise InvalidSchedule(
                f"delay_days must be between 0 and {MAX_DELAY_DAYS}",
                param="settings[payouts][schedule][delay_days]",
            )
        if self.interval == "weekly" and self.weekly_anchor not in WEEKDAYS:
            raise InvalidSchedule(
                "A weekly schedule needs weekly_anchor: monday, tuesday, ... sunday.",
                param="settings[payouts][schedule][weekly_anchor]",
            )
        if self.interval == "monthly" and not (
            self.monthly_anchor is not None and 1 <= self.monthly_anchor <= 31
        ):
            raise InvalidSchedule(
                "A monthly schedule needs monthly_anchor: a day of the month, 1 to 31.",
                param="settings[payouts][schedule][monthly_anchor]",
            )

    def pays_out_on(self, day: dt.date) -> bool:
        """Whether an automatic payout is made on ``day``. A monthly anchor past the end of a
        short month falls on its last day, as Stripe does."""
        if self.interval == "daily":
            return True
        if self.interval == "weekly":
            return WEEKDAYS[day.weekday()] == self.weekly_anchor
        if self.interval == "monthly":
            assert self.monthly_anchor is not None
            last = calendar.monthrange(day.year, day.month)[1]
            return day.day == min(self.monthly_anchor, last)
        return False

    def to_object(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"delay_days": self.delay_days, "interval": self.interval}
        if self.interval == "weekly":
            shown["weekly_anchor"] = self.weekly_anchor
        if self.interval == "monthly":
            shown["monthly_anchor"] = self.monthly_anchor
        return shown


def available_on(created: dt.datetime, delay_days: int) -> dt.datetime:
    """The start of the UTC day ``delay_days`` after ``created``."""
    day = created.astimezone(dt.UTC).date() + dt.timedelta(days=delay_days)
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


def _from_row(row: Any) -> Schedule:
    return Schedule(row.interval, row.delay_days, row.weekly_anchor, row.monthly_anchor)


def of(connection: Connection, merchant_id: str) -> Schedule:
    row = connection.execute(
        sa.select(schedules).where(schedules.c.merchant_id == merchant_id)
    ).first()
    return Schedule() if row is None else _from_row(row)


def make_missing(connection: Connection, merchant_ids: list[str], now: dt.datetime) -> None:
    """The default schedule for each of ``merchant_ids`` that has none yet (one statement)."""
    if not merchant_ids:
        return
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(
        schedules
    )
    connection.execute(
        insert.on_conflict_do_nothing(index_elements=["merchant_id"]),
        [
            {
                "merchant_id": merchant_id,
                "interval": "daily",
                "delay_days": DEFAULT_DELAY_DAYS,
                "updated_at": now,
            }
            for merchant_id in sorted(set(merchant_ids))
        ],
    )


@overload
def lock(connection: Connection, merchant_id: str, now: dt.datetime) -> Schedule: ...


@overload
def lock(
    connection: Connection, merchant_id: str, now: dt.datetime, *, skip_locked: bool
) -> Schedule | None: ...


def lock(
    connection: Connection, merchant_id: str, now: dt.datetime, *, skip_locked: bool = False
) -> Schedule | None:
    """The merchant's schedule, its row locked until the transaction ends (made with the
    defaults if the merchant has none yet). With ``skip_locked``, None at once if another
    transaction holds it (on PostgreSQL; SQLite has one writer at a time anyway)."""
    locking = sa.select(schedules).where(schedules.c.merchant_id == merchant_id)
    if skip_locked:
        # Tried first without the insert: an insert that meets a row another transaction
        # is making waits for it to end, which is what skipping is to avoid.
        row = connection.execute(locking.with_for_update(skip_locked=True)).first()
        if row is not None:
            return _from_row(row)
        exists = connection.execute(
            sa.select(schedules.c.merchant_id).where(schedules.c.merchant_id == merchant_id)
        ).first()
        if exists is not None:
            return None  # another transaction holds it
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(
        schedules
    ).values(
        merchant_id=merchant_id,
        interval="daily",
        delay_days=DEFAULT_DELAY_DAYS,
        updated_at=now,
    )
    connection.execute(insert.on_conflict_do_nothing(index_elements=["merchant_id"]))
    row = connection.execute(locking.with_for_update(skip_locked=skip_locked)).first()
    if row is None:
        if skip_locked:
            return None  # another transaction made it meanwhile, and holds it
        raise AssertionError(f"the schedule of {merchant_id} vanished")  # made just above
    return _from_row(row)


def change(connection: Connection, merchant_id: str, now: dt.datetime, **changes: Any) -> Schedule:
    """Change some of the schedule's fields; an anchor not given keeps its value."""
    current = lock(connection, merchant_id, now)
    wanted = replace(current, **{k: v for k, v in changes.items() if v is not None})
    connection.execute(
        sa.update(schedules)
        .where(schedules.c.merchant_id == merchant_id)
        .values(
            interval=wanted.interval,
            delay_days=wanted.delay_days,
            weekly_anchor=wanted.weekly_anchor,
            monthly_anchor=wanted.monthly_anchor,
            updated_at=now,
        )
    )
    return wanted
