"""Payment intents: one payment's life, as Stripe's ``payment_intent`` draws it.

    requires_payment_method ──payment method──> requires_confirmation ──confirm──> processing
    processing ──approved──> succeeded (captured at once), or requires_capture ──capture──>
               succeeded
    processing ──challenge──> requires_action ──customer back from the issuer──> processing
    processing ──declined──> requires_payment_method (the failed charge kept)
    requires_* ──cancel──> canceled

Confirming talks to the issuer, and no database transaction stays open while it does
(``Steps``): one short transaction claims the intent (``processing``, with a token of the
request's own, and a job that will recover it if the request dies), the processor sends
the authorisation, and a second transaction records what came of it: the charge, the
intent, the platform's books, the events and the stored idempotent response, together.
Capture and cancel are decided in one transaction with their books and events; the
issuer is told right after (a 0220 or 0400 that the processor keeps sending until
acknowledged).

3-D Secure: ``payment_method_options[card][request_three_d_secure]`` ``automatic`` asks
the issuer's ACS only when the issuer answers 1A; ``any`` (and ``challenge``) asks it
first. "Y" authorises at once with the result; "C" makes the intent ``requires_action``,
with the challenge page in ``next_action.redirect_to_url.url`` and this gateway's
``/v1/payment_intents/{id}/3ds_return`` as the page the challenge returns to
(``return_from_authentication``), which authorises with the result and sends the browser
on to the merchant's ``return_url``.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import urlencode

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection, Engine

from mercato import outbox
from mercato.clock import Clock
from mercato.database.engine import writing
from mercato.gateway import charges, events, merchants, payment_methods
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.events import Created
from mercato.gateway.ids import new_id, new_secret
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.gateway.payment_methods import BillingDetails, CardParams, Services
from mercato.gateway.payment_tables import payment_intents
from mercato.gateway.payment_tables import payment_methods as methods_table
from mercato.gateway.tables import customers
from mercato.ledger.errors import HoldExpired
from mercato.logs import get_logger
from mercato.money import Currency, Money, UnknownCurrency
from mercato.outbox import Done, Handler, Job
from mercato.outbox import Outcome as JobOutcome
from mercato.processor import Card, Processor, dialogue
from mercato.processor.codes import Verdict, not_supported, unanswered
from mercato.processor.dialogue import Answered, Authenticated, Challenged, Order
from mercato.processor.threeds import AcsUnavailable

log = get_logger(__name__)

Outcome = dict[str, Any] | tuple[int, dict[str, Any]]
RECOVER_JOB = "payments.recover_confirmation"
STUCK_AFTER = dt.timedelta(minutes=10)
"""A confirmation still processing this long after it began has lost its request (a crash):
the recovery job reverses what it sent and fails it. Far beyond any answer's timeout."""
MAX_AMOUNT = 99_999_999


# The states and what may be done in each (pure) ---------------------------------------------


class Status(enum.StrEnum):
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"


class Action(enum.StrEnum):
    UPDATE = "update"
    CONFIRM = "confirm"
    CAPTURE = "capture"
    CANCEL = "cancel"


ALLOWED: dict[Action, tuple[Status, ...]] = {
    Action.UPDATE: (
        Status.REQUIRES_PAYMENT_METHOD,
        Status.REQUIRES_CONFIRMATION,
        Status.REQUIRES_ACTION,
    ),
    Action.CONFIRM: (Status.REQUIRES_PAYMENT_METHOD, Status.REQUIRES_CONFIRMATION),
    Action.CAPTURE: (Status.REQUIRES_CAPTURE,),
    Action.CANCEL: (
        Status.REQUIRES_PAYMENT_METHOD,
        Status.REQUIRES_CAPTURE,
        Status.REQUIRES_CONFIRMATION,
        Status.REQUIRES_ACTION,
    ),
}
"""Which statuses allow each action, in the order Stripe lists them in its errors."""


_DONE = {
    Action.UPDATE: "updated",
    Action.CONFIRM: "confirmed",
    Action.CAPTURE: "captured",
    Action.CANCEL: "canceled",
}


def check(status: str, action: Action) -> None:
    """Refuse ``action`` on an intent in ``status``, with Stripe's code and message."""
    allowed = ALLOWED[action]
    if Status(status) in allowed:
        return
    raise InvalidRequest(
        f"You cannot {action} this PaymentIntent because it has a status of {status}. Only a "
        f"PaymentIntent with one of the following statuses may be {_DONE[action]}: "
        f"{', '.join(allowed)}.",
        code="payment_intent_unexpected_state",
    )


