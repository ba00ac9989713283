"""``GET /v1/balance`` and ``/v1/balance_transactions``: a merchant's balance, as the
platform's books hold it, and every movement of it (``settlement.transactions``)."""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato.gateway.charges import created_filter
from mercato.gateway.errors import ResourceMissing
from mercato.gateway.events import Created
from mercato.gateway.merchants import Caller, get_merchant
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.ledger import Ledger
from mercato.money import Currency
from mercato.processor.books import merchant_balance
from mercato.settlement.books import merchant_available
from mercato.settlement.tables import balance_transactions
from mercato.settlement.transactions import to_object


class BalanceParams(Params):
    pass


class BalanceTransactionListParams(ListParams):
    payout: str | None = None
    type: str | None = None
    source: str | None = None
    currency: str | None = None
    created: int | Created | None = None
    available_on: int | Created | None = None


class RetrieveParams(Params):
    expand: list[str] = Field(default_factory=list)


def balance(
    connection: Connection, caller: Caller, params: dict[str, Any], *, ledger: Ledger
) -> dict[str, Any]:
    """Available and pending per currency, read from the merchant's ledger accounts."""
    parse(BalanceParams, params)
    merchant_id = str(caller.merchant_id)
    book = ledger.book(connection)
    currencies = sorted(
        {spec.currency.code for spec in book.accounts(owner=merchant_id)}
        or {get_merchant(connection, merchant_id).default_currency.code}  # type: ignore[union-attr]
    )
    parts: dict[str, list[dict[str, Any]]] = {"available": [], "pending": []}
    codes = {spec.code for spec in book.accounts(owner=merchant_id)}
    for code in currencies:
        currency = Currency.of(code)
        for part, account in (
            ("available", merchant_available(merchant_id, currency)),
            ("pending", merchant_balance(merchant_id, currency)),
        ):
            amount = book.balance(account).posted.minor if account in codes else 0
            parts[part].append(
                {"amount": amount, "currency": code.lower(), "source_types": {"card": amount}}
            )
    return {
        "object": "balance",
        "available": parts["available"],
        "connect_reserved": [{"amount": 0, "currency": c.lower()} for c in currencies],
        "livemode": False,
        "pending": parts["pending"],
    }


def _find(connection: Connection, caller: Caller, transaction_id: str) -> Any:
    found = connection.execute(
        sa.select(balance_transactions).where(
            balance_transactions.c.id == transaction_id,
            balance_transactions.c.merchant_id == caller.merchant_id,
        )
    ).first()
    if found is None:
        raise ResourceMissing("balance_transaction", transaction_id)
    return found


def shown(connection: Connection, transaction_id: str) -> dict[str, Any]:
    """A balance transaction by id, for an ``expand[]`` of another object's field."""
    row = connection.execute(
        sa.select(balance_transactions).where(balance_transactions.c.id == transaction_id)
    ).one()
    return to_object(row)


def retrieve(
    connection: Connection, caller: Caller, transaction_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    parse(RetrieveParams, params)
    return to_object(_find(connection, caller, transaction_id))


Kind = Literal[
    "charge", "refund", "payout", "payout_cancel", "payout_failure", "adjustment", "payment"
]


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's balance transactions, newest first, by ``payout``, ``type``,
    ``source``, ``currency``, ``created`` and ``available_on``."""
    given = parse(BalanceTransactionListParams, params)
    t = balance_transactions.c
    query = sa.select(balance_transactions).where(t.merchant_id == caller.merchant_id)
    if given.payout:
        query = query.where(t.payout_id == given.payout)
    if given.type:
        query = query.where(t.type == given.type)
    if given.source:
        query = query.where(t.source_id == given.source)
    if given.currency:
        query = query.where(t.currency == given.currency.lower())
    if given.created is not None:
        query = query.where(*created_filter(t.created_at, given.created))
    if given.available_on is not None:
        query = query.where(*created_filter(t.available_on, given.available_on))
    rows, has_more = page(query, t.id, given, lambda q: connection.execute(q).all())
    return list_object("/v1/balance_transactions", [to_object(r) for r in rows], has_more)
