"""``/v1/prices``: Stripe's price resource (one-time prices)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import form, query
from mercato.api.requests import clock_of, read, write
from mercato.gateway import prices

router = APIRouter(prefix="/v1/prices", tags=["prices"])


@router.post("", summary="Create a one-time price", openapi_extra=form(prices.CreateParams))
async def create(request: Request) -> JSONResponse:
    clock = clock_of(request)
    return await write(request, lambda c, caller, p: prices.create(c, caller, p, clock))


@router.get("", summary="List prices, newest first", openapi_extra=query(prices.PriceListParams))
def list_(request: Request) -> JSONResponse:
    return read(request, prices.list_)


@router.get("/{price_id}", summary="Retrieve a price", openapi_extra=query(prices.RetrieveParams))
def retrieve(request: Request, price_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: prices.retrieve(c, caller, price_id, p))


@router.post(
    "/{price_id}",
    summary="Update a price (never its amount, currency or product)",
    openapi_extra=form(prices.UpdateParams),
)
async def update(request: Request, price_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(request, lambda c, caller, p: prices.update(c, caller, price_id, p, clock))
