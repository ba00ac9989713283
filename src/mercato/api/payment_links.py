"""``/v1/payment_links``: Stripe's Payment Link resource, and its "Buy now" button (a
Mercato extension). A link's public page, ``/b/{id}``, is ``mercato.checkout``'s."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.payment_intents import return_base
from mercato.api.reference import form, query
from mercato.api.requests import clock_of, read, write
from mercato.gateway import payment_links
from mercato.gateway.pagination import ListParams

router = APIRouter(prefix="/v1/payment_links", tags=["payment links"])


@router.post(
    "",
    summary="Create a payment link: a public page that sells its line items",
    openapi_extra=form(payment_links.CreateParams),
)
async def create(request: Request) -> JSONResponse:
    clock, base = clock_of(request), return_base(request)
    return await write(
        request,
        lambda c, caller, p: payment_links.create(c, caller, p, clock, hosted_base=base),
    )


@router.get(
    "",
    summary="List payment links, newest first",
    openapi_extra=query(payment_links.LinkListParams),
)
def list_(request: Request) -> JSONResponse:
    return read(request, payment_links.list_)


@router.get(
    "/{link_id}",
    summary="Retrieve a payment link",
    openapi_extra=query(payment_links.RetrieveParams),
)
def retrieve(request: Request, link_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: payment_links.retrieve(c, caller, link_id, p))


@router.post(
    "/{link_id}",
    summary="Update a payment link: turn it off or on, or change what follows a payment",
    openapi_extra=form(payment_links.UpdateParams),
)
async def update(request: Request, link_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(
        request, lambda c, caller, p: payment_links.update(c, caller, link_id, p, clock)
    )


@router.get(
    "/{link_id}/line_items",
    summary="A payment link's line items",
    openapi_extra=query(ListParams),
)
def line_items(request: Request, link_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: payment_links.line_items(c, caller, link_id, p))


@router.get(
    "/{link_id}/button",
    summary='The link\'s "Buy now" button: HTML to paste into any web page',
    openapi_extra=query(payment_links.ButtonParams),
)
def button(request: Request, link_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: payment_links.button(c, caller, link_id, p))
