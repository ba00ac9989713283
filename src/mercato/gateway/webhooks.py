"""Webhook endpoints (Stripe's ``webhook_endpoint``), and the delivery of events to them.

A delivery is an HTTP POST of the event's JSON to the endpoint's URL, signed as Stripe signs
(``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body" keyed by the whsec_
secret>``), so ``stripe.Webhook.construct_event`` verifies it. A 2xx answer within
``TIMEOUT`` is success. Anything else (another status, a redirect, which is never followed,
a timeout, a refused connection) is retried after 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, then
every 12 h, until three days after the event; then the delivery is given up. Every attempt
is kept (time, status code or error, duration) and listed by
``GET /v1/webhook_endpoints/{id}/deliveries``. See docs/adr/0009.

The signature's timestamp is the wall clock's, not the sandbox clock's: receivers compare it
with their own clock to refuse replays. The schedule of retries follows the Mercato clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection, Engine

from mercato import __version__
from mercato.clock import Clock
from mercato.database.engine import reading
from mercato.gateway import events
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.ids import new_id, new_secret
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.gateway.tables import events as event_rows
from mercato.gateway.tables import merchants, webhook_attempts, webhook_deliveries
from mercato.gateway.tables import webhook_endpoints as endpoints
from mercato.outbox import Done, GiveUp, Handler, Job, Outcome, Retry

MAX_ENDPOINTS = 16  # per merchant, as Stripe allows
GIVE_UP_AFTER = dt.timedelta(days=3)
RETRY_DELAYS = tuple(
    dt.timedelta(minutes=minutes) for minutes in (1, 5, 30, 2 * 60, 5 * 60, 10 * 60)
)
LAST_RETRY_DELAY = dt.timedelta(hours=12)
TIMEOUT = 10.0  # seconds, for each of connecting, sending and reading; and for the body
MAX_RESPONSE_BYTES = 64 * 1024  # what is read of an answer (only its status matters)
USER_AGENT = f"Mercato/{__version__} (webhooks)"


# ---- Endpoints ---------------------------------------------------------------------------


class CreateParams(Params):
    url: str = Field(max_length=2048)
    enabled_events: list[str] = Field(max_length=256)
    description: str | None = Field(default=None, max_length=5000)
    metadata: dict[str, Any] | str | None = None
    api_version: str | None = Field(default=None, max_length=40)
    expand: list[str] = Field(default_factory=list)


class UpdateParams(Params):
    url: str | None = Field(default=None, max_length=2048)
    enabled_events: list[str] | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=5000)
    metadata: dict[str, Any] | str | None = None
    disabled: bool | None = None
    expand: list[str] = Field(default_factory=list)


class DeliveryListParams(ListParams):
    event: str | None = None


def checked_url(url: str) -> str:
    """An endpoint's URL: absolute http(s), with a host and without credentials."""
    url = url.strip()
    invalid = InvalidRequest(
        f"Invalid URL: {url!r:.100}. An endpoint needs an absolute http or https URL "
        "without a user name or password.",
        param="url",
    )
    if any(char.isspace() or not char.isprintable() for char in url):
        raise invalid
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not one
        httpx2.URL(url)
    except (ValueError, httpx2.InvalidURL):
        raise invalid from None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        raise invalid
    return url


def checked_events(names: list[str]) -> list[str]:
    """``enabled_events``: ``*`` or event types, at least one, each once."""
    if not names:
        raise InvalidRequest(
            "enabled_events needs at least one event type, or '*' for all of them.",
            param="enabled_events",
        )
    for index, name in enumerate(names):
        if name != "*" and not (events.EVENT_TYPE.match(name) and len(name) <= 100):
            raise InvalidRequest(
                f"Invalid event type: {name!r:.100}.", param=f"enabled_events[{index}]"
            )
    return list(dict.fromkeys(names))


def to_object(row: Any, *, with_secret: bool = False) -> dict[str, Any]:
    """The endpoint as the API shows it; its secret only when it is made."""
    shown = {
        "id": row.id,
        "object": "webhook_endpoint",
        "api_version": row.api_version,
        "application": None,
        "created": int(row.created_at.timestamp()),
        "description": row.description,
        "enabled_events": row.enabled_events,
        "livemode": False,
        "metadata": row.metadata,
        "status": row.status,
        "url": row.url,
    }
    if with_secret:
        shown["secret"] = row.secret
    return shown


