"""``/v1/payment_intents``: Stripe's payment intent resource, and the page the customer's
browser comes back to from the issuer's 3-D Secure challenge."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from mercato.api.reference import form, query
from mercato.api.requests import Steps, platform_engine, read, write, write_in_steps
from mercato.gateway import payment_intents
from mercato.gateway.intent_records import Payments

router = APIRouter(prefix="/v1/payment_intents", tags=["payment intents"])

_AUTHENTICATED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authentication finished</title></head>
<body><p>Authentication finished. You may close this window.</p></body></html>
"""


def payments_of(request: Request) -> Payments:
    state = request.app.state
    return Payments(services=state.payment_services, processor=state.processor)


def return_base(request: Request) -> str:
    """This API's own address as the caller reached it: the 3-D Secure challenge sends the
    customer's browser back to it."""
    return str(request.base_url)


@router.post(
    "",
    summary="Create a payment intent (and confirm it, with confirm=true)",
    openapi_extra=form(payment_intents.CreateParams),
)
async def create(request: Request) -> JSONResponse:
    payments, base = payments_of(request), return_base(request)
    return await write_in_steps(
        request,
        lambda steps, caller, p: payment_intents.create(
            steps, caller, p, payments, return_base=base
        ),
    )


@router.get(
    "",
    summary="List payment intents, newest first",
    openapi_extra=query(payment_intents.IntentListParams),
)
def list_(request: Request) -> JSONResponse:
    return read(request, payment_intents.list_)


@router.get(
    "/{intent_id}",
    summary="Retrieve a payment intent",
    openapi_extra=query(payment_intents.RetrieveParams),
)
def retrieve(request: Request, intent_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: payment_intents.retrieve(c, caller, intent_id, p))


@router.post(
    "/{intent_id}",
    summary="Update a payment intent",
    openapi_extra=form(payment_intents.UpdateParams),
)
async def update(request: Request, intent_id: str) -> JSONResponse:
    payments = payments_of(request)
    return await write(
        request, lambda c, caller, p: payment_intents.update(c, caller, intent_id, p, payments)
    )


@router.post(
    "/{intent_id}/confirm",
    summary="Confirm a payment intent: authorise the payment",
    openapi_extra=form(payment_intents.ConfirmParams),
)
async def confirm(request: Request, intent_id: str) -> JSONResponse:
    payments, base = payments_of(request), return_base(request)
    return await write_in_steps(
        request,
        lambda steps, caller, p: payment_intents.confirm(
            steps, caller, intent_id, p, payments, return_base=base
        ),
    )


@router.post(
    "/{intent_id}/capture",
    summary="Capture an authorised payment, in whole or part",
    openapi_extra=form(payment_intents.CaptureParams),
)
async def capture(request: Request, intent_id: str) -> JSONResponse:
    payments = payments_of(request)
    return await write_in_steps(
        request,
        lambda steps, caller, p: payment_intents.capture(steps, caller, intent_id, p, payments),
    )


@router.post(
    "/{intent_id}/cancel",
    summary="Cancel a payment intent not yet captured",
    openapi_extra=form(payment_intents.CancelParams),
)
async def cancel(request: Request, intent_id: str) -> JSONResponse:
    payments = payments_of(request)
    return await write_in_steps(
        request,
        lambda steps, caller, p: payment_intents.cancel(steps, caller, intent_id, p, payments),
    )


@router.get(
    "/{intent_id}/3ds_return",
    summary="Where the issuer's 3-D Secure challenge sends the customer's browser back",
    include_in_schema=False,
)
async def three_ds_return(request: Request, intent_id: str, client_secret: str = "") -> Response:
    payments, base = payments_of(request), return_base(request)
    steps = Steps(platform_engine(request), None)
    intent = await run_in_threadpool(
        payment_intents.return_from_authentication,
        steps,
        intent_id,
        client_secret,
        payments,
        return_base=base,
    )
    url = payment_intents.merchant_return(intent)
    if url is None:
        return HTMLResponse(_AUTHENTICATED_PAGE, headers={"Cache-Control": "no-store"})
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
