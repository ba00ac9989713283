"""The worker's periodic duties, on the worker's clock: each runs when due and not before,
and one that fails is logged and tried again a period later without holding up the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from structlog.testing import capture_logs

from mercato.clock import ManualClock
from mercato.outbox import Duty
from mercato.outbox.duties import Duties

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC))


class Tally:
    """A duty's body that counts its runs."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self) -> int:
        self.runs += 1
        return 1


def test_a_duty_runs_when_the_worker_starts_then_once_a_period(clock: ManualClock) -> None:
    sweep = Tally()
    duties = Duties([Duty("sweep", HOUR, sweep)], clock)

    assert duties.run_due() == 1
    assert duties.run_due() == 0, "not due again at once"
    clock.advance(HOUR - dt.timedelta(seconds=1))
    assert duties.run_due() == 0, "not before its period has passed"
    clock.advance(dt.timedelta(seconds=1))
    assert duties.run_due() == 1
    assert sweep.runs == 2


def test_a_clock_moved_days_ahead_runs_a_duty_once_not_once_per_missed_period(
    clock: ManualClock,
) -> None:
    sweep = Tally()
    duties = Duties([Duty("sweep", HOUR, sweep)], clock)
    duties.run_due()
    clock.advance(dt.timedelta(days=3))
    assert duties.run_due() == 1
    assert duties.run_due() == 0
    assert sweep.runs == 2


def test_each_duty_keeps_its_own_period(clock: ManualClock) -> None:
    hourly, daily = Tally(), Tally()
    duties = Duties([Duty("hourly", HOUR, hourly), Duty("daily", 24 * HOUR, daily)], clock)
    for _ in range(24):
        duties.run_due()
        clock.advance(HOUR)
    assert (hourly.runs, daily.runs) == (24, 1)


def test_a_failing_duty_is_logged_by_type_and_does_not_stop_the_others(
    clock: ManualClock,
) -> None:
    def broken() -> int:
        raise ConnectionError("card 4242424242424242 unreachable")

    after = Tally()
    duties = Duties([Duty("broken", HOUR, broken), Duty("after", HOUR, after)], clock)

    with capture_logs() as logs:
        assert duties.run_due() == 2
    assert after.runs == 1
    failures = [entry for entry in logs if entry["event"] == "duty failed"]
    assert failures == [
        {"event": "duty failed", "duty": "broken", "error": "ConnectionError", "log_level": "error"}
    ]
    assert "4242" not in repr(logs), "only the exception's type is logged"


def test_a_failed_duty_is_tried_again_a_period_later(clock: ManualClock) -> None:
    attempts: list[dt.datetime] = []

    def flaky() -> int:
        attempts.append(clock.now())
        if len(attempts) == 1:
            raise TimeoutError
        return 3

    duties = Duties([Duty("flaky", HOUR, flaky)], clock)
    start = clock.now()
    duties.run_due()
    clock.advance(HOUR / 2)
    duties.run_due()
    clock.advance(HOUR / 2)
    duties.run_due()
    assert attempts == [start, start + HOUR]


def test_a_wall_clock_stepped_back_does_not_postpone_a_duty() -> None:
    class SteppedClock:
        def __init__(self) -> None:
            self.now_is = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)

        def now(self) -> dt.datetime:
            return self.now_is

    clock = SteppedClock()
    sweep = Tally()
    duties = Duties([Duty("sweep", HOUR, sweep)], clock)
    duties.run_due()
    clock.now_is -= dt.timedelta(days=1)
    assert duties.run_due() == 1, "due again: its next run was more than a period away"


def test_a_duty_needs_a_positive_period_and_a_name_of_its_own(clock: ManualClock) -> None:
    with pytest.raises(ValueError, match="positive period"):
        Duty("never", dt.timedelta(0), Tally())
    with pytest.raises(ValueError, match="unique"):
        Duties([Duty("sweep", HOUR, Tally()), Duty("sweep", HOUR, Tally())], clock)
