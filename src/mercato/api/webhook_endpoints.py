"""``/v1/webhook_endpoints``: Stripe's webhook endpoint resource, and Mercato's record of
each delivery to an endpoint with its attempts (``/deliveries``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import form
from mercato.api.requests import clock_of, read, write
from mercato.gateway import webhooks

router = APIRouter(prefix="/v1/webhook_endpoints", tags=["webhook endpoints"])


@router.post(
    "",
    summary="Create a webhook endpoint (its signing secret is shown only now)",
    openapi_extra=form(webhooks.CreateParams),
)
async def create(request: Request) -> JSONResponse:
    clock = clock_of(request)
    return await write(request, lambda c, caller, p: webhooks.create(c, caller, p, clock))


@router.get("", summary="List webhook endpoints, newest first")
def list_(request: Request) -> JSONResponse:
    return read(request, webhooks.list_)


@router.get("/{endpoint_id}", summary="Retrieve a webhook endpoint")
def retrieve(request: Request, endpoint_id: str) -> JSONResponse:
    return read(request, lambda c, caller, _p: webhooks.retrieve(c, caller, endpoint_id))


@router.post(
    "/{endpoint_id}",
    summary="Update a webhook endpoint",
    openapi_extra=form(webhooks.UpdateParams),
)
async def update(request: Request, endpoint_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(
        request, lambda c, caller, p: webhooks.update(c, caller, endpoint_id, p, clock)
    )


@router.delete("/{endpoint_id}", summary="Delete a webhook endpoint")
async def delete(request: Request, endpoint_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(
        request, lambda c, caller, _p: webhooks.delete(c, caller, endpoint_id, clock)
    )


@router.get(
    "/{endpoint_id}/deliveries",
    summary="List deliveries to a webhook endpoint with their attempts (Mercato extension)",
)
def deliveries(request: Request, endpoint_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: webhooks.list_deliveries(c, caller, endpoint_id, p))
