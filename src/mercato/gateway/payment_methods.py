"""Payment methods: a customer's card, kept in the vault, shown by brand and last four
(Stripe's ``payment_method`` of type ``card``). Stripe's documented test ids
(``pm_card_visa``, ``pm_card_chargeDeclined``, ...) make a fresh payment method from the
test card they name, as Stripe does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato import vault as card_vault
from mercato.clock import Clock
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.customers import Address
from mercato.gateway.cvc import CvcHolder
from mercato.gateway.errors import CardError, InvalidRequest, PermissionError_, ResourceMissing
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import Caller, KeyKind
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.gateway.payment_tables import payment_methods
from mercato.gateway.tables import customers
from mercato.processor import bins

TEST_PAYMENT_METHODS = {
    "pm_card_visa": "4242424242424242",
    "pm_card_visa_debit": "4000056655665556",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_mastercard_debit": "5200828282828210",
    "pm_card_amex": "378282246310005",
    "pm_card_discover": "6011111111111117",
    "pm_card_diners": "3056930009020004",
    "pm_card_jcb": "3566002020360505",
    "pm_card_unionpay": "6200000000000005",
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_chargeDeclinedLostCard": "4000000000009987",
    "pm_card_chargeDeclinedStolenCard": "4000000000009979",
    "pm_card_chargeDeclinedExpiredCard": "4000000000000069",
    "pm_card_chargeDeclinedIncorrectCvc": "4000000000000127",
    "pm_card_chargeDeclinedProcessingError": "4000000000000119",
    "pm_card_authenticationRequired": "4000002760003184",
    "pm_card_authenticationRequiredOnSetup": "4000002500003155",
}
"""Stripe's test payment method ids and the test cards they stand for."""


@dataclass(frozen=True)
class Services:
    """What the payment-method use cases need beyond the database."""

    vault: card_vault.Vault
    clock: Clock
    cvcs: CvcHolder


class CardParams(Params):
    number: str
    exp_month: int
    exp_year: int
    cvc: str | None = None


class BillingDetails(Params):
    address: Address | None = None
    email: str | None = None
    name: str | None = None
    phone: str | None = None


class CreateParams(Params):
    type: str
    card: CardParams | None = None
    billing_details: BillingDetails | None = None
    metadata: dict[str, Any] | str | None = None
    customer: str | None = None
    expand: list[str] = Field(default_factory=list)


class CardUpdate(Params):
    exp_month: int | None = None
    exp_year: int | None = None


class UpdateParams(Params):
    billing_details: BillingDetails | None = None
    card: CardUpdate | None = None
    metadata: dict[str, Any] | str | None = None
    expand: list[str] = Field(default_factory=list)


class AttachParams(Params):
    customer: str
    expand: list[str] = Field(default_factory=list)


class PaymentMethodListParams(ListParams):
    customer: str | None = None
    type: str | None = None


def card_error(error: card_vault.CardError, prefix: str = "card") -> CardError:
    """The vault's refusal as the API's 402 ``card_error``, naming the parameter."""
    return CardError(error.message, code=error.code, param=f"{prefix}[{error.param}]")


def _billing(details: BillingDetails | None) -> dict[str, Any]:
    given = details.model_dump() if details else {}
    empty_address = dict.fromkeys(("city", "country", "line1", "line2", "postal_code", "state"))
    return {
        "address": {**empty_address, **(given.get("address") or {})},
        "email": given.get("email"),
        "name": given.get("name"),
        "phone": given.get("phone"),
    }


def to_object(row: Any) -> dict[str, Any]:
    """The payment method as the API shows it: never more of the card than its last four."""
    return {
        "id": row.id,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": row.billing_details,
        "card": {
            "brand": row.brand,
            "checks": {
                "address_line1_check": None,
                "address_postal_code_check": None,
                "cvc_check": None,
            },
            "country": row.country,
            "display_brand": row.brand,
            "exp_month": row.exp_month,
            "exp_year": row.exp_year,
            "fingerprint": row.fingerprint,
            "funding": row.funding,
            "generated_from": None,
            "last4": row.last4,
            "networks": {"available": [row.brand], "preferred": None},
            "three_d_secure_usage": {"supported": True},
            "wallet": None,
        },
        "created": int(row.created_at.timestamp()),
        "customer": row.customer_id,
        "livemode": False,
        "metadata": row.metadata,
        "type": row.type,
    }


def _find(connection: Connection, caller: Caller, payment_method_id: str) -> Any:
    row = connection.execute(
        sa.select(payment_methods).where(
            payment_methods.c.id == payment_method_id,
            payment_methods.c.merchant_id == caller.merchant_id,
        )
    ).first()
    if row is None:
        raise ResourceMissing("payment_method", payment_method_id)
    return row


def _customer_of(connection: Connection, caller: Caller, customer_id: str) -> str:
    found = connection.execute(
        sa.select(customers.c.id).where(
            customers.c.id == customer_id,
            customers.c.merchant_id == caller.merchant_id,
            customers.c.deleted_at.is_(None),
        )
    ).first()
    if found is None:
        raise ResourceMissing("customer", customer_id, param="customer")
    return customer_id


