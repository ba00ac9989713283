"""The processor's record of each authorisation it sent (``processor_authorisations``).

A record is written before its 0100 leaves (``in_flight``), so that a crash in between
leaves a trace to reverse, and every later change is a compare-and-set on its status or its
follow-up: the request that sent the 0100 and the job that recovers a stuck one cannot both
decide what it came to.

    in_flight ──answer──> approved ──capture──> captured  (follow-up: complete, 0220)
        │                     └─────cancel────> canceled  (follow-up: reverse, 0400)
        ├──answer──> declined
        └──no answer, or recovered──> failed             (follow-up: reverse, if it may hold)
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
import string
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.database.engine import writing
from mercato.ids import uuid7
from mercato.money import Currency, Money
from mercato.network.messages import AuthorizationRequest, OriginalData
from mercato.processor import tables
from mercato.processor.tables import authorisations

_RRN_ALPHABET = string.digits + string.ascii_uppercase


class Status(enum.StrEnum):
    IN_FLIGHT = "in_flight"
    APPROVED = "approved"
    DECLINED = "declined"
    FAILED = "failed"
    CAPTURED = "captured"
    CANCELED = "canceled"


class FollowUp(enum.StrEnum):
    """A message the issuer is still owed about an authorisation."""

    REVERSE = "reverse"  # 0400: release whatever it may hold
    COMPLETE = "complete"  # 0220: post the captured amount, release the rest


@dataclass(frozen=True)
class Authorisation:
    id: uuid.UUID
    merchant_id: str
    reference: str
    issuer: str
    vault_card_id: uuid.UUID
    acquirer_id: str
    stan: int
    rrn: str
    transmitted_at: dt.datetime
    amount: Money
    status: Status
    response_code: str | None
    approval_code: str | None
    cvc_result: str | None
    completed_amount: Money | None
    follow_up: FollowUp | None
    follow_up_error: str | None

    @property
    def original(self) -> OriginalData:
        """Field 90 of its completion or reversal."""
        return OriginalData(
            AuthorizationRequest.MTI, self.stan, self.transmitted_at, self.acquirer_id
        )


def new_rrn(now: dt.datetime) -> str:
    """A retrieval reference number (field 37): the year's last digit and the day of the
    year (``YDDD``, as networks start theirs), then 8 random letters and digits; a unique
    index refuses the one in 2.8 trillion that repeats within a day."""
    day = now.timetuple()
    return f"{day.tm_year % 10}{day.tm_yday:03d}" + "".join(
        secrets.choice(_RRN_ALPHABET) for _ in range(8)
    )


def _record(row: Any) -> Authorisation:
    currency = Currency.of(row.currency)
    return Authorisation(
        id=row.id,
        merchant_id=row.merchant_id,
        reference=row.reference,
        issuer=row.issuer,
        vault_card_id=row.vault_card_id,
        acquirer_id=row.acquirer_id,
        stan=row.stan,
        rrn=row.rrn,
        transmitted_at=row.transmitted_at,
        amount=Money.of_minor(row.amount, currency),
        status=Status(row.status),
        response_code=row.response_code,
        approval_code=row.approval_code,
        cvc_result=row.cvc_result,
        completed_amount=None
        if row.completed_amount is None
        else Money.of_minor(row.completed_amount, currency),
        follow_up=None if row.follow_up is None else FollowUp(row.follow_up),
        follow_up_error=row.follow_up_error,
    )


def insert(connection: Connection, request: AuthorizationRequest, **values: Any) -> uuid.UUID:
    """Record an authorisation about to be sent; returns its id."""
    authorisation_id: uuid.UUID = values.pop("id")
    connection.execute(
        sa.insert(authorisations).values(
            id=authorisation_id,
            acquirer_id=request.acquirer_id,
            stan=request.stan,
            rrn=request.rrn,
            transmitted_at=request.transmitted_at,
            amount=request.amount,
            currency=request.currency.code,
            status=Status.IN_FLIGHT.value,
            created_at=request.transmitted_at,
            updated_at=request.transmitted_at,
            **values,
        )
    )
    return authorisation_id


def load(
    connection: Connection, authorisation_id: uuid.UUID, *, lock: bool = False
) -> Authorisation | None:
    query = sa.select(authorisations).where(authorisations.c.id == authorisation_id)
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).first()
    return None if row is None else _record(row)


def in_flight_for(connection: Connection, reference: str) -> list[uuid.UUID]:
    """The authorisations of a payment still waiting for their answer."""
    t = authorisations.c
    return list(
        connection.execute(
            sa.select(t.id)
            .where(t.reference == reference, t.status == Status.IN_FLIGHT.value)
            .order_by(t.id)
        ).scalars()
    )


def change(
    connection: Connection,
    authorisation_id: uuid.UUID,
    now: dt.datetime,
    *,
    status_in: Iterable[Status] | None = None,
    follow_up_is: FollowUp | None = None,
    **values: Any,
) -> bool:
    """Set ``values`` if the record's status is one of ``status_in`` (or its follow-up is
    ``follow_up_is``); returns whether it was. The compare-and-set that fences the request
    that sent a message from the job that recovers it."""
    t = authorisations.c
    where = [t.id == authorisation_id]
    if status_in is not None:
        where.append(t.status.in_([status.value for status in status_in]))
    if follow_up_is is not None:
        where.append(t.follow_up == follow_up_is.value)
    changed = connection.execute(
        sa.update(authorisations).where(*where).values(updated_at=now, **values).returning(t.id)
    ).first()
    return changed is not None


STAN_BLOCK = 1_000
_STAN_BLOCKS = 999  # 1..999000; the last 999 numbers are never handed out


def reserve_stans(engine: Engine) -> range:
    """The next block of a thousand STANs, taken in a transaction of its own: a block is
    handed to one process at a time, until the blocks come round again (999,000 messages
    later, seconds past any message that carried the same STAN)."""
    b = tables.stan_blocks.c
    with writing(engine) as connection:
        taken = connection.execute(
            sa.update(tables.stan_blocks)
            .where(b.name == "network")
            .values(next_block=(b.next_block + 1) % _STAN_BLOCKS)
            .returning(b.next_block)
        ).scalar_one()
    block = (taken - 1) % _STAN_BLOCKS
    return range(block * STAN_BLOCK + 1, (block + 1) * STAN_BLOCK + 1)


def present(
    connection: Connection,
    authorisation_id: uuid.UUID,
    *,
    kind: str,
    reference: str,
    amount: Money,
    now: dt.datetime,
) -> None:
    """Queue a capture (``SALE``) or refund (``REFUND``) of an authorisation for the next
    clearing file, in the caller's transaction (one statement: the issuer and retrieval
    reference number are copied from the authorisation)."""
    a = authorisations.c
    source = sa.select(
        sa.literal(uuid7(), sa.Uuid),
        a.id,
        a.issuer,
        sa.literal(kind, sa.String),
        sa.literal(reference, sa.String),
        a.rrn,
        sa.literal(amount.minor, sa.BigInteger),
        sa.literal(amount.currency.code, sa.String),
        sa.literal(now, tables.presentments.c.created_at.type),
    ).where(a.id == authorisation_id)
    p = tables.presentments.c
    connection.execute(
        sa.insert(tables.presentments).from_select(
            [
                p.id,
                p.authorisation_id,
                p.issuer,
                p.kind,
                p.reference,
                p.rrn,
                p.amount,
                p.currency,
                p.created_at,
            ],
            source,
        )
    )
