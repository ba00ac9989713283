"""``/v1/accounts/{acct}``: the merchant's own account as Stripe shows it, its payout
schedule (``settings[payouts][schedule]``) and its external (bank) accounts.

A merchant reaches only its own account: another id is a 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.merchants import Caller, KeyKind, get_merchant
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.gateway.payouts import api_error
from mercato.settlement import bank_accounts, schedule
from mercato.settlement.errors import SettlementError
from mercato.settlement.tables import external_accounts
from mercato.vault import KeyRing


class BankAccountParams(Params):
    object: Literal["bank_account"]
    country: str = Field(min_length=2, max_length=2)
    currency: str = Field(min_length=3, max_length=3)
    account_number: str = Field(min_length=4, max_length=40)
    routing_number: str | None = Field(default=None, max_length=11)
    account_holder_name: str | None = Field(default=None, max_length=100)
    account_holder_type: Literal["company", "individual"] = "company"
    account_type: Literal["checking", "savings"] = "checking"
    metadata: dict[str, Any] | str | None = None


class CreateParams(Params):
    external_account: BankAccountParams | str
    default_for_currency: bool = False
    metadata: dict[str, Any] | str | None = None
    expand: list[str] = Field(default_factory=list)


class ExternalAccountListParams(ListParams):
    object: Literal["bank_account"] | None = None


class ScheduleParams(Params):
    interval: Literal["daily", "weekly", "monthly", "manual"] | None = None
    delay_days: int | Literal["minimum"] | None = None
    weekly_anchor: str | None = None
    monthly_anchor: int | None = None


class PayoutSettingsParams(Params):
    schedule: ScheduleParams | None = None


class SettingsParams(Params):
    payouts: PayoutSettingsParams | None = None


class AccountUpdateParams(Params):
    settings: SettingsParams | None = None
    expand: list[str] = Field(default_factory=list)


class RetrieveParams(Params):
    expand: list[str] = Field(default_factory=list)


def _own(caller: Caller, account_id: str) -> str:
    if account_id != caller.merchant_id:
        raise ResourceMissing("account", account_id)
    return account_id


def account_object(connection: Connection, merchant_id: str) -> dict[str, Any]:
    """The merchant as Stripe's ``account``, with its schedule and bank accounts."""
    merchant = get_merchant(connection, merchant_id)
    assert merchant is not None  # the caller's own
    listed = list_(connection, Caller(KeyKind.SECRET, merchant_id), merchant_id, {"limit": 10})
    return {
        "id": merchant.id,
        "object": "account",
        "business_profile": {"name": merchant.name},
        "business_type": "company",
        "charges_enabled": True,
        "country": merchant.country,
        "default_currency": merchant.default_currency.code.lower(),
        "details_submitted": True,
        "email": None,
        "external_accounts": listed,
        "metadata": {},
        "payouts_enabled": True,
        "settings": {
            "payouts": {
                "debit_negative_balances": False,
                "schedule": schedule.of(connection, merchant_id).to_object(),
                "statement_descriptor": None,
            }
        },
        "type": "standard",
    }


def retrieve_account(
    connection: Connection, caller: Caller, account_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    parse(RetrieveParams, params)
    return account_object(connection, _own(caller, account_id))


def update_account(
    connection: Connection, caller: Caller, account_id: str, params: dict[str, Any], clock: Clock
) -> dict[str, Any]:
    """Change the payout schedule (``settings[payouts][schedule][...]``)."""
    given = parse(AccountUpdateParams, params)
    merchant_id = _own(caller, account_id)
    wanted = given.settings.payouts.schedule if given.settings and given.settings.payouts else None
    if wanted is not None:
        delay = schedule.DEFAULT_DELAY_DAYS if wanted.delay_days == "minimum" else wanted.delay_days
        try:
            schedule.change(
                connection,
                merchant_id,
                clock.now(),
                interval=wanted.interval,
                delay_days=delay,
                weekly_anchor=wanted.weekly_anchor,
                monthly_anchor=wanted.monthly_anchor,
            )
        except SettlementError as error:
            raise api_error(error) from None
    return account_object(connection, merchant_id)


def create(
    connection: Connection,
    caller: Caller,
    account_id: str,
    params: dict[str, Any],
    *,
    keyring: KeyRing,
    clock: Clock,
) -> dict[str, Any]:
    """Add a bank account, checked, its number sealed."""
    given = parse(CreateParams, params)
    merchant_id = _own(caller, account_id)
    account = given.external_account
    if isinstance(account, str):
        raise InvalidRequest(
            "Bank account tokens are not supported: pass external_account[object]="
            "bank_account and its details.",
            param="external_account",
        )
    metadata = metadata_rules.merged({}, given.metadata or account.metadata)
    try:
        added = bank_accounts.add(
            connection,
            merchant_id,
            bank_accounts.NewBankAccount(
                country=account.country,
                currency=account.currency,
                account_number=account.account_number,
                routing_number=account.routing_number,
                account_holder_name=account.account_holder_name,
                account_holder_type=account.account_holder_type,
                account_type=account.account_type,
                default_for_currency=given.default_for_currency,
                metadata=metadata,
            ),
            keyring=keyring,
            now=clock.now(),
        )
    except SettlementError as error:
        raise api_error(error) from None
    return bank_accounts.to_object(added)


def _find(connection: Connection, merchant_id: str, external_id: str) -> Any:
    e = external_accounts.c
    found = connection.execute(
        sa.select(external_accounts).where(
            e.id == external_id, e.merchant_id == merchant_id, e.deleted_at.is_(None)
        )
    ).first()
    if found is None:
        raise ResourceMissing("external_account", external_id)
    return found


def retrieve(
    connection: Connection, caller: Caller, account_id: str, external_id: str
) -> dict[str, Any]:
    return bank_accounts.to_object(_find(connection, _own(caller, account_id), external_id))


def delete(
    connection: Connection, caller: Caller, account_id: str, external_id: str, clock: Clock
) -> dict[str, Any]:
    found = _find(connection, _own(caller, account_id), external_id)
    try:
        bank_accounts.remove(connection, found, clock.now())
    except SettlementError as error:
        raise api_error(error) from None
    return {"id": found.id, "object": "bank_account", "deleted": True}


def list_(
    connection: Connection, caller: Caller, account_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(ExternalAccountListParams, params)
    merchant_id = _own(caller, account_id)
    e = external_accounts.c
    query = sa.select(external_accounts).where(e.merchant_id == merchant_id, e.deleted_at.is_(None))
    rows, has_more = page(query, e.id, given, lambda q: connection.execute(q).all())
    return list_object(
        f"/v1/accounts/{merchant_id}/external_accounts",
        [bank_accounts.to_object(r) for r in rows],
        has_more,
    )
