"""When a failed webhook is tried again, and when the outbox gives a job up."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from mercato.gateway import webhooks
from mercato.outbox import GiveUp, Job, Retry
from mercato.outbox.jobs import MAX_ATTEMPTS, default_retry

EVENT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
MINUTE, HOUR = dt.timedelta(minutes=1), dt.timedelta(hours=1)


def test_webhook_retries_back_off_from_a_minute_to_twelve_hours() -> None:
    delays = [webhooks.retry_delay(failures) for failures in range(1, 10)]
    assert delays == [
        MINUTE,
        5 * MINUTE,
        30 * MINUTE,
        2 * HOUR,
        5 * HOUR,
        10 * HOUR,
        12 * HOUR,
        12 * HOUR,
        12 * HOUR,
    ]
    with pytest.raises(ValueError, match="at least one failure"):
        webhooks.retry_delay(0)


def test_a_webhook_is_retried_until_three_days_after_its_event_and_then_given_up() -> None:
    tries, failures = [EVENT], 0
    while (at := webhooks.next_attempt(EVENT, tries[-1], failures + 1)) is not None:
        tries.append(at)
        failures += 1
    assert len(tries) == 11
    assert tries[-1] - EVENT == 65 * HOUR + 36 * MINUTE
    assert tries[-1] + webhooks.retry_delay(failures + 1) > EVENT + webhooks.GIVE_UP_AFTER


def test_a_retry_due_exactly_three_days_after_the_event_still_happens() -> None:
    failed_at = EVENT + webhooks.GIVE_UP_AFTER - 12 * HOUR
    assert webhooks.next_attempt(EVENT, failed_at, 9) == EVENT + webhooks.GIVE_UP_AFTER
    assert webhooks.next_attempt(EVENT, failed_at + MINUTE, 9) is None


def job(attempts: int) -> Job:
    return Job(uuid.uuid4(), "test.echo", {}, attempts, EVENT)


def test_a_job_that_raises_is_retried_after_doubling_delays_at_most_an_hour_apart() -> None:
    delays = []
    for attempts in range(1, 10):
        outcome = default_retry(job(attempts), EVENT, "boom")
        assert isinstance(outcome, Retry)
        delays.append(outcome.at - EVENT)
    assert delays[:4] == [dt.timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert delays[-1] == HOUR


def test_a_job_that_keeps_raising_is_given_up_after_its_last_attempt() -> None:
    assert default_retry(job(MAX_ATTEMPTS), EVENT, "boom") == GiveUp("boom")
