"""``/v1/payouts``: a merchant's payouts; ``/v1/payout_files``: the files made for the
commercial bank, for the operator (admin key) to list and download."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mercato.api.reference import form, query
from mercato.api.requests import api_key, clock_of, platform_engine, read, write
from mercato.database.engine import reading
from mercato.gateway import payouts
from mercato.gateway.errors import PermissionError_, ResourceMissing
from mercato.gateway.merchants import KeyKind, authenticate
from mercato.ledger import Ledger
from mercato.settlement import files

router = APIRouter(prefix="/v1/payouts", tags=["payouts"])
files_router = APIRouter(prefix="/v1/payout_files", tags=["payouts"])


def _ledger(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.processor.ledger
    return ledger


@router.post("", summary="Pay out to your bank account", openapi_extra=form(payouts.CreateParams))
async def create(request: Request) -> JSONResponse:
    clock, ledger = clock_of(request), _ledger(request)
    key = request.headers.get("idempotency-key")
    return await write(
        request,
        lambda c, caller, p: payouts.create(
            c, caller, p, ledger=ledger, clock=clock, idempotency_key=key
        ),
    )


@router.get("", summary="List payouts, newest first", openapi_extra=query(payouts.PayoutListParams))
def list_(request: Request) -> JSONResponse:
    return read(request, payouts.list_)


@router.get("/{payout_id}", summary="Retrieve a payout")
def retrieve(request: Request, payout_id: str) -> JSONResponse:
    return read(request, lambda c, caller, _p: payouts.retrieve(c, caller, payout_id))


@router.post(
    "/{payout_id}", summary="Update a payout's metadata", openapi_extra=form(payouts.UpdateParams)
)
async def update(request: Request, payout_id: str) -> JSONResponse:
    return await write(request, lambda c, caller, p: payouts.update(c, caller, payout_id, p))


@router.post("/{payout_id}/cancel", summary="Cancel a payout not yet sent to the bank")
async def cancel(request: Request, payout_id: str) -> JSONResponse:
    clock, ledger = clock_of(request), _ledger(request)
    return await write(
        request,
        lambda c, caller, p: payouts.cancel(c, caller, payout_id, p, ledger=ledger, clock=clock),
    )


def _operator(request: Request) -> None:
    with reading(platform_engine(request)) as connection:
        caller = authenticate(connection, api_key(request))
    if caller.kind is not KeyKind.ADMIN:
        raise PermissionError_("Payout files are for the operator's key (sk_admin_...).")


@files_router.get("", summary="List payout files, newest first (admin key)")
def list_files(request: Request) -> JSONResponse:
    _operator(request)
    with reading(platform_engine(request)) as connection:
        data = [files.to_object(row) for row in files.listed(connection)]
    return JSONResponse(
        {"object": "list", "data": data, "has_more": False, "url": "/v1/payout_files"}
    )


@files_router.get("/{file_id}/download", summary="Download a payout file (admin key)")
def download(request: Request, file_id: str) -> Response:
    _operator(request)
    with reading(platform_engine(request)) as connection:
        found = files.content_of(connection, file_id)
    if found is None:
        raise ResourceMissing("payout_file", file_id)
    name, content = found
    kind = "application/xml" if name.endswith(".xml") else "text/plain"
    return Response(
        content, media_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