def store_card(
    connection: Connection,
    caller: Caller,
    services: Services,
    card: CardParams,
    *,
    billing_details: BillingDetails | None = None,
    metadata: Any = None,
    customer_id: str | None = None,
    param_prefix: str = "card",
) -> Any:
    """Check a card, keep its number in the vault and its code in memory, and make a payment
    method of it; returns the payment method's row."""
    try:
        number = card_vault.CardNumber.parse(card.number)
        card_vault.check_expiry(card.exp_month, card.exp_year, services.clock.now())
        if card.cvc is not None:
            card_vault.check_cvc(card.cvc, number.brand)
    except card_vault.CardError as error:
        raise card_error(error, param_prefix) from None
    entry = bins.lookup(number.digits)
    stored = services.vault.store(connection, number)
    exp_year = card.exp_year + 2000 if card.exp_year < 100 else card.exp_year
    payment_method_id = new_id("pm")
    connection.execute(
        sa.insert(payment_methods).values(
            id=payment_method_id,
            merchant_id=caller.merchant_id,
            type="card",
            vault_card_id=stored.id,
            brand=number.brand,
            last4=number.last4,
            exp_month=card.exp_month,
            exp_year=exp_year,
            funding=entry.funding if entry else "unknown",
            country=entry.country if entry else None,
            fingerprint=stored.fingerprint,
            billing_details=_billing(billing_details),
            customer_id=customer_id,
            metadata=metadata_rules.merged({}, metadata),
            created_at=services.clock.now(),
        )
    )
    if card.cvc is not None:
        services.cvcs.keep(payment_method_id, card.cvc)
    return _find(connection, caller, payment_method_id)


def resolve(
    connection: Connection, caller: Caller, services: Services, payment_method_id: str
) -> Any:
    """A payment method of the caller's, or a fresh one for one of Stripe's test ids."""
    test_number = TEST_PAYMENT_METHODS.get(payment_method_id)
    if test_number is None:
        return _find(connection, caller, payment_method_id)
    next_year = services.clock.now().year + 1
    card = CardParams(number=test_number, exp_month=12, exp_year=next_year)
    return store_card(connection, caller, services, card)


def create(
    connection: Connection, caller: Caller, params: dict[str, Any], services: Services
) -> dict[str, Any]:
    given = parse(CreateParams, params)
    if given.type != "card":
        raise InvalidRequest(
            f"Invalid type: {given.type!r}; Mercato takes payment methods of type 'card'.",
            param="type",
        )
    if given.card is None:
        raise InvalidRequest(
            "Missing required param: card.", code="parameter_missing", param="card"
        )
    if given.customer and caller.kind is KeyKind.PUBLISHABLE:
        raise PermissionError_(
            "A publishable key cannot attach a payment method to a customer: attach it from "
            "your server with your secret key.",
            param="customer",
        )
    customer_id = _customer_of(connection, caller, given.customer) if given.customer else None
    row = store_card(
        connection,
        caller,
        services,
        given.card,
        billing_details=given.billing_details,
        metadata=given.metadata,
        customer_id=customer_id,
    )
    return to_object(row)


def retrieve(connection: Connection, caller: Caller, payment_method_id: str) -> dict[str, Any]:
    return to_object(_find(connection, caller, payment_method_id))


def update(
    connection: Connection,
    caller: Caller,
    payment_method_id: str,
    params: dict[str, Any],
    clock: Clock,
) -> dict[str, Any]:
    given = parse(UpdateParams, params)
    row = _find(connection, caller, payment_method_id)
    changes: dict[str, Any] = {}
    if given.billing_details is not None:
        changes["billing_details"] = _billing(given.billing_details)
    if given.metadata is not None:
        changes["metadata"] = metadata_rules.merged(row.metadata, given.metadata)
    if given.card is not None:
        month = given.card.exp_month or row.exp_month
        year = given.card.exp_year or row.exp_year
        try:
            card_vault.check_expiry(month, year, clock.now())
        except card_vault.CardError as error:
            raise card_error(error) from None
        changes.update(exp_month=month, exp_year=year + 2000 if year < 100 else year)
    if changes:
        connection.execute(
            sa.update(payment_methods).where(payment_methods.c.id == row.id).values(**changes)
        )
    return to_object(_find(connection, caller, payment_method_id))


def attach(
    connection: Connection,
    caller: Caller,
    payment_method_id: str,
    params: dict[str, Any],
    services: Services,
) -> dict[str, Any]:
    given = parse(AttachParams, params)
    row = resolve(connection, caller, services, payment_method_id)
    customer_id = _customer_of(connection, caller, given.customer)
    if row.customer_id not in (None, customer_id):
        raise InvalidRequest(
            "The payment method you provided has already been attached to a customer.",
            code="payment_method_unexpected_state",
        )
    connection.execute(
        sa.update(payment_methods)
        .where(payment_methods.c.id == row.id)
        .values(customer_id=customer_id)
    )
    return to_object(_find(connection, caller, row.id))


def detach(connection: Connection, caller: Caller, payment_method_id: str) -> dict[str, Any]:
    row = _find(connection, caller, payment_method_id)
    if row.customer_id is None:
        raise InvalidRequest(
            "The payment method you provided is not attached to a customer so detachment is "
            "impossible.",
            code="payment_method_unexpected_state",
        )
    connection.execute(
        sa.update(payment_methods).where(payment_methods.c.id == row.id).values(customer_id=None)
    )
    return to_object(_find(connection, caller, payment_method_id))


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    given = parse(PaymentMethodListParams, params)
    query = sa.select(payment_methods).where(payment_methods.c.merchant_id == caller.merchant_id)
    if given.customer:
        _customer_of(connection, caller, given.customer)
        query = query.where(payment_methods.c.customer_id == given.customer)
    if given.type:
        query = query.where(payment_methods.c.type == given.type)
    rows, has_more = page(query, payment_methods.c.id, given, lambda q: connection.execute(q).all())
    return list_object("/v1/payment_methods", [to_object(r) for r in rows], has_more)


def expiry_passed(row: Any, now: dt.datetime) -> bool:
    """Whether the card's expiry month is over (a card is good through its last day)."""
    return (row.exp_year, row.exp_month) < (now.year, now.month)
