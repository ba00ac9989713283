"""``/v1/payment_methods``: Stripe's payment method resource (cards)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import form, query
from mercato.api.requests import clock_of, read, write
from mercato.gateway import payment_methods
from mercato.gateway.payment_methods import Services

router = APIRouter(prefix="/v1/payment_methods", tags=["payment methods"])


def services_of(request: Request) -> Services:
    services: Services = request.app.state.payment_services
    return services


@router.post(
    "",
    summary="Create a payment method from a card",
    openapi_extra=form(payment_methods.CreateParams),
)
async def create(request: Request) -> JSONResponse:
    services = services_of(request)
    return await write(
        request,
        lambda c, caller, p: payment_methods.create(c, caller, p, services),
        publishable=True,
    )


@router.get(
    "",
    summary="List payment methods, newest first",
    openapi_extra=query(payment_methods.PaymentMethodListParams),
)
def list_(request: Request) -> JSONResponse:
    return read(request, payment_methods.list_)


@router.get("/{payment_method_id}", summary="Retrieve a payment method")
def retrieve(request: Request, payment_method_id: str) -> JSONResponse:
    return read(
        request, lambda c, caller, _p: payment_methods.retrieve(c, caller, payment_method_id)
    )


@router.post(
    "/{payment_method_id}",
    summary="Update a payment method",
    openapi_extra=form(payment_methods.UpdateParams),
)
async def update(request: Request, payment_method_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(
        request, lambda c, caller, p: payment_methods.update(c, caller, payment_method_id, p, clock)
    )


@router.post(
    "/{payment_method_id}/attach",
    summary="Attach a payment method to a customer",
    openapi_extra=form(payment_methods.AttachParams),
)
async def attach(request: Request, payment_method_id: str) -> JSONResponse:
    services = services_of(request)
    return await write(
        request,
        lambda c, caller, p: payment_methods.attach(c, caller, payment_method_id, p, services),
    )


@router.post("/{payment_method_id}/detach", summary="Detach a payment method from its customer")
async def detach(request: Request, payment_method_id: str) -> JSONResponse:
    return await write(
        request, lambda c, caller, _p: payment_methods.detach(c, caller, payment_method_id)
    )