def _find(connection: Connection, caller: Caller, endpoint_id: str) -> Any:
    row = connection.execute(
        sa.select(endpoints).where(
            endpoints.c.id == endpoint_id,
            endpoints.c.merchant_id == caller.merchant_id,
            endpoints.c.deleted_at.is_(None),
        )
    ).first()
    if row is None:
        raise ResourceMissing("webhook_endpoint", endpoint_id)
    return row


def _cancel_pending(connection: Connection, endpoint_id: str, now: dt.datetime) -> None:
    """Stop the retries of a disabled or deleted endpoint, as Stripe does. Their outbox jobs
    find the delivery cancelled and end without sending."""
    d = webhook_deliveries.c
    connection.execute(
        sa.update(webhook_deliveries)
        .where(d.endpoint_id == endpoint_id, d.status == "pending")
        .values(status="cancelled", next_attempt_at=None, finished_at=now)
    )


def create(
    connection: Connection, caller: Caller, params: dict[str, Any], clock: Clock
) -> dict[str, Any]:
    given = parse(CreateParams, params)
    url, enabled = checked_url(given.url), checked_events(given.enabled_events)
    # One creation at a time per merchant, so the count below stays true until commit. NO KEY
    # UPDATE: writers that merely refer to the merchant (foreign keys) are not held up.
    connection.execute(
        sa.select(merchants.c.id)
        .where(merchants.c.id == caller.merchant_id)
        .with_for_update(key_share=True)
    )
    existing = connection.execute(
        sa.select(sa.func.count())
        .select_from(endpoints)
        .where(endpoints.c.merchant_id == caller.merchant_id, endpoints.c.deleted_at.is_(None))
    ).scalar_one()
    if existing >= MAX_ENDPOINTS:
        raise InvalidRequest(
            f"You have reached the maximum of {MAX_ENDPOINTS} webhook endpoints.",
            code="webhook_endpoints_limit_reached",  # Mercato's own code
        )
    endpoint_id = new_id("we")
    connection.execute(
        sa.insert(endpoints).values(
            id=endpoint_id,
            merchant_id=caller.merchant_id,
            url=url,
            description=given.description or None,
            enabled_events=enabled,
            api_version=given.api_version,
            secret=new_secret("whsec_"),
            status="enabled",
            metadata=metadata_rules.merged({}, given.metadata),
            created_at=clock.now(),
        )
    )
    return to_object(_find(connection, caller, endpoint_id), with_secret=True)


def retrieve(connection: Connection, caller: Caller, endpoint_id: str) -> dict[str, Any]:
    return to_object(_find(connection, caller, endpoint_id))


def update(
    connection: Connection, caller: Caller, endpoint_id: str, params: dict[str, Any], clock: Clock
) -> dict[str, Any]:
    given = parse(UpdateParams, params)
    row = _find(connection, caller, endpoint_id)
    changes: dict[str, Any] = {}
    if given.url is not None:
        changes["url"] = checked_url(given.url)
    if given.enabled_events is not None:
        changes["enabled_events"] = checked_events(given.enabled_events)
    if "description" in given.model_fields_set:
        changes["description"] = given.description or None
    if "metadata" in given.model_fields_set:
        changes["metadata"] = metadata_rules.merged(row.metadata, given.metadata)
    if given.disabled is not None:
        changes["status"] = "disabled" if given.disabled else "enabled"
        if given.disabled:
            _cancel_pending(connection, row.id, clock.now())
    if changes:
        connection.execute(sa.update(endpoints).where(endpoints.c.id == row.id).values(**changes))
    return to_object(_find(connection, caller, endpoint_id))


