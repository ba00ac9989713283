"""``/v1/checkout/sessions``: Stripe's Checkout Session resource, in ``mode=payment``. The
hosted page a session's ``url`` names is ``mercato.checkout``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.payment_intents import payments_of, return_base
from mercato.api.reference import form, query
from mercato.api.requests import clock_of, read, write
from mercato.gateway import checkout_sessions
from mercato.gateway.pagination import ListParams

router = APIRouter(prefix="/v1/checkout/sessions", tags=["checkout sessions"])


@router.post(
    "",
    summary="Create a Checkout Session: a hosted payment page for line items",
    openapi_extra=form(checkout_sessions.CreateParams),
)
async def create(request: Request) -> JSONResponse:
    clock, base = clock_of(request), return_base(request)
    return await write(
        request,
        lambda c, caller, p: checkout_sessions.create(c, caller, p, clock, hosted_base=base),
    )


@router.get(
    "",
    summary="List Checkout Sessions, newest first",
    openapi_extra=query(checkout_sessions.SessionListParams),
)
def list_(request: Request) -> JSONResponse:
    return read(request, checkout_sessions.list_)


@router.get(
    "/{session_id}",
    summary="Retrieve a Checkout Session",
    openapi_extra=query(checkout_sessions.RetrieveParams),
)
def retrieve(request: Request, session_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: checkout_sessions.retrieve(c, caller, session_id, p))


@router.get(
    "/{session_id}/line_items",
    summary="A Checkout Session's line items, in the order they were given",
    openapi_extra=query(ListParams),
)
def line_items(request: Request, session_id: str) -> JSONResponse:
    return read(
        request, lambda c, caller, p: checkout_sessions.line_items(c, caller, session_id, p)
    )


@router.post(
    "/{session_id}/expire",
    summary="Expire an open Checkout Session, so that it can no longer be paid",
    openapi_extra=form(checkout_sessions.ExpireParams),
)
async def expire(request: Request, session_id: str) -> JSONResponse:
    payments = payments_of(request)
    return await write(
        request,
        lambda c, caller, p: checkout_sessions.expire(c, caller, session_id, p, payments),
    )
