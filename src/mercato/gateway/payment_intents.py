"""Payment intents: one payment's life, as Stripe's ``payment_intent`` draws it (the states
are drawn in ``intent_records``). This module holds the use cases the API calls: create,
retrieve, update, list, confirm, capture and cancel, and the parameters each takes.

Confirming talks to the issuer; ``confirmations`` holds how (claiming the intent,
authorising, recording what came of it, 3-D Secure, recovery), and ``create`` with
``confirm=true`` and ``confirm`` hand over to it. Capture and cancel are decided in one
transaction with their books and events; the issuer is told right after (a 0220 or 0400
that the processor keeps sending until acknowledged).
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato.gateway import charges, confirmations, payment_methods
from mercato.gateway import intent_records as records
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.confirmations import (
    background_handlers,
    merchant_return,
    return_from_authentication,
)
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.events import Created
from mercato.gateway.ids import new_id, new_secret
from mercato.gateway.intent_records import (
    Action,
    Outcome,
    Payments,
    Status,
    Steps,
    check,
    status_with_method,
)
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import MinorUnits, Params, parse
from mercato.gateway.payment_methods import BillingDetails, CardParams
from mercato.gateway.payment_tables import payment_intents
from mercato.gateway.tables import customers
from mercato.ledger.errors import HoldExpired
from mercato.money import Currency, Money, UnknownCurrency
from mercato.settlement import transactions as balance_transactions

__all__ = [
    "MAX_AMOUNT",
    "CancelParams",
    "CaptureParams",
    "ConfirmParams",
    "CreateParams",
    "IntentListParams",
    "RetrieveParams",
    "UpdateParams",
    "background_handlers",
    "cancel",
    "capture",
    "confirm",
    "create",
    "list_",
    "merchant_return",
    "retrieve",
    "return_from_authentication",
    "update",
]
"""The use cases and their parameters; the 3-D Secure return and the background jobs are
``confirmations``', kept here for the API and the CLI."""

MAX_AMOUNT = 99_999_999


# Parameters -------------------------------------------------------------------------------------


class CardOptions(Params):
    request_three_d_secure: Literal["automatic", "any", "challenge"] | None = None


class MethodOptions(Params):
    card: CardOptions | None = None


class MethodData(Params):
    type: str
    card: CardParams | None = None
    billing_details: BillingDetails | None = None
    metadata: dict[str, Any] | str | None = None


class AutomaticMethods(Params):
    enabled: bool
    allow_redirects: Literal["always", "never"] | None = None


class _Confirmable(Params):
    payment_method: str | None = None
    payment_method_data: MethodData | None = None
    payment_method_options: MethodOptions | None = None
    payment_method_types: list[Literal["card"]] | None = None
    receipt_email: str | None = Field(default=None, max_length=800)
    capture_method: Literal["automatic", "automatic_async", "manual"] | None = None
    expand: list[str] = Field(default_factory=list)


class CreateParams(_Confirmable):
    amount: MinorUnits
    currency: str
    customer: str | None = None
    confirm: bool = False
    description: str | None = Field(default=None, max_length=1000)
    metadata: dict[str, Any] | str | None = None
    return_url: str | None = Field(default=None, max_length=2048)
    automatic_payment_methods: AutomaticMethods | None = None
    off_session: bool | None = None


class UpdateParams(_Confirmable):
    amount: MinorUnits | None = None
    currency: str | None = None
    customer: str | None = None
    description: str | None = Field(default=None, max_length=1000)
    metadata: dict[str, Any] | str | None = None


class ConfirmParams(_Confirmable):
    return_url: str | None = Field(default=None, max_length=2048)
    off_session: bool | None = None


class CaptureParams(Params):
    amount_to_capture: MinorUnits | None = Field(default=None, ge=1)
    metadata: dict[str, Any] | str | None = None
    expand: list[str] = Field(default_factory=list)


class CancelParams(Params):
    cancellation_reason: (
        Literal["duplicate", "fraudulent", "requested_by_customer", "abandoned"] | None
    ) = None
    expand: list[str] = Field(default_factory=list)


class RetrieveParams(Params):
    client_secret: str | None = None
    expand: list[str] = Field(default_factory=list)


