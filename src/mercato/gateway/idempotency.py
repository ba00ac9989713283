"""``Idempotency-Key``: a POST sent again with the same key gets the first response back.

As Stripe does it: a key belongs to one merchant, is kept 24 hours, replays the first
response for the same request (a decline too: it changed the payment's state), is an
``idempotency_error`` when sent with other parameters or to another endpoint, and a
``409`` while the first request is still running. As with Stripe, a request refused
before it did anything (bad parameters, no such object) keeps no response: the key is
free again. Claiming a key is its own short transaction, so a concurrent duplicate sees it
at once; the response is stored in the same transaction as the request's own work, so the
two are kept or lost together. A request that died while holding its key (a crashed
process) leaves it locked until ``LOCK_TIMEOUT`` passes, then the key may be tried again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock
from mercato.database.engine import writing
from mercato.gateway.errors import Conflict, IdempotencyError, InvalidRequest
from mercato.gateway.tables import idempotency_keys

KEPT_FOR = dt.timedelta(hours=24)
LOCK_TIMEOUT = dt.timedelta(minutes=2)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    """The stored first response."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Claim:
    """The key is this request's: store its response with ``finish``."""

    owner: str
    key: str


def params_hash(secret: bytes, method: str, path: str, params: dict[str, Any]) -> str:
    """A keyed fingerprint of the request. Keyed, because parameters can carry a card's
    number and security code: a plain hash of them could be reversed by trying every number
    with the known first six and last four digits. Without the key it cannot be tested."""
    canonical = json.dumps([method, path, params], sort_keys=True, separators=(",", ":"))
    return hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()


def secret_from(fingerprint_key: bytes) -> bytes:
    """The key of the request fingerprints, derived from the vault's fingerprint key."""
    return hmac.new(fingerprint_key, b"mercato.gateway.idempotency.v1", hashlib.sha256).digest()


def claim(
    engine: Engine,
    clock: Clock,
    *,
    owner: str,
    key: str,
    method: str,
    path: str,
    params: dict[str, Any],
    secret: bytes,
) -> Claim | Replay:
    """Take ``key`` for this request, or return the response stored for it."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidRequest(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.", param="Idempotency-Key"
        )
    now = clock.now()
    fingerprint = params_hash(secret, method, path, params)
    t = idempotency_keys.c
    with writing(engine) as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        inserted = connection.execute(
            dialect.insert(idempotency_keys)
            .values(
                owner=owner,
                key=key,
                method=method,
                path=path,
                params_hash=fingerprint,
                status="in_flight",
                created_at=now,
                locked_at=now,
            )
            .on_conflict_do_nothing()
            .returning(idempotency_keys.c.key)
        ).first()
        if inserted is not None:
            return Claim(owner, key)
        row = (
            connection.execute(
                sa.select(idempotency_keys).where(t.owner == owner, t.key == key).with_for_update()
            )
            .mappings()
            .one()
        )
        if row["created_at"] < now - KEPT_FOR or (
            row["status"] == "in_flight" and row["locked_at"] < now - LOCK_TIMEOUT
        ):
            # Expired, or abandoned by a request that died: this request takes it over.
            connection.execute(
                sa.update(idempotency_keys)
                .where(t.owner == owner, t.key == key)
                .values(
                    method=method,
                    path=path,
                    params_hash=fingerprint,
                    status="in_flight",
                    response_status=None,
                    response_body=None,
                    created_at=now,
                    locked_at=now,
                )
            )
            return Claim(owner, key)
    if row["params_hash"] != fingerprint:
        raise IdempotencyError(
            "Keys for idempotent requests can only be used with the same parameters they "
            f"were first used with. Try using a key other than '{key}' if you meant to "
            "execute a different request.",
        )
    if row["status"] == "in_flight":
        raise Conflict(
            "There is currently another in-progress request using this Idempotent Key "
            "(that probably means you submitted twice, and the other request is still going "
            "through). Please try again later.",
            code="idempotency_key_in_use",
        )
    return Replay(row["response_status"], json.loads(row["response_body"]))


def finish(connection: Connection, claimed: Claim, status: int, body: dict[str, Any]) -> None:
    """Store the response for replays, in the request's own transaction."""
    t = idempotency_keys.c
    connection.execute(
        sa.update(idempotency_keys)
        .where(t.owner == claimed.owner, t.key == claimed.key)
        .values(status="done", response_status=status, response_body=json.dumps(body))
    )


def release(engine: Engine, claimed: Claim) -> None:
    """Give the key up (the request failed on our side): the client may retry with it."""
    t = idempotency_keys.c
    with writing(engine) as connection:
        connection.execute(
            sa.delete(idempotency_keys).where(
                t.owner == claimed.owner, t.key == claimed.key, t.status == "in_flight"
            )
        )


def forget_expired(engine: Engine, clock: Clock, *, batch: int = 1000) -> int:
    """Delete keys older than 24 hours; returns how many (the worker runs this)."""
    t = idempotency_keys.c
    cutoff = clock.now() - KEPT_FOR
    removed = 0
    while True:
        with writing(engine) as connection:
            old = connection.execute(
                sa.select(t.owner, t.key).where(t.created_at < cutoff).limit(batch)
            ).all()
            for owner, key in old:
                connection.execute(
                    sa.delete(idempotency_keys).where(t.owner == owner, t.key == key)
                )
        removed += len(old)
        if len(old) < batch:
            return removed
