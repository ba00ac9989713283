"""A processing day's work, done once its cut-off has passed: apply the payout files that
arrived in its window (in the order they arrived), then write the end-of-day statements.

One database transaction per day: a run killed halfway leaves the day unprocessed and the
next run does it whole; a day processed is never processed again (its row is locked while
it runs, and marked at the end). ``due`` lists the days that have fallen due by ``now``,
so moving the clock two business days forward processes two days, in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from mercato.bank import business_days, payouts, records, statements
from mercato.ledger import Book


@dataclass
class DayReport:
    day: dt.date
    files: int = 0
    applied: int = 0
    returned: int = 0
    statements: int = 0
    already_processed: bool = False


def due(book: Book, now: dt.datetime) -> Iterator[dt.date]:
    """The days not yet processed whose cut-off has passed by ``now``, oldest first."""
    last = records.last_processed_day(book.connection)
    first = (
        business_days.next_business_day(last)
        if last is not None
        else records.first_noted_day(book.connection)
    )
    if first is None:
        return iter(())
    return business_days.due_days(first, now)


def process(book: Book, day: dt.date) -> DayReport:
    """Do ``day``'s work in the caller's transaction, unless it was done before."""
    report = DayReport(day)
    records.lock_day(book.connection, day)
    if records.day_processed(book.connection, day):
        report.already_processed = True
        return report
    for bank_file in records.files_due(book.connection, day):
        outcome = payouts.process(book, bank_file, day)
        report.files += 1
        report.applied += outcome.applied
        report.returned += outcome.returned
    written = statements.write_end_of_day(book, day)
    report.statements = len(written)
    records.mark_day_processed(book.connection, day, book.ledger.clock.now())
    return report
