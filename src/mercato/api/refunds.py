"""``/v1/refunds``: money returned to the cardholder out of a captured charge."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import form, query
from mercato.api.requests import clock_of, read, write
from mercato.gateway import refunds
from mercato.processor import Processor

router = APIRouter(prefix="/v1/refunds", tags=["refunds"])


@router.post(
    "", summary="Refund a charge, in whole or part", openapi_extra=form(refunds.CreateParams)
)
async def create(request: Request) -> JSONResponse:
    processor: Processor = request.app.state.processor
    clock, key = clock_of(request), request.headers.get("idempotency-key")
    return await write(
        request,
        lambda c, caller, p: refunds.create(
            c, caller, p, processor=processor, clock=clock, idempotency_key=key
        ),
    )


@router.get("", summary="List refunds, newest first", openapi_extra=query(refunds.RefundListParams))
def list_(request: Request) -> JSONResponse:
    return read(request, refunds.list_)


@router.get("/{refund_id}", summary="Retrieve a refund")
def retrieve(request: Request, refund_id: str) -> JSONResponse:
    return read(request, lambda c, caller, _p: refunds.retrieve(c, caller, refund_id))


@router.post(
    "/{refund_id}",
    summary="Update a refund's metadata",
    openapi_extra=form(refunds.UpdateParams),
)
async def update(request: Request, refund_id: str) -> JSONResponse:
    return await write(request, lambda c, caller, p: refunds.update(c, caller, refund_id, p))