def status_with_method(has_method: bool) -> Status:
    """The status of an unconfirmed intent: waiting for a payment method, or to confirm."""
    return Status.REQUIRES_CONFIRMATION if has_method else Status.REQUIRES_PAYMENT_METHOD


def redirect_status(status: str) -> str:
    """``redirect_status`` on the merchant's ``return_url`` after 3-D Secure."""
    if status in (Status.SUCCEEDED, Status.REQUIRES_CAPTURE):
        return "succeeded"
    return "processing" if status == Status.PROCESSING else "failed"


# What the use cases are given ------------------------------------------------------------------


class Steps(Protocol):
    """Transactions for a use case that talks to another party between them (the API's
    ``requests.Steps``): each ``transaction()`` commits on its own; ``finish`` stores the
    response for ``Idempotency-Key`` replays in the use case's last one."""

    @property
    def idempotency_key(self) -> str | None: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def finish(self, connection: Connection, outcome: Outcome) -> None: ...


@dataclass(frozen=True)
class Payments:
    """What payment intents work with besides the database."""

    services: Services  # the vault, the clock and the CVCs waiting for their authorisation
    processor: Processor

    @property
    def clock(self) -> Clock:
        return self.services.clock


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
    amount: int
    currency: str
    customer: str | None = None
    confirm: bool = False
    description: str | None = Field(default=None, max_length=1000)
    metadata: dict[str, Any] | str | None = None
    return_url: str | None = Field(default=None, max_length=2048)
    automatic_payment_methods: AutomaticMethods | None = None
    off_session: bool | None = None


class UpdateParams(_Confirmable):
    amount: int | None = None
    currency: str | None = None
    customer: str | None = None
    description: str | None = Field(default=None, max_length=1000)
    metadata: dict[str, Any] | str | None = None


class ConfirmParams(_Confirmable):
    return_url: str | None = Field(default=None, max_length=2048)
    off_session: bool | None = None


class CaptureParams(Params):
    amount_to_capture: int | None = Field(default=None, ge=1)
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


# Rows and objects ------------------------------------------------------------------------------


def _expansions(expand: list[str]) -> frozenset[str]:
    for path in expand:
        if path not in EXPANDABLE:
            raise InvalidRequest(f"This property cannot be expanded ({path}).", param="expand")
    return frozenset(expand)


