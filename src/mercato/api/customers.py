"""``/v1/customers``: Stripe's customer resource."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import form, query
from mercato.api.requests import clock_of, read, write
from mercato.gateway import customers

router = APIRouter(prefix="/v1/customers", tags=["customers"])


@router.post("", summary="Create a customer", openapi_extra=form(customers.CustomerParams))
async def create(request: Request) -> JSONResponse:
    clock = clock_of(request)
    return await write(request, lambda c, caller, p: customers.create(c, caller, p, clock))


@router.get(
    "",
    summary="List customers, newest first",
    openapi_extra=query(customers.CustomerListParams),
)
def list_(request: Request) -> JSONResponse:
    return read(request, customers.list_)


@router.get("/{customer_id}", summary="Retrieve a customer")
def retrieve(request: Request, customer_id: str) -> JSONResponse:
    return read(request, lambda c, caller, _p: customers.retrieve(c, caller, customer_id))


@router.post(
    "/{customer_id}", summary="Update a customer", openapi_extra=form(customers.CustomerParams)
)
async def update(request: Request, customer_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(
        request, lambda c, caller, p: customers.update(c, caller, customer_id, p, clock)
    )


@router.delete("/{customer_id}", summary="Delete a customer")
async def delete(request: Request, customer_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(
        request, lambda c, caller, _p: customers.delete(c, caller, customer_id, clock)
    )