class IntentListParams(ListParams):
    customer: str | None = None
    created: int | Created | None = None


EXPANDABLE = frozenset({"latest_charge", "payment_method"})


# Checking the parameters ------------------------------------------------------------------------


def _expansions(expand: list[str]) -> frozenset[str]:
    for path in expand:
        if path not in EXPANDABLE:
            raise InvalidRequest(f"This property cannot be expanded ({path}).", param="expand")
    return frozenset(expand)


def _amount(amount: int, currency: str) -> tuple[int, str]:
    try:
        code = Currency.of(currency).code.lower()
    except UnknownCurrency:
        raise InvalidRequest(f"Invalid currency: {currency}.", param="currency") from None
    if amount < 1:
        raise InvalidRequest(
            "This value must be greater than or equal to 1.",
            code="parameter_invalid_integer",
            param="amount",
        )
    if amount > MAX_AMOUNT:
        raise InvalidRequest(
            f"Amount must be no more than {MAX_AMOUNT}.", code="amount_too_large", param="amount"
        )
    return amount, code


def _customer(connection: Connection, caller: Caller, customer_id: str) -> str:
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


def _payment_method(
    connection: Connection, caller: Caller, payments: Payments, given: _Confirmable
) -> str | None:
    """The payment method the parameters name or describe (None: neither)."""
    if given.payment_method is not None and given.payment_method_data is not None:
        raise InvalidRequest(
            "You may only specify one of these parameters: payment_method, payment_method_data.",
            param="payment_method_data",
        )
    if given.payment_method is not None:
        found = payment_methods.resolve(connection, caller, payments.services, given.payment_method)
        return str(found.id)
    data = given.payment_method_data
    if data is None:
        return None
    if data.type != "card" or data.card is None:
        raise InvalidRequest(
            "payment_method_data[type] must be card, with payment_method_data[card].",
            param="payment_method_data[type]",
        )
    stored = payment_methods.store_card(
        connection,
        caller,
        payments.services,
        data.card,
        billing_details=data.billing_details,
        metadata=data.metadata,
        param_prefix="payment_method_data[card]",
    )
    return str(stored.id)


def _changes(
    connection: Connection, caller: Caller, payments: Payments, intent: Any, given: _Confirmable
) -> dict[str, Any]:
    """What confirm and update parameters change on an intent."""
    changes: dict[str, Any] = {}
    method_id = _payment_method(connection, caller, payments, given)
    if method_id is not None:
        changes["payment_method_id"] = method_id
    if given.receipt_email is not None:
        changes["receipt_email"] = given.receipt_email or None
    if given.capture_method is not None:
        changes["capture_method"] = "manual" if given.capture_method == "manual" else "automatic"
    options = given.payment_method_options
    if options is not None and options.card is not None and options.card.request_three_d_secure:
        changes["request_three_d_secure"] = options.card.request_three_d_secure
    return changes


# Create, read, update, list ---------------------------------------------------------------------


def _return_url(url: str | None) -> str | None:
    if url is None:
        return None
    if not url.startswith(("https://", "http://")):
        raise InvalidRequest("return_url must be an absolute http(s) URL.", param="return_url")
    return url


def create(
    steps: Steps, caller: Caller, params: dict[str, Any], payments: Payments, return_base: str
) -> Outcome:
    """A new payment intent; confirmed at once with ``confirm=true``."""
    given = parse(CreateParams, params)
    expand = _expansions(given.expand)
    with steps.transaction() as connection:
        amount, currency = _amount(given.amount, given.currency)
        customer = _customer(connection, caller, given.customer) if given.customer else None
        now = payments.clock.now()
        intent_id = new_id("pi")
        connection.execute(
            sa.insert(payment_intents).values(
                id=intent_id,
                merchant_id=caller.merchant_id,
                amount=amount,
                currency=currency,
                status=Status.REQUIRES_PAYMENT_METHOD.value,
                capture_method="automatic",
                customer_id=customer,
                description=given.description,
                metadata=metadata_rules.merged({}, given.metadata),
                receipt_email=None,
                return_url=_return_url(given.return_url),
                client_secret=new_secret(f"{intent_id}_secret_", 25),
                request_three_d_secure="automatic",
                amount_capturable=0,
                amount_received=0,
                created_at=now,
                updated_at=now,
            )
        )
        intent = records.row(connection, intent_id)
        changes = _changes(connection, caller, payments, intent, given)
        has_method = changes.get("payment_method_id") is not None
        intent = records.update(
            connection, intent_id, now, status=status_with_method(has_method).value, **changes
        )
        records.announce(
            connection, payments, steps.idempotency_key, intent, "payment_intent.created"
        )
        if not given.confirm:
            outcome: Outcome = records.to_object(connection, intent, expand)
            steps.finish(connection, outcome)
            return outcome
        claimed = confirmations.claim_intent(
            connection,
            intent,
            payments,
            return_base=return_base,
            expand=expand,
            key=steps.idempotency_key,
        )
        if not isinstance(claimed, confirmations.Claim):
            steps.finish(connection, claimed)
            return claimed
    return confirmations.authorise(steps, claimed, payments)