def to_object(
    connection: Connection, intent: Any, expand: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The payment intent as the API shows it; ``latest_charge`` and ``payment_method``
    as objects when expanded."""
    latest_charge: Any = intent.latest_charge_id
    if "latest_charge" in expand and latest_charge is not None:
        latest_charge = charges.to_object(connection, charges.row(connection, latest_charge))
    payment_method: Any = intent.payment_method_id
    if "payment_method" in expand and payment_method is not None:
        payment_method = payment_methods.to_object(_method(connection, payment_method))
    return {
        "id": intent.id,
        "object": "payment_intent",
        "amount": intent.amount,
        "amount_capturable": intent.amount_capturable,
        "amount_details": {"tip": {}},
        "amount_received": intent.amount_received,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": None if intent.canceled_at is None else int(intent.canceled_at.timestamp()),
        "cancellation_reason": intent.cancellation_reason,
        "capture_method": intent.capture_method,
        "client_secret": intent.client_secret,
        "confirmation_method": "automatic",
        "created": int(intent.created_at.timestamp()),
        "currency": intent.currency,
        "customer": intent.customer_id,
        "description": intent.description,
        "last_payment_error": intent.last_payment_error,
        "latest_charge": latest_charge,
        "livemode": False,
        "metadata": intent.metadata,
        "next_action": intent.next_action,
        "on_behalf_of": None,
        "payment_method": payment_method,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": intent.request_three_d_secure,
            }
        },
        "payment_method_types": ["card"],
        "processing": None,
        "receipt_email": intent.receipt_email,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": intent.status,
        "transfer_data": None,
        "transfer_group": None,
    }


def _method(connection: Connection, payment_method_id: str) -> Any:
    return connection.execute(
        sa.select(methods_table).where(methods_table.c.id == payment_method_id)
    ).one()


def _row(
    connection: Connection, intent_id: str, *, merchant_id: str | None = None, lock: bool = False
) -> Any:
    query = sa.select(payment_intents).where(payment_intents.c.id == intent_id)
    if merchant_id is not None:
        query = query.where(payment_intents.c.merchant_id == merchant_id)
    if lock:
        query = query.with_for_update()
    found = connection.execute(query).first()
    if found is None:
        raise ResourceMissing("payment_intent", intent_id)
    return found


def _update(connection: Connection, intent_id: str, now: dt.datetime, **values: Any) -> Any:
    connection.execute(
        sa.update(payment_intents)
        .where(payment_intents.c.id == intent_id)
        .values(updated_at=now, **values)
    )
    return _row(connection, intent_id)


def _announce(
    connection: Connection,
    payments: Payments,
    key: str | None,
    intent: Any,
    kind: str,
    *,
    charge: Any = None,
) -> None:
    """Record one event of ``intent``'s merchant: about ``charge`` when one is given, else
    about the intent as it now is."""
    events.record(
        connection,
        merchant_id=intent.merchant_id,
        type=kind,
        data_object=to_object(connection, intent)
        if charge is None
        else charges.to_object(connection, charge),
        idempotency_key=key,
        clock=payments.clock,
    )


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
        intent = _row(connection, intent_id)
        changes = _changes(connection, caller, payments, intent, given)
        has_method = changes.get("payment_method_id") is not None
        intent = _update(
            connection, intent_id, now, status=status_with_method(has_method).value, **changes
        )
        _announce(connection, payments, steps.idempotency_key, intent, "payment_intent.created")
        if not given.confirm:
            outcome: Outcome = to_object(connection, intent, expand)
            steps.finish(connection, outcome)
            return outcome
        claimed = _claim(
            connection,
            intent,
            payments,
            return_base=return_base,
            expand=expand,
            key=steps.idempotency_key,
        )
        if not isinstance(claimed, _Claim):
            steps.finish(connection, claimed)
            return claimed
    return _authorise(steps, claimed, payments)


def retrieve(
    connection: Connection, caller: Caller, intent_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(RetrieveParams, params)
    intent = _row(connection, intent_id, merchant_id=caller.merchant_id)
    return to_object(connection, intent, _expansions(given.expand))


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
    intent = _row(connection, intent_id, merchant_id=caller.merchant_id, lock=True)
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
        intent = _update(connection, intent.id, payments.clock.now(), **changes)
    return to_object(connection, intent, expand)


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
    data = [to_object(connection, row, expand) for row in rows]
    return list_object("/v1/payment_intents", data, has_more)


# Confirming: claim, authorise, record -----------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    """A confirmation holding its intent (``processing``, under ``token``)."""

    order: Order
    token: str
    method_id: str
    ask_first: bool
    capture_at_once: bool
    expand: frozenset[str]
    key: str | None


class _Superseded(Exception):
    """The recovery job took the intent over: this request's answer no longer counts."""


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
        intent = _row(connection, intent_id, merchant_id=caller.merchant_id, lock=True)
        check(intent.status, Action.CONFIRM)
        changes = _changes(connection, caller, payments, intent, given)
        if given.return_url is not None:
            changes["return_url"] = _return_url(given.return_url)
        if changes:
            intent = _update(connection, intent.id, payments.clock.now(), **changes)
        claimed = _claim(
            connection,
            intent,
            payments,
            return_base=return_base,
            expand=expand,
            key=steps.idempotency_key,
        )
        if not isinstance(claimed, _Claim):
            steps.finish(connection, claimed)
            return claimed
    return _authorise(steps, claimed, payments)


def _claim(
    connection: Connection,
    intent: Any,
    payments: Payments,
    *,
    return_base: str,
    expand: frozenset[str],
    key: str | None,
) -> _Claim | Outcome:
    """Take the intent for this confirmation (or decline at once a card no issuer serves)."""
    if intent.payment_method_id is None:
        raise InvalidRequest(
            "You cannot confirm this PaymentIntent because it's missing a payment method. "
            "Update the PaymentIntent with a payment method and then confirm it again.",
            code="payment_intent_unexpected_state",
        )
    method = _method(connection, intent.payment_method_id)
    card = Card(method.vault_card_id, method.exp_month, method.exp_year)
    link = payments.processor.route(connection, card)
    now = payments.clock.now()
    if link is None:
        verdict = not_supported()
        charge = charges.record_unsent(connection, intent, method, verdict, now)
        return _declined(
            connection,
            payments,
            intent,
            method=method,
            charge=charge,
            verdict=verdict,
            expand=expand,
            key=key,
        )
    token = secrets.token_hex(16)
    intent = _update(
        connection,
        intent.id,
        now,
        status=Status.PROCESSING.value,
        processing_token=token,
        next_action=None,
        last_payment_error=None,
        authentication_id=None,
    )
    job = {"payment_intent": intent.id, "token": token}
    outbox.enqueue(connection, RECOVER_JOB, job, now + STUCK_AFTER)
    merchant = merchants.get_merchant(connection, intent.merchant_id)
    back = f"{return_base.rstrip('/')}/v1/payment_intents/{intent.id}/3ds_return?"
    order = Order(
        link=link,
        merchant_id=intent.merchant_id,
        merchant_name=merchant.name if merchant else intent.merchant_id,
        reference=intent.id,
        card=card,
        number=payments.services.vault.reveal(connection, method.vault_card_id),
        amount=Money.of_minor(intent.amount, intent.currency),
        return_url=back + urlencode({"client_secret": intent.client_secret}),
    )
    return _Claim(
        order=order,
        token=token,
        method_id=method.id,
        ask_first=intent.request_three_d_secure in ("any", "challenge"),
        capture_at_once=intent.capture_method == "automatic",
        expand=expand,
        key=key,
    )


def _hold(connection: Connection, claim: _Claim) -> Any:
    """The intent, locked, if this confirmation still holds it."""
    intent = _row(connection, claim.order.reference, lock=True)
    if intent.status != Status.PROCESSING or intent.processing_token != claim.token:
        raise _Superseded
    return intent


def _authorise(
    steps: Steps,
    claim: _Claim,
    payments: Payments,
    authenticated: Authenticated | None = None,
) -> Outcome:
    """Authorise a claimed intent, and keep what came of it."""

    @contextmanager
    def fenced() -> Iterator[Connection]:
        with steps.transaction() as connection:
            _hold(connection, claim)
            yield connection

    cvc = payments.services.cvcs.take(claim.method_id)
    try:
        came = dialogue.authorise(
            payments.processor,
            claim.order,
            fenced=fenced,
            cvc=cvc,
            ask_first=claim.ask_first,
            authenticated=authenticated,
        )
        if isinstance(came, Challenged):
            outcome = _require_action(steps, claim, payments, came)
            if cvc is not None:
                # Kept in this process's memory for the authorisation after the challenge.
                payments.services.cvcs.keep(claim.method_id, cvc)
            return outcome
        return _record(steps, claim, payments, came)
    except _Superseded:
        return _superseded(steps, claim)


def _require_action(steps: Steps, claim: _Claim, payments: Payments, came: Challenged) -> Outcome:
    """The customer must answer the issuer's challenge: the intent waits for them."""
    with steps.transaction() as connection:
        intent = _hold(connection, claim)
        if came.declined is not None:
            payments.processor.settle(connection, *came.declined)
        redirect = {"url": came.authentication.challenge_url, "return_url": intent.return_url}
        intent = _update(
            connection,
            intent.id,
            payments.clock.now(),
            status=Status.REQUIRES_ACTION.value,
            processing_token=None,
            authentication_id=came.authentication.id,
            next_action={"type": "redirect_to_url", "redirect_to_url": redirect},
        )
        _announce(connection, payments, claim.key, intent, "payment_intent.requires_action")
        outcome = to_object(connection, intent, claim.expand)
        steps.finish(connection, outcome)
    return outcome


def _record(steps: Steps, claim: _Claim, payments: Payments, came: Answered) -> Outcome:
    """What the issuer answered, kept in one transaction: charge, intent, books, events."""
    processor, verdict = payments.processor, came.answer.verdict
    with steps.transaction() as connection:
        intent = _hold(connection, claim)
        if not processor.settle(connection, came.prepared, came.answer):
            raise _Superseded
        method = _method(connection, claim.method_id)
        now = payments.clock.now()
        charge = charges.record_answer(connection, intent, method, came, now)
        if not verdict.approved:
            outcome = _declined(
                connection,
                payments,
                intent,
                method=method,
                charge=charge,
                verdict=verdict,
                expand=claim.expand,
                key=claim.key,
            )
            steps.finish(connection, outcome)
            return outcome
        amount = claim.order.amount
        if claim.capture_at_once:
            fee = processor.capture(
                connection,
                authorisation_id=came.prepared.authorisation_id,
                charge_id=charge.id,
                merchant_id=intent.merchant_id,
                hold_id=None,
                amount=amount,
            )
            charge = charges.update(
                connection,
                charge.id,
                captured=True,
                amount_captured=amount.minor,
                fee=fee.minor,
                captured_at=now,
            )
            values: dict[str, Any] = {"status": Status.SUCCEEDED, "amount_received": amount.minor}
            happened = "payment_intent.succeeded"
        else:
            hold_id = processor.hold(
                connection,
                charge_id=charge.id,
                merchant_id=intent.merchant_id,
                prepared=came.prepared,
            )
            charge = charges.update(connection, charge.id, ledger_hold_id=hold_id)
            values = {"status": Status.REQUIRES_CAPTURE, "amount_capturable": amount.minor}
            happened = "payment_intent.amount_capturable_updated"
        intent = _update(
            connection, intent.id, now, processing_token=None, latest_charge_id=charge.id, **values
        )
        _announce(connection, payments, claim.key, intent, "charge.succeeded", charge=charge)
        _announce(connection, payments, claim.key, intent, happened)
        outcome = to_object(connection, intent, claim.expand)
        steps.finish(connection, outcome)
    if claim.capture_at_once:
        _tell_issuer(payments, came.prepared.authorisation_id)
    return outcome


def _declined(
    connection: Connection,
    payments: Payments,
    intent: Any,
    *,
    method: Any,
    charge: Any,
    verdict: Verdict,
    expand: frozenset[str],
    key: str | None,
) -> Outcome:
    """A decline: the failed charge is kept, the intent waits for another payment method,
    and the caller gets a 402 ``card_error`` carrying the intent as it now is."""
    error = charges.card_error(verdict, charge.id, method)
    intent = _update(
        connection,
        intent.id,
        payments.clock.now(),
        status=Status.REQUIRES_PAYMENT_METHOD.value,
        processing_token=None,
        payment_method_id=None,
        latest_charge_id=charge.id,
        last_payment_error=error,
        next_action=None,
        authentication_id=None,
    )
    _announce(connection, payments, key, intent, "charge.failed", charge=charge)
    _announce(connection, payments, key, intent, "payment_intent.payment_failed")
    return 402, {"error": {**error, "payment_intent": to_object(connection, intent, expand)}}


def _superseded(steps: Steps, claim: _Claim) -> Outcome:
    """This request lost its intent to the recovery job, which failed it: say so."""
    with steps.transaction() as connection:
        intent = _row(connection, claim.order.reference)
        error = charges.card_error(unanswered(), None, None)
        body = {"error": {**error, "payment_intent": to_object(connection, intent, claim.expand)}}
        steps.finish(connection, (402, body))
    return 402, body


def _tell_issuer(payments: Payments, authorisation_id: Any) -> None:
    """Send the 0220 or 0400 now; if it does not go through, its job keeps trying."""
    try:
        payments.processor.follow_up(authorisation_id)
    except Exception as error:
        log.warning("payments.follow_up_deferred", error=type(error).__name__)


# Capture and cancel -----------------------------------------------------------------------------


def capture(
    steps: Steps, caller: Caller, intent_id: str, params: dict[str, Any], payments: Payments
) -> Outcome:
    """Capture all or part of an authorised payment; the rest is released, here and at the
    issuer."""
    given = parse(CaptureParams, params)
    expand = _expansions(given.expand)
    with steps.transaction() as connection:
        intent = _row(connection, intent_id, merchant_id=caller.merchant_id, lock=True)
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
        changes: dict[str, Any] = {}
        if given.metadata is not None:
            changes["metadata"] = metadata_rules.merged(intent.metadata, given.metadata)
        intent = _update(
            connection,
            intent.id,
            now,
            status=Status.SUCCEEDED.value,
            amount_capturable=0,
            amount_received=amount,
            **changes,
        )
        key = steps.idempotency_key
        _announce(connection, payments, key, intent, "charge.captured", charge=charge)
        _announce(connection, payments, key, intent, "payment_intent.succeeded")
        outcome = to_object(connection, intent, expand)
        steps.finish(connection, outcome)
    _tell_issuer(payments, charge.authorisation_id)
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
        intent = _row(connection, intent_id, merchant_id=caller.merchant_id, lock=True)
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
        intent = _update(
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
        _announce(connection, payments, steps.idempotency_key, intent, "payment_intent.canceled")
        outcome = to_object(connection, intent, expand)
        steps.finish(connection, outcome)
    if released is not None:
        _tell_issuer(payments, released)
    return outcome


# Back from the issuer's challenge ---------------------------------------------------------------


def merchant_return(intent: Any) -> str | None:
    """The merchant's ``return_url`` with what Stripe adds to it (None: no such URL)."""
    if not intent.return_url:
        return None
    query = urlencode(
        {
            "payment_intent": intent.id,
            "payment_intent_client_secret": intent.client_secret,
            "redirect_status": redirect_status(intent.status),
        }
    )
    return f"{intent.return_url}{'&' if '?' in intent.return_url else '?'}{query}"


def return_from_authentication(
    steps: Steps, intent_id: str, client_secret: str, payments: Payments, *, return_base: str
) -> Any:
    """The customer's browser is back from the issuer's challenge: read the result from the
    ACS, authorise with it (or fail the intent), and return the intent as it now is. An
    intent not waiting for this authentication is returned unchanged."""
    with steps.transaction() as connection:
        intent = _row(connection, intent_id)
        if not secrets.compare_digest(intent.client_secret, client_secret):
            raise ResourceMissing("payment_intent", intent_id)
        authentication_id = intent.authentication_id
        if intent.status != Status.REQUIRES_ACTION or authentication_id is None:
            return intent
        method = _method(connection, intent.payment_method_id)
        card = Card(method.vault_card_id, method.exp_month, method.exp_year)
        link = payments.processor.route(connection, card)
    found = None
    if link is not None and link.acs is not None:
        try:
            found = link.acs.result(authentication_id)
        except AcsUnavailable as error:
            log.warning("payments.acs_unavailable", payment_intent=intent_id, error=str(error))
    if found is None or found.status == "C":
        return intent  # not answered yet: the merchant may send the customer back to it
    claimed: _Claim | Outcome | None = None
    with steps.transaction() as connection:
        intent = _row(connection, intent_id, lock=True)
        if intent.status != Status.REQUIRES_ACTION or intent.authentication_id != authentication_id:
            pass  # answered already, by another visit of the browser
        elif found.status == "Y" and found.result is not None:
            claimed = _claim(
                connection, intent, payments, return_base=return_base, expand=frozenset(), key=None
            )
        else:
            intent = _update(
                connection,
                intent.id,
                payments.clock.now(),
                status=Status.REQUIRES_PAYMENT_METHOD.value,
                payment_method_id=None,
                last_payment_error=charges.authentication_failure(method),
                next_action=None,
                authentication_id=None,
            )
            _announce(connection, payments, None, intent, "payment_intent.payment_failed")
    if isinstance(claimed, _Claim) and found.result is not None:
        _authorise(steps, claimed, payments, Authenticated(found.result, "challenge"))
    if claimed is not None:
        with steps.transaction() as connection:
            intent = _row(connection, intent_id)
    return intent


# Recovering a confirmation whose request died ---------------------------------------------------


def recover(engine: Engine, payments: Payments, job: Job) -> JobOutcome:
    """The job ``payments.recover_confirmation``: an intent still processing under the token
    of a request long gone. What that request sent is reversed (the processor's follow-up
    jobs), and the intent fails with a processing error, as a timeout would have."""
    intent_id, token = job.payload["payment_intent"], job.payload["token"]
    with writing(engine) as connection:
        intent = connection.execute(
            sa.select(payment_intents).where(payment_intents.c.id == intent_id).with_for_update()
        ).first()
        if intent is None or intent.status != Status.PROCESSING or intent.processing_token != token:
            return Done()
        for authorisation_id in payments.processor.in_flight(connection, intent_id):
            payments.processor.abandon(connection, authorisation_id)
        intent = _update(
            connection,
            intent_id,
            payments.clock.now(),
            status=Status.REQUIRES_PAYMENT_METHOD.value,
            processing_token=None,
            payment_method_id=None,
            last_payment_error=charges.card_error(unanswered(), None, None),
        )
        _announce(connection, payments, None, intent, "payment_intent.payment_failed")
    log.warning("payments.confirmation_recovered", payment_intent=intent_id)
    return Done()


def background_handlers(engine: Engine, payments: Payments) -> dict[str, Handler]:
    """The outbox jobs of payments: recovering stuck confirmations, and the processor's
    follow-ups (completions and reversals owed to issuers). For ``mercato worker``."""
    handlers = payments.processor.handlers()

    def recover_job(job: Job) -> JobOutcome:
        return recover(engine, payments, job)

    handlers[RECOVER_JOB] = recover_job
    return handlers
