"""``/v1/charges``: the charges payment intents made (read only, as Stripe's newer API
has it: payments are made with payment intents)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import query
from mercato.api.requests import read
from mercato.gateway import charges

router = APIRouter(prefix="/v1/charges", tags=["charges"])


@router.get("", summary="List charges, newest first", openapi_extra=query(charges.ChargeListParams))
def list_(request: Request) -> JSONResponse:
    return read(request, charges.list_)


@router.get(
    "/{charge_id}", summary="Retrieve a charge", openapi_extra=query(charges.RetrieveParams)
)
def retrieve(request: Request, charge_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: charges.retrieve(c, caller, charge_id, p))