def retrieve(
    connection: Connection, caller: Caller, intent_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(RetrieveParams, params)
    intent = records.row(connection, intent_id, merchant_id=caller.merchant_id)
    return records.to_object(connection, intent, _expansions(given.expand))


def update(
    connection: Connection,
    caller: Caller,
    intent_id: str,
    params: dict[str, Any],
    payments: Payments,
) -> dict[str, Any]:
    """Change an intent. What the payment is (amount, currency, method, capture, customer)
    can change only before it is confirmed; description, metadata and receipt e-mail always."""
    given = parse(UpdateParams, params)
    expand = _expansions(given.expand)
    intent = records.row(connection, intent_id, merchant_id=caller.merchant_id, lock=True)
    payment_fields = {
        "amount",
        "currency",
        "customer",
        "payment_method",
        "payment_method_data",
        "payment_method_options",
        "capture_method",
    }
    touches_payment = bool(payment_fields & given.model_fields_set)
    if touches_payment:
        check(intent.status, Action.UPDATE)
    changes = _changes(connection, caller, payments, intent, given)
    if given.amount is not None or given.currency is not None:
        changes["amount"], changes["currency"] = _amount(
            intent.amount if given.amount is None else given.amount,
            intent.currency if given.currency is None else given.currency,
        )
    if given.customer is not None:
        changes["customer_id"] = _customer(connection, caller, given.customer)
    if given.description is not None:
        changes["description"] = given.description or None
    if given.metadata is not None:
        changes["metadata"] = metadata_rules.merged(intent.metadata, given.metadata)
    if touches_payment:
        method = changes.get("payment_method_id", intent.payment_method_id)
        changes.update(
            status=status_with_method(method is not None).value,
            next_action=None,
            authentication_id=None,
        )
    if changes:
        intent = records.update(connection, intent.id, payments.clock.now(), **changes)
    return records.to_object(connection, intent, expand)


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's payment intents, newest first, by ``customer`` and ``created``."""
    given = parse(IntentListParams, params)
    expand = _expansions([path.removeprefix("data.") for path in given.expand])
    query = sa.select(payment_intents).where(payment_intents.c.merchant_id == caller.merchant_id)
    if given.customer:
        query = query.where(payment_intents.c.customer_id == given.customer)
    if given.created is not None:
        query = query.where(*charges.created_filter(payment_intents.c.created_at, given.created))
    rows, has_more = page(query, payment_intents.c.id, given, lambda q: connection.execute(q).all())
    data = [records.to_object(connection, row, expand) for row in rows]
    return list_object("/v1/payment_intents", data, has_more)


# Confirming (the flow itself is in ``confirmations``) -------------------------------------------


def confirm(
    steps: Steps,
    caller: Caller,
    intent_id: str,
    params: dict[str, Any],
    payments: Payments,
    *,
    return_base: str,
) -> Outcome:
    """Authorise the payment with its payment method (and 3-D Secure when needed)."""
    given = parse(ConfirmParams, params)
    expand = _expansions(given.expand)
    with steps.transaction() as connection:
        intent = records.row(connection, intent_id, merchant_id=caller.merchant_id, lock=True)
        check(intent.status, Action.CONFIRM)
        changes = _changes(connection, caller, payments, intent, given)
        if given.return_url is not None:
            changes["return_url"] = _return_url(given.return_url)
        if changes:
            intent = records.update(connection, intent.id, payments.clock.now(), **changes)
        claimed = confirmations.claim_intent(
            connection,
            intent,
            payments,
            return_base=return_base,
            expand=expand,
            key=steps.idempotency_key,
        )
        if not isinstance(claimed, confirmations.Claim):
            steps.finish(connection, claimed)
            return claimed
    return confirmations.authorise(steps, claimed, payments)


# Capture and cancel -----------------------------------------------------------------------------


def capture(
    steps: Steps, caller: Caller, intent_id: str, params: dict[str, Any], payments: Payments
) -> Outcome:
    """Capture all or part of an authorised payment; the rest is released, here and at the
    issuer."""
    given = parse(CaptureParams, params)
    expand = _expansions(given.expand)
    with steps.transaction() as connection:
        intent = records.row(connection, intent_id, merchant_id=caller.merchant_id, lock=True)
        check(intent.status, Action.CAPTURE)
        amount = given.amount_to_capture or intent.amount_capturable
        if amount > intent.amount_capturable:
            raise InvalidRequest(
                f"The amount_to_capture ({amount}) cannot be greater than the "
                f"amount_capturable ({intent.amount_capturable}).",
                code="amount_too_large",
                param="amount_to_capture",
            )
        charge = charges.row(connection, intent.latest_charge_id, lock=True)
        now = payments.clock.now()
        try:
            fee = payments.processor.capture(
                connection,
                authorisation_id=charge.authorisation_id,
                charge_id=charge.id,
                merchant_id=intent.merchant_id,
                hold_id=charge.ledger_hold_id,
                amount=Money.of_minor(amount, intent.currency),
            )
        except HoldExpired:
            raise InvalidRequest(
                "This PaymentIntent could not be captured because its authorization has expired.",
                code="charge_expired_for_capture",
            ) from None
        charge = charges.update(
            connection,
            charge.id,
            captured=True,
            amount_captured=amount,
            fee=fee.minor,
            captured_at=now,
        )
        balance_transactions.charge_captured(connection, charge, now)
        changes: dict[str, Any] = {}
        if given.metadata is not None:
            changes["metadata"] = metadata_rules.merged(intent.metadata, given.metadata)
        intent = records.update(
            connection,
            intent.id,
            now,
            status=Status.SUCCEEDED.value,
            amount_capturable=0,
            amount_received=amount,
            **changes,
        )
        key = steps.idempotency_key
        records.announce(connection, payments, key, intent, "charge.captured", charge=charge)
        records.announce(connection, payments, key, intent, "payment_intent.succeeded")
        outcome = records.to_object(connection, intent, expand)
        steps.finish(connection, outcome)
    records.tell_issuer(payments, charge.authorisation_id)
    return outcome


def cancel(
    steps: Steps, caller: Caller, intent_id: str, params: dict[str, Any], payments: Payments
) -> Outcome:
    """Cancel a payment not yet captured; an authorisation is released, here and at the
    issuer."""
    given = parse(CancelParams, params)
    expand = _expansions(given.expand)
    released = None
    with steps.transaction() as connection:
        intent = records.row(connection, intent_id, merchant_id=caller.merchant_id, lock=True)
        check(intent.status, Action.CANCEL)
        now = payments.clock.now()
        if intent.status == Status.REQUIRES_CAPTURE:
            charge = charges.row(connection, intent.latest_charge_id, lock=True)
            payments.processor.cancel(
                connection,
                authorisation_id=charge.authorisation_id,
                charge_id=charge.id,
                hold_id=charge.ledger_hold_id,
            )
            released = charge.authorisation_id
        intent = records.update(
            connection,
            intent.id,
            now,
            status=Status.CANCELED.value,
            cancellation_reason=given.cancellation_reason,
            canceled_at=now,
            amount_capturable=0,
            next_action=None,
            authentication_id=None,
        )
        records.announce(
            connection, payments, steps.idempotency_key, intent, "payment_intent.canceled"
        )
        outcome = records.to_object(connection, intent, expand)
        steps.finish(connection, outcome)
    if released is not None:
        records.tell_issuer(payments, released)
    return outcome
