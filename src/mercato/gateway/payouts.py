"""``/v1/payouts``: a merchant's payouts to its bank account (``settlement.payouts``).

Settlement's refusals become Stripe's errors here (``api_error``), for this module and
``gateway.external_accounts``.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.charges import created_filter
from mercato.gateway.errors import ApiError, InvalidRequest, ResourceMissing
from mercato.gateway.events import Created
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.ledger import Ledger
from mercato.money import Currency, UnknownCurrency
from mercato.settlement import payouts
from mercato.settlement.errors import SettlementError
from mercato.settlement.tables import payouts as payout_rows


def api_error(error: SettlementError) -> ApiError:
    """Settlement's refusal as Stripe's ``invalid_request_error`` (400)."""
    return InvalidRequest(error.message, code=error.code, param=error.param)


class CreateParams(Params):
    amount: int = Field(ge=1)
    currency: str = Field(min_length=3, max_length=3)
    description: str | None = Field(default=None, max_length=1000)
    statement_descriptor: str | None = Field(default=None, max_length=22)
    metadata: dict[str, Any] | str | None = None
    method: Literal["standard"] | None = None
    expand: list[str] = Field(default_factory=list)


class UpdateParams(Params):
    metadata: dict[str, Any] | str | None = None
    expand: list[str] = Field(default_factory=list)


class CancelParams(Params):
    expand: list[str] = Field(default_factory=list)


class PayoutListParams(ListParams):
    status: Literal["pending", "in_transit", "paid", "failed", "canceled"] | None = None
    arrival_date: int | Created | None = None
    created: int | Created | None = None
    destination: str | None = None


def create(
    connection: Connection,
    caller: Caller,
    params: dict[str, Any],
    *,
    ledger: Ledger,
    clock: Clock,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Pay ``amount`` of the available balance out to the default bank account."""
    given = parse(CreateParams, params)
    try:
        Currency.of(given.currency.upper())
    except UnknownCurrency:
        raise InvalidRequest(f"Invalid currency: {given.currency}", param="currency") from None
    try:
        made = payouts.create(
            connection,
            merchant_id=str(caller.merchant_id),
            amount=given.amount,
            currency=given.currency,
            ledger=ledger,
            clock=clock,
            description=given.description,
            metadata=metadata_rules.merged({}, given.metadata),
            statement_descriptor=given.statement_descriptor,
            idempotency_key=idempotency_key,
        )
    except SettlementError as error:
        raise api_error(error) from None
    return payouts.to_object(made)


def _find(connection: Connection, caller: Caller, payout_id: str) -> Any:
    found = connection.execute(
        sa.select(payout_rows).where(
            payout_rows.c.id == payout_id, payout_rows.c.merchant_id == caller.merchant_id
        )
    ).first()
    if found is None:
        raise ResourceMissing("payout", payout_id)
    return found


def retrieve(connection: Connection, caller: Caller, payout_id: str) -> dict[str, Any]:
    return payouts.to_object(_find(connection, caller, payout_id))


def update(
    connection: Connection, caller: Caller, payout_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(UpdateParams, params)
    found = _find(connection, caller, payout_id)
    if given.metadata is not None:
        connection.execute(
            sa.update(payout_rows)
            .where(payout_rows.c.id == found.id)
            .values(metadata=metadata_rules.merged(found.metadata, given.metadata))
        )
    return payouts.to_object(payouts.row(connection, found.id))


def cancel(
    connection: Connection,
    caller: Caller,
    payout_id: str,
    params: dict[str, Any],
    *,
    ledger: Ledger,
    clock: Clock,
) -> dict[str, Any]:
    parse(CancelParams, params)
    found = _find(connection, caller, payout_id)
    try:
        return payouts.to_object(payouts.cancel(connection, found, ledger=ledger, clock=clock))
    except SettlementError as error:
        raise api_error(error) from None


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's payouts, newest first, by ``status``, ``arrival_date``, ``created``
    and ``destination``."""
    given = parse(PayoutListParams, params)
    p = payout_rows.c
    query = sa.select(payout_rows).where(p.merchant_id == caller.merchant_id)
    if given.status:
        query = query.where(p.status == given.status)
    if given.destination:
        query = query.where(p.destination_id == given.destination)
    if given.created is not None:
        query = query.where(*created_filter(p.created_at, given.created))
    if given.arrival_date is not None:
        query = query.where(*created_filter(p.arrival_date, given.arrival_date))
    rows, has_more = page(query, p.id, given, lambda q: connection.execute(q).all())
    return list_object("/v1/payouts", [payouts.to_object(r) for r in rows], has_more)
