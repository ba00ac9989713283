"""The Idempotency-Key promise, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.gateway import idempotency
from mercato.gateway.errors import Conflict, IdempotencyError

SECRET = b"k" * 32
REQUEST = {"owner": "acct_1", "key": "order-7", "method": "POST", "path": "/v1/customers"}


def claim(
    engine: Engine, clock: ManualClock, **params: str
) -> idempotency.Claim | idempotency.Replay:
    return idempotency.claim(engine, clock, params=dict(params), secret=SECRET, **REQUEST)


def test_the_first_request_claims_the_key_and_a_retry_replays_its_response(
    engine: Engine, clock: ManualClock
) -> None:
    claimed = claim(engine, clock, name="Ada")
    assert isinstance(claimed, idempotency.Claim)
    with writing(engine) as connection:
        idempotency.finish(connection, claimed, 200, {"id": "cus_1"})
    assert claim(engine, clock, name="Ada") == idempotency.Replay(200, {"id": "cus_1"})


def test_a_retry_while_the_first_is_running_is_a_conflict(
    engine: Engine, clock: ManualClock
) -> None:
    claim(engine, clock, name="Ada")
    with pytest.raises(Conflict):
        claim(engine, clock, name="Ada")


def test_other_parameters_under_the_same_key_are_refused(
    engine: Engine, clock: ManualClock
) -> None:
    claimed = claim(engine, clock, name="Ada")
    assert isinstance(claimed, idempotency.Claim)
    with writing(engine) as connection:
        idempotency.finish(connection, claimed, 200, {"id": "cus_1"})
    with pytest.raises(IdempotencyError):
        claim(engine, clock, name="Grace")


def test_a_key_is_forgotten_after_24_hours(engine: Engine, clock: ManualClock) -> None:
    claimed = claim(engine, clock, name="Ada")
    assert isinstance(claimed, idempotency.Claim)
    with writing(engine) as connection:
        idempotency.finish(connection, claimed, 200, {"id": "cus_1"})
    clock.advance(dt.timedelta(hours=24, seconds=1))
    assert isinstance(claim(engine, clock, name="Grace"), idempotency.Claim)
    clock.advance(dt.timedelta(hours=25))
    assert idempotency.forget_expired(engine, clock) == 1


def test_a_key_held_by_a_request_that_died_is_freed_after_the_lock_timeout(
    engine: Engine, clock: ManualClock
) -> None:
    claim(engine, clock, name="Ada")
    clock.advance(idempotency.LOCK_TIMEOUT + dt.timedelta(seconds=1))
    assert isinstance(claim(engine, clock, name="Ada"), idempotency.Claim)


def test_of_two_concurrent_requests_with_one_key_exactly_one_runs(
    engine: Engine, clock: ManualClock
) -> None:
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt() -> None:
        start.wait()
        try:
            outcomes.append(type(claim(engine, clock, name="Ada")).__name__)
        except Conflict:
            outcomes.append("Conflict")

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Claim", "Conflict", "Conflict", "Conflict"]


def test_a_stored_request_carrying_a_card_cannot_be_recomputed_without_the_key(
    engine: Engine, clock: ManualClock
) -> None:
    """The parameters of a card request hold the number and security code; what is kept of
    them must not let anyone test guesses of the number (six first and four last digits
    known leave only about 10**8 of them)."""
    import hashlib
    import json

    import sqlalchemy as sa

    from mercato.gateway.tables import idempotency_keys

    card = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvc": "123"}
    params = {"type": "card", "card": card}
    idempotency.claim(engine, clock, params=params, secret=SECRET, **REQUEST)
    with engine.connect() as connection:
        stored = connection.execute(sa.select(idempotency_keys.c.params_hash)).scalar_one()
    canonical = json.dumps(
        [REQUEST["method"], REQUEST["path"], params], sort_keys=True, separators=(",", ":")
    )
    assert stored != hashlib.sha256(canonical.encode()).hexdigest()
    assert stored != idempotency.params_hash(b"x" * 32, REQUEST["method"], REQUEST["path"], params)
    assert "4242" not in stored
