"""Confirming a payment intent: claiming it, authorising with the issuer, recording what
came of it, the customer's return from 3-D Secure, and recovering confirmations a crash
left unfinished. ``payment_intents.create`` and ``payment_intents.confirm`` start here
(``claim_intent``, then ``authorise``).

No database transaction stays open while the issuer is asked (``Steps``): one short
transaction claims the intent (``processing``, with a token of the request's own, and a job
that will recover it if the request dies), the processor sends the authorisation, and a
second transaction records what came of it: the charge, the intent, the platform's books,
the events and the stored idempotent response, together.

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
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato import outbox
from mercato.database.engine import writing
from mercato.gateway import charges, merchants
from mercato.gateway import intent_records as records
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.intent_records import Outcome, Payments, Status, Steps, redirect_status
from mercato.gateway.payment_tables import payment_intents
from mercato.logs import get_logger
from mercato.money import Money
from mercato.outbox import Done, Handler, Job
from mercato.outbox import Outcome as JobOutcome
from mercato.processor import Card, dialogue
from mercato.processor.codes import Verdict, not_supported, unanswered
from mercato.processor.dialogue import Answered, Authenticated, Challenged, Order
from mercato.processor.threeds import AcsUnavailable
from mercato.settlement import transactions as balance_transactions

log = get_logger(__name__)

RECOVER_JOB = "payments.recover_confirmation"
STUCK_AFTER = dt.timedelta(minutes=10)
"""A confirmation still processing this long after it began has lost its request (a crash):
the recovery job reverses what it sent and fails it. Far beyond any answer's timeout."""


# Claim, authorise, record -----------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
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