def delete(
    connection: Connection, caller: Caller, endpoint_id: str, clock: Clock
) -> dict[str, Any]:
    row = _find(connection, caller, endpoint_id)
    now = clock.now()
    # Kept, not removed: its deliveries and their attempts refer to it.
    connection.execute(sa.update(endpoints).where(endpoints.c.id == row.id).values(deleted_at=now))
    _cancel_pending(connection, row.id, now)
    return {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    given = parse(ListParams, params)
    query = sa.select(endpoints).where(
        endpoints.c.merchant_id == caller.merchant_id, endpoints.c.deleted_at.is_(None)
    )
    rows, has_more = page(query, endpoints.c.id, given, lambda q: connection.execute(q).all())
    return list_object("/v1/webhook_endpoints", [to_object(row) for row in rows], has_more)


def _unix(moment: dt.datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def list_deliveries(
    connection: Connection, caller: Caller, endpoint_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    """The endpoint's deliveries, newest first, each with every attempt (Mercato's own)."""
    given = parse(DeliveryListParams, params)
    _find(connection, caller, endpoint_id)
    d = webhook_deliveries.c
    query = sa.select(webhook_deliveries).where(d.endpoint_id == endpoint_id)
    if given.event is not None:
        query = query.where(d.event_id == given.event)
    rows, has_more = page(query, d.id, given, lambda q: connection.execute(q).all())
    a = webhook_attempts.c
    attempts: dict[str, list[dict[str, Any]]] = {row.id: [] for row in rows}
    for attempt in connection.execute(
        sa.select(webhook_attempts).where(a.delivery_id.in_(list(attempts))).order_by(a.id)
    ):
        attempts[attempt.delivery_id].append(
            {
                "created": _unix(attempt.attempted_at),
                "status_code": attempt.status_code,
                "error": attempt.error,
                "duration_ms": attempt.duration_ms,
            }
        )
    data = [
        {
            "id": row.id,
            "object": "webhook_delivery",
            "created": _unix(row.created_at),
            "event": row.event_id,
            "webhook_endpoint": row.endpoint_id,
            "status": row.status,
            "attempt_count": row.attempt_count,
            "next_attempt": _unix(row.next_attempt_at),
            "finished": _unix(row.finished_at),
            "attempts": attempts[row.id],
        }
        for row in rows
    ]
    return list_object(f"/v1/webhook_endpoints/{endpoint_id}/deliveries", data, has_more)


# ---- Delivery ----------------------------------------------------------------------------


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """``t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<payload>" keyed by the secret>``."""
    signed = str(timestamp).encode() + b"." + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(failures: int) -> dt.timedelta:
    """How long to wait after the ``failures``-th failed attempt (1 min, 5 min, ... 12 h)."""
    if failures < 1:
        raise ValueError("a retry follows at least one failure")
    return RETRY_DELAYS[failures - 1] if failures <= len(RETRY_DELAYS) else LAST_RETRY_DELAY


def next_attempt(
    event_created: dt.datetime, failed_at: dt.datetime, failures: int
) -> dt.datetime | None:
    """When to try again after a failure, or None: the next try would be more than three
    days after the event, so the delivery is given up."""
    at = failed_at + retry_delay(failures)
    return at if at <= event_created + GIVE_UP_AFTER else None


@dataclass(frozen=True)
class Attempt:
    """What one POST found: a status code, or an error before one came back."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300

    def describe(self) -> str:
        return self.error or f"HTTP {self.status_code}"


class Sender:
    """POSTs signed payloads over HTTP or HTTPS (verified against ``ca_bundle`` if given,
    else the usual roots). Redirects are not followed; at most ``MAX_RESPONSE_BYTES`` of an
    answer is read. ``transport`` replaces the network (httpx2's ``MockTransport``)."""

    def __init__(
        self,
        *,
        timeout: float = TIMEOUT,
        ca_bundle: str | Path | None = None,
        transport: httpx2.BaseTransport | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=str(ca_bundle)) if ca_bundle else True
        )
        self._timeout = timeout
        self._wall = wall
        self._client = httpx2.Client(
            verify=verify,
            timeout=httpx2.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,  # no proxies or netrc from the environment: explicit egress only
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )

    def send(self, url: str, payload: bytes, secret: str) -> Attempt:
        headers = {
            "Content-Type": "application/json",
            "Stripe-Signature": signature_header(payload, secret, int(self._wall())),
        }
        started = time.monotonic()
        status_code: int | None = None
        error: str | None = None
        try:
            with self._client.stream("POST", url, content=payload, headers=headers) as response:
                status_code = response.status_code
                self._read_a_little(response, started)
        except httpx2.TimeoutException:
            error = f"timed out after {self._timeout:g} s"
        except (httpx2.HTTPError, httpx2.InvalidURL) as failure:
            error = f"{type(failure).__name__}: {failure}"[:500]
        if error is None and status_code is not None and 300 <= status_code < 400:
            error = f"HTTP {status_code}: redirects are not followed"
        return Attempt(status_code, error, int((time.monotonic() - started) * 1000))

    def _read_a_little(self, response: httpx2.Response, started: float) -> None:
        """Read a bounded part of the answer (so the connection can be reused), within the
        time left, without decompressing it."""
        if response.is_stream_consumed:  # an answer already read whole (a test transport's)
            return
        received = 0
        for chunk in response.iter_raw():
            received += len(chunk)
            if received >= MAX_RESPONSE_BYTES or time.monotonic() - started > self._timeout:
                return

    def close(self) -> None:
        self._client.close()


class Deliverer:
    """The outbox handler of ``events.DELIVER`` jobs: one attempt at one delivery."""

    def __init__(self, engine: Engine, clock: Clock, sender: Sender) -> None:
        self.engine, self.clock, self.sender = engine, clock, sender

    def __call__(self, job: Job) -> Outcome:
        delivery_id = str(job.payload["delivery_id"])
        d, e = webhook_deliveries.c, endpoints.c
        with reading(self.engine) as connection:
            found = connection.execute(
                sa.select(
                    d.status,
                    d.attempt_count,
                    d.event_id,
                    e.url,
                    e.secret,
                    e.status.label("endpoint_status"),
                    e.deleted_at,
                )
                .join_from(webhook_deliveries, endpoints, d.endpoint_id == e.id)
                .where(d.id == delivery_id)
            ).first()
            if found is None:
                return GiveUp(f"no delivery {delivery_id}")
            if found.status != "pending":
                return Done()  # delivered, given up or cancelled meanwhile
            if found.deleted_at is not None or found.endpoint_status != "enabled":
                now = self.clock.now()
                return Done(record=lambda c: _cancel_one(c, delivery_id, now))
            event = connection.execute(
                events.query().where(event_rows.c.id == found.event_id)
            ).one()
        payload = json.dumps(events.to_object(event), indent=2).encode()
        attempted_at = self.clock.now()
        attempt = self.sender.send(found.url, payload, found.secret)
        log_attempt = _attempt_recorder(delivery_id, attempted_at, attempt)
        if attempt.succeeded:
            return Done(record=log_attempt("succeeded", None))
        retry_at = next_attempt(event.created_at, self.clock.now(), found.attempt_count + 1)
        if retry_at is None:
            return GiveUp(attempt.describe(), record=log_attempt("failed", None))
        return Retry(retry_at, attempt.describe(), record=log_attempt("pending", retry_at))


def _cancel_one(connection: Connection, delivery_id: str, now: dt.datetime) -> None:
    d = webhook_deliveries.c
    connection.execute(
        sa.update(webhook_deliveries)
        .where(d.id == delivery_id, d.status == "pending")
        .values(status="cancelled", next_attempt_at=None, finished_at=now)
    )


def _attempt_recorder(
    delivery_id: str, attempted_at: dt.datetime, attempt: Attempt
) -> Callable[[str, dt.datetime | None], Callable[[Connection], None]]:
    """A function that makes the ``record`` of an outcome: the attempt, and the delivery's
    new status (unless it was cancelled meanwhile), in the job's finishing transaction."""

    def recorder(status: str, retry_at: dt.datetime | None) -> Callable[[Connection], None]:
        def record(connection: Connection) -> None:
            connection.execute(
                sa.insert(webhook_attempts).values(
                    id=new_id("wha"),
                    delivery_id=delivery_id,
                    attempted_at=attempted_at,
                    status_code=attempt.status_code,
                    error=attempt.error,
                    duration_ms=attempt.duration_ms,
                )
            )
            d = webhook_deliveries.c
            connection.execute(
                sa.update(webhook_deliveries)
                .where(d.id == delivery_id)
                .values(attempt_count=d.attempt_count + 1)
            )
            connection.execute(
                sa.update(webhook_deliveries)
                .where(d.id == delivery_id, d.status == "pending")  # not if cancelled meanwhile
                .values(
                    status=status,
                    next_attempt_at=retry_at,
                    finished_at=None if status == "pending" else attempted_at,
                )
            )

        return record

    return recorder


def handlers(
    engine: Engine,
    clock: Clock,
    *,
    ca_bundle: str | Path | None = None,
    timeout: float = TIMEOUT,
    transport: httpx2.BaseTransport | None = None,
) -> dict[str, Handler]:
    """The outbox handlers for webhooks, for a ``Worker`` or ``outbox.start_in_process``."""
    sender = Sender(timeout=timeout, ca_bundle=ca_bundle, transport=transport)
    return {events.DELIVER: Deliverer(engine, clock, sender)}
