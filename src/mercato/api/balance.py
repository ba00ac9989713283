"""``/v1/balance`` and ``/v1/balance_transactions``: the merchant's balance and its
movements."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import query
from mercato.api.requests import read
from mercato.gateway import balance_transactions
from mercato.ledger import Ledger

router = APIRouter(tags=["balance"])


def _ledger(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.processor.ledger
    return ledger


@router.get("/v1/balance", summary="Retrieve the balance: available and pending")
def balance(request: Request) -> JSONResponse:
    ledger = _ledger(request)
    return read(
        request, lambda c, caller, p: balance_transactions.balance(c, caller, p, ledger=ledger)
    )


@router.get(
    "/v1/balance_transactions",
    summary="List balance transactions, newest first",
    openapi_extra=query(balance_transactions.BalanceTransactionListParams),
)
def list_(request: Request) -> JSONResponse:
    return read(request, balance_transactions.list_)


@router.get("/v1/balance_transactions/{transaction_id}", summary="Retrieve a balance transaction")
def retrieve(request: Request, transaction_id: str) -> JSONResponse:
    return read(
        request, lambda c, caller, p: balance_transactions.retrieve(c, caller, transaction_id, p)
    )