def claim_intent(
    connection: Connection,
    intent: Any,
    payments: Payments,
    *,
    return_base: str,
    expand: frozenset[str],
    key: str | None,
) -> Claim | Outcome:
    """Take the intent for this confirmation (or decline at once a card no issuer serves)."""
    if intent.payment_method_id is None:
        raise InvalidRequest(
            "You cannot confirm this PaymentIntent because it's missing a payment method. "
            "Update the PaymentIntent with a payment method and then confirm it again.",
            code="payment_intent_unexpected_state",
        )
    method = records.method(connection, intent.payment_method_id)
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
    intent = records.update(
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
    return Claim(
        order=order,
        token=token,
        method_id=method.id,
        ask_first=intent.request_three_d_secure in ("any", "challenge"),
        capture_at_once=intent.capture_method == "automatic",
        expand=expand,
        key=key,
    )


def _hold(connection: Connection, claim: Claim) -> Any:
    """The intent, locked, if this confirmation still holds it."""
    intent = records.row(connection, claim.order.reference, lock=True)
    if intent.status != Status.PROCESSING or intent.processing_token != claim.token:
        raise _Superseded
    return intent


def authorise(
    steps: Steps,
    claim: Claim,
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


def _require_action(steps: Steps, claim: Claim, payments: Payments, came: Challenged) -> Outcome:
    """The customer must answer the issuer's challenge: the intent waits for them."""
    with steps.transaction() as connection:
        intent = _hold(connection, claim)
        if came.declined is not None:
            payments.processor.settle(connection, *came.declined)
        redirect = {"url": came.authentication.challenge_url, "return_url": intent.return_url}
        intent = records.update(
            connection,
            intent.id,
            payments.clock.now(),
            status=Status.REQUIRES_ACTION.value,
            processing_token=None,
            authentication_id=came.authentication.id,
            next_action={"type": "redirect_to_url", "redirect_to_url": redirect},
        )
        records.announce(connection, payments, claim.key, intent, "payment_intent.requires_action")
        outcome = records.to_object(connection, intent, claim.expand)
        steps.finish(connection, outcome)
    return outcome


def _record(steps: Steps, claim: Claim, payments: Payments, came: Answered) -> Outcome:
    """What the issuer answered, kept in one transaction: charge, intent, books, events."""
    processor, verdict = payments.processor, came.answer.verdict
    with steps.transaction() as connection:
        intent = _hold(connection, claim)
        if not processor.settle(connection, came.prepared, came.answer):
            raise _Superseded
        method = records.method(connection, claim.method_id)
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
            fee = processor.fee(connection, intent.merchant_id, amount)
            charge = charges.update(
                connection,
                charge.id,
                captured=True,
                amount_captured=amount.minor,
                fee=fee.minor,
                captured_at=now,
            )
            balance_transactions.charge_captured(connection, charge, now)
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
        intent = records.update(
            connection, intent.id, now, processing_token=None, latest_charge_id=charge.id, **values
        )
        records.announce(connection, payments, claim.key, intent, "charge.succeeded", charge=charge)
        records.announce(connection, payments, claim.key, intent, happened)
        outcome = records.to_object(connection, intent, claim.expand)
        if claim.capture_at_once:
            # Last before the commit: the merchant's balance and the scheme's receivable are
            # hot rows that every payment locks, so they are locked for as short a time as
            # the transaction allows.
            processor.capture(
                connection,
                authorisation_id=came.prepared.authorisation_id,
                charge_id=charge.id,
                merchant_id=intent.merchant_id,
                hold_id=None,
                amount=amount,
                fee=fee,
            )
        steps.finish(connection, outcome)
    if claim.capture_at_once:
        records.tell_issuer(payments, came.prepared.authorisation_id)
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
    intent = records.update(
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
    records.announce(connection, payments, key, intent, "charge.failed", charge=charge)
    records.announce(connection, payments, key, intent, "payment_intent.payment_failed")
    return 402, {
        "error": {**error, "payment_intent": records.to_object(connection, intent, expand)}
    }


def _superseded(steps: Steps, claim: Claim) -> Outcome:
    """This request lost its intent to the recovery job, which failed it: say so."""
    with steps.transaction() as connection:
        intent = records.row(connection, claim.order.reference)
        error = charges.card_error(unanswered(), None, None)
        body = {
            "error": {
                **error,
                "payment_intent": records.to_object(connection, intent, claim.expand),
            }
        }
        steps.finish(connection, (402, body))
    return 402, body


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
        intent = records.row(connection, intent_id)
        if not secrets.compare_digest(intent.client_secret, client_secret):
            raise ResourceMissing("payment_intent", intent_id)
        authentication_id = intent.authentication_id
        if intent.status != Status.REQUIRES_ACTION or authentication_id is None:
            return intent
        method = records.method(connection, intent.payment_method_id)
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
    claimed: Claim | Outcome | None = None
    with steps.transaction() as connection:
        intent = records.row(connection, intent_id, lock=True)
        if intent.status != Status.REQUIRES_ACTION or intent.authentication_id != authentication_id:
            pass  # answered already, by another visit of the browser
        elif found.status == "Y" and found.result is not None:
            claimed = claim_intent(
                connection, intent, payments, return_base=return_base, expand=frozenset(), key=None
            )
        else:
            intent = records.update(
                connection,
                intent.id,
                payments.clock.now(),
                status=Status.REQUIRES_PAYMENT_METHOD.value,
                payment_method_id=None,
                last_payment_error=charges.authentication_failure(method),
                next_action=None,
                authentication_id=None,
            )
            records.announce(connection, payments, None, intent, "payment_intent.payment_failed")
    if isinstance(claimed, Claim) and found.result is not None:
        authorise(steps, claimed, payments, Authenticated(found.result, "challenge"))
    if claimed is not None:
        with steps.transaction() as connection:
            intent = records.row(connection, intent_id)
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
        intent = records.update(
            connection,
            intent_id,
            payments.clock.now(),
            status=Status.REQUIRES_PAYMENT_METHOD.value,
            processing_token=None,
            payment_method_id=None,
            last_payment_error=charges.card_error(unanswered(), None, None),
        )
        records.announce(connection, payments, None, intent, "payment_intent.payment_failed")
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
