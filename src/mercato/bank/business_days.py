"""The bank's processing days: business days (Monday to Friday) with a daily cut-off.

Whatever reaches the bank before a business day's cut-off (16:00 UTC) belongs to that day;
anything later, or on a weekend, to the next business day. A day's window runs from the
previous business day's cut-off to its own; its work (applying the files received in it,
then the end-of-day statements) is done once its cut-off has passed. Public holidays are
not kept: every weekday is a business day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

CUTOFF = dt.time(16, 0)
"""The daily cut-off, in UTC."""

_SATURDAY = 5


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < _SATURDAY


def next_business_day(day: dt.date) -> dt.date:
    """The first business day after ``day``."""
    day += dt.timedelta(days=1)
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def previous_business_day(day: dt.date) -> dt.date:
    """The last business day before ``day``."""
    day -= dt.timedelta(days=1)
    while not is_business_day(day):
        day -= dt.timedelta(days=1)
    return day


def cutoff(day: dt.date) -> dt.datetime:
    """When ``day``'s window closes: its cut-off, in UTC."""
    return dt.datetime.combine(day, CUTOFF, tzinfo=dt.UTC)


def opens(day: dt.date) -> dt.datetime:
    """When ``day``'s window opens: the previous business day's cut-off."""
    return cutoff(previous_business_day(day))


def booked_at(day: dt.date) -> dt.datetime:
    """The moment the day's batch work is booked: the last instant of its window."""
    return cutoff(day) - dt.timedelta(microseconds=1)


def processing_day_of(moment: dt.datetime) -> dt.date:
    """The business day whose window holds ``moment`` (timezone-aware)."""
    moment = moment.astimezone(dt.UTC)
    day = moment.date()
    if is_business_day(day) and moment < cutoff(day):
        return day
    return next_business_day(day)


def due_days(first: dt.date, now: dt.datetime) -> Iterator[dt.date]:
    """The business days from ``first`` on whose cut-off has passed by ``now``, in order."""
    day = first if is_business_day(first) else next_business_day(first)
    while cutoff(day) <= now:
        yield day
        day = next_business_day(day)
