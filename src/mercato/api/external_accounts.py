"""``/v1/accounts/{acct}``: the merchant's account, its payout schedule and its bank
accounts (Stripe's external accounts)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import form, query
from mercato.api.requests import clock_of, read, write
from mercato.gateway import external_accounts
from mercato.vault import KeyRing

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])


def _keyring(request: Request) -> KeyRing:
    keyring: KeyRing = request.app.state.payment_services.vault.keyring
    return keyring


@router.get("/{account_id}", summary="Retrieve your account")
def retrieve_account(request: Request, account_id: str) -> JSONResponse:
    return read(
        request, lambda c, caller, p: external_accounts.retrieve_account(c, caller, account_id, p)
    )


@router.post(
    "/{account_id}",
    summary="Update your account's payout schedule",
    openapi_extra=form(external_accounts.AccountUpdateParams),
)
async def update_account(request: Request, account_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(
        request,
        lambda c, caller, p: external_accounts.update_account(c, caller, account_id, p, clock),
    )


@router.post(
    "/{account_id}/external_accounts",
    summary="Add a bank account for payouts",
    openapi_extra=form(external_accounts.CreateParams),
)
async def create(request: Request, account_id: str) -> JSONResponse:
    clock, keyring = clock_of(request), _keyring(request)
    return await write(
        request,
        lambda c, caller, p: external_accounts.create(
            c, caller, account_id, p, keyring=keyring, clock=clock
        ),
    )


@router.get(
    "/{account_id}/external_accounts",
    summary="List bank accounts, newest first",
    openapi_extra=query(external_accounts.ExternalAccountListParams),
)
def list_(request: Request, account_id: str) -> JSONResponse:
    return read(request, lambda c, caller, p: external_accounts.list_(c, caller, account_id, p))


@router.get("/{account_id}/external_accounts/{external_id}", summary="Retrieve a bank account")
def retrieve(request: Request, account_id: str, external_id: str) -> JSONResponse:
    return read(
        request,
        lambda c, caller, _p: external_accounts.retrieve(c, caller, account_id, external_id),
    )


@router.delete("/{account_id}/external_accounts/{external_id}", summary="Delete a bank account")
async def delete(request: Request, account_id: str, external_id: str) -> JSONResponse:
    clock = clock_of(request)
    return await write(
        request,
        lambda c, caller, _p: external_accounts.delete(c, caller, account_id, external_id, clock),
    )
