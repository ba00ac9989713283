"""``/v1/products``: Stripe's product resource."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import form, query
from mercato.api.requests import clock_of, read, write
from mercato.gateway import products

router = APIRouter(prefix="/v1/products", tags=["products"])


@router.post("", summary="Create a product", openapi_extra=form(products.CreateParams))
async def create(request: Request) -> JSONResponse:
    clock = clock_of(request)
    return await write(request, lambda c, caller, p: products.create(c, caller, p, clock))


@router.get(
    "", summary="List products, newest first", openapi_extra=query(products.ProductListParams)
)
def list_(request: Request) -> JSONResponse:
    return read(request, products.list_)


@router.get(
    "/{product_id}", summary="Retrieve a product", openapi_extra=query(products.RetrieveParams)
)
def retrieve(request: Request, product_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: products.retrieve(c, caller, product_id, p))


@router.post("/{product_id}", summary="Update a product", openapi_extra=form(products.UpdateParams))
async def update(request: Request, product_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(
        request, lambda c, caller, p: products.update(c, caller, product_id, p, clock)
    )


@router.delete("/{product_id}", summary="Delete a product that has no prices")
async def delete(request: Request, product_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(request, lambda c, caller, _p: products.delete(c, caller, product_id, clock))
