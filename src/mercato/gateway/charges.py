"""Charges: what each authorisation of a payment intent came to (Stripe's ``charge``).

A charge is written with the issuer's answer: ``succeeded`` (approved; captured at once or
later) or ``failed`` (declined, or no answer), with the card as it was charged, the checks
the issuer made, Stripe's ``outcome``, and Mercato's own ``mercato_network``: the ISO 8583
response code, approval code, STAN and RRN. Charges are made by payment intents, never by
``POST /v1/charges``; here they are written, read and listed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato.gateway import payment_methods
from mercato.gateway.errors import ResourceMissing
from mercato.gateway.events import Created
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.gateway.payment_tables import charges, refunds
from mercato.network.messages import ThreeDSResult
from mercato.processor.codes import Verdict, cvc_check
from mercato.processor.dialogue import Answered

THREE_DS_VERSION = "2.2.0"


def created_filter(column: Any, created: int | Created) -> list[sa.ColumnElement[bool]]:
    """Stripe's ``created`` filter (a Unix time, or ``gt``/``gte``/``lt``/``lte``) on a
    column of timestamps, in the whole seconds that ``created`` shows."""

    def at(seconds: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(seconds, dt.UTC)

    if isinstance(created, int):
        return [column >= at(created), column < at(created + 1)]
    bounds = []
    if created.gt is not None:
        bounds.append(column >= at(created.gt + 1))
    if created.gte is not None:
        bounds.append(column >= at(created.gte))
    if created.lt is not None:
        bounds.append(column < at(created.lt))
    if created.lte is not None:
        bounds.append(column < at(created.lte + 1))
    return bounds


def three_ds_details(result: ThreeDSResult, flow: str) -> dict[str, Any]:
    """``payment_method_details.card.three_d_secure`` of an authenticated payment."""
    return {
        "authentication_flow": flow,
        "electronic_commerce_indicator": result.eci,
        "exemption_indicator": None,
        "result": "authenticated",
        "result_reason": None,
        "transaction_id": result.transaction_id,
        "version": THREE_DS_VERSION,
    }


def card_details(
    method: Any,
    *,
    amount: int,
    approved: bool,
    approval_code: str | None,
    cvc_result: str | None,
    three_ds: dict[str, Any] | None,
) -> dict[str, Any]:
    """``payment_method_details.card``: the card as it was charged, and what was checked."""
    return {
        "amount_authorized": amount if approved else None,
        "authorization_code": approval_code,
        "brand": method.brand,
        "checks": {
            "address_line1_check": None,
            "address_postal_code_check": None,
            "cvc_check": cvc_check(cvc_result),
        },
        "country": method.country,
        "exp_month": method.exp_month,
        "exp_year": method.exp_year,
        "extended_authorization": {"status": "disabled"},
        "fingerprint": method.fingerprint,
        "funding": method.funding,
        "incremental_authorization": {"status": "unavailable"},
        "installments": None,
        "last4": method.last4,
        "mandate": None,
        "multicapture": {"status": "unavailable"},
        "network": method.brand,
        "network_token": {"used": False},
        "network_transaction_id": None,
        "overcapture": {"maximum_amount_capturable": amount, "status": "unavailable"},
        "regulated_status": None,
        "three_d_secure": three_ds,
        "wallet": None,
    }


def card_error(verdict: Verdict, charge_id: str | None, method: Any) -> dict[str, Any]:
    """Stripe's card error: the body of a 402, and a payment intent's ``last_payment_error``."""
    error: dict[str, Any] = {
        "type": "card_error",
        "code": verdict.code,
        "message": verdict.message,
        "charge": charge_id,
        "doc_url": f"https://docs.stripe.com/error-codes/{verdict.code}",
        "payment_method": None if method is None else payment_methods.to_object(method),
    }
    if verdict.decline_code is not None:
        error["decline_code"] = verdict.decline_code
    if verdict.response_code is not None:
        error["network_decline_code"] = verdict.response_code
    return error


def authentication_failure(method: Any) -> dict[str, Any]:
    """``last_payment_error`` of a payment whose customer failed 3-D Secure."""
    return {
        "type": "invalid_request_error",
        "code": "payment_intent_authentication_failure",
        "message": "The provided PaymentMethod has failed authentication. You can provide "
        "payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent "
        "again.",
        "doc_url": "https://docs.stripe.com/error-codes/payment-intent-authentication-failure",
        "payment_method": payment_methods.to_object(method),
    }


def record_answer(
    connection: Connection, intent: Any, method: Any, answered: Answered, now: dt.datetime
) -> Any:
    """The charge of one answered authorisation, with the network's details
    (``mercato_network``): its row."""
    request, answer = answered.prepared.request, answered.answer
    approved = answer.verdict.approved
    authenticated = answered.authenticated
    return insert(
        connection,
        charge_id=new_id("ch"),
        intent=intent,
        method=method,
        verdict=answer.verdict,
        network={
            "acquirer_id": request.acquirer_id,
            "approval_code": answer.approval_code,
            "cvc_result": answer.cvc_result,
            "merchant_id": request.merchant_id,
            "response_code": answer.verdict.response_code,
            "rrn": request.rrn,
            "stan": f"{request.stan:06d}",
            "terminal_id": request.terminal_id,
            "transmitted_at": request.transmitted_at.isoformat(),
        },
        card=card_details(
            method,
            amount=intent.amount,
            approved=approved,
            approval_code=answer.approval_code,
            cvc_result=answer.cvc_result,
            three_ds=None
            if authenticated is None
            else three_ds_details(authenticated.result, authenticated.flow),
        ),
        now=now,
        authorisation_id=answered.prepared.authorisation_id,
    )


def record_unsent(
    connection: Connection, intent: Any, method: Any, verdict: Verdict, now: dt.datetime
) -> Any:
    """The charge of a payment that never reached the network (no issuer serves the card)."""
    details = card_details(
        method,
        amount=intent.amount,
        approved=False,
        approval_code=None,
        cvc_result=None,
        three_ds=None,
    )
    return insert(
        connection,
        charge_id=new_id("ch"),
        intent=intent,
        method=method,
        verdict=verdict,
        network={},
        card=details,
        now=now,
    )


def insert(
    connection: Connection,
    *,
    intent: Any,
    method: Any,
    verdict: Verdict,
    network: dict[str, Any],
    card: dict[str, Any],
    now: dt.datetime,
    authorisation_id: uuid.UUID | None = None,
    charge_id: str,
) -> Any:
    """Write the charge of one authorisation of ``intent``; returns its row."""
    connection.execute(
        sa.insert(charges).values(
            id=charge_id,
            merchant_id=intent.merchant_id,
            payment_intent_id=intent.id,
            payment_method_id=method.id,
            customer_id=intent.customer_id,
            amount=intent.amount,
            currency=intent.currency,
            status="succeeded" if verdict.approved else "failed",
            captured=False,
            amount_captured=0,
            amount_refunded=0,
            fee=0,
            description=intent.description,
            metadata=intent.metadata,
            receipt_email=intent.receipt_email,
            billing_details=method.billing_details,
            failure_code=None if verdict.approved else verdict.code,
            failure_message=None if verdict.approved else verdict.message,
            outcome=verdict.outcome(),
            card=card,
            network=network,
            authorisation_id=authorisation_id,
            created_at=now,
        )
    )
    return row(connection, charge_id)


def update(connection: Connection, charge_id: str, **values: Any) -> Any:
    """Change a charge; returns it as it now is (one round trip)."""
    return connection.execute(
        sa.update(charges).where(charges.c.id == charge_id).values(**values).returning(charges)
    ).one()


def row(connection: Connection, charge_id: str, *, lock: bool = False) -> Any:
    query = sa.select(charges).where(charges.c.id == charge_id)
    if lock:
        query = query.with_for_update()
    return connection.execute(query).one()


def find(connection: Connection, caller: Caller, charge_id: str, *, param: str = "id") -> Any:
    found = connection.execute(
        sa.select(charges).where(
            charges.c.id == charge_id, charges.c.merchant_id == caller.merchant_id
        )
    ).first()
    if found is None:
        raise ResourceMissing("charge", charge_id, param=param)
    return found


def to_object(connection: Connection, charge: Any) -> dict[str, Any]:
    """The charge as the API shows it, with its refunds."""
    from mercato.gateway import refunds as refund_objects
    from mercato.settlement import transactions as balance_transactions

    refund_rows = connection.execute(
        sa.select(refunds)
        .where(refunds.c.charge_id == charge.id)
        .order_by(refunds.c.id.desc())
        .limit(11)
    ).all()
    captured = charge.amount_captured
    return {
        "id": charge.id,
        "object": "charge",
        "amount": charge.amount,
        "amount_captured": captured,
        "amount_refunded": charge.amount_refunded,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": balance_transactions.of_source(connection, charge.id, "charge"),
        "billing_details": charge.billing_details,
        "calculated_statement_descriptor": None,
        "captured": charge.captured,
        "created": int(charge.created_at.timestamp()),
        "currency": charge.currency,
        "customer": charge.customer_id,
        "description": charge.description,
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": charge.failure_code,
        "failure_message": charge.failure_message,
        "fraud_details": {},
        "livemode": False,
        "mercato_network": charge.network,
        "metadata": charge.metadata,
        "on_behalf_of": None,
        "outcome": charge.outcome,
        "paid": charge.status == "succeeded",
        "payment_intent": charge.payment_intent_id,
        "payment_method": charge.payment_method_id,
        "payment_method_details": {"card": charge.card, "type": "card"},
        "receipt_email": charge.receipt_email,
        "receipt_number": None,
        "receipt_url": None,
        "refunded": captured > 0 and charge.amount_refunded == captured,
        "refunds": list_object(
            f"/v1/charges/{charge.id}/refunds",
            [refund_objects.to_object(r) for r in refund_rows[:10]],
            len(refund_rows) > 10,
        ),
        "review": None,
        "shipping": None,
        "source": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": charge.status,
        "transfer_data": None,
        "transfer_group": None,
    }


class RetrieveParams(Params):
    expand: list[str] = Field(default_factory=list)


class ChargeListParams(ListParams):
    customer: str | None = None
    payment_intent: str | None = None
    created: int | Created | None = None


def retrieve(
    connection: Connection, caller: Caller, charge_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(RetrieveParams, params)
    shown = to_object(connection, find(connection, caller, charge_id))
    if "balance_transaction" in given.expand and shown["balance_transaction"] is not None:
        from mercato.gateway import balance_transactions

        shown["balance_transaction"] = balance_transactions.shown(
            connection, shown["balance_transaction"]
        )
    return shown


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's charges, newest first, by ``customer``, ``payment_intent`` and
    ``created``."""
    given = parse(ChargeListParams, params)
    query = sa.select(charges).where(charges.c.merchant_id == caller.merchant_id)
    if given.customer:
        query = query.where(charges.c.customer_id == given.customer)
    if given.payment_intent:
        query = query.where(charges.c.payment_intent_id == given.payment_intent)
    if given.created is not None:
        query = query.where(*created_filter(charges.c.created_at, given.created))
    rows, has_more = page(query, charges.c.id, given, lambda q: connection.execute(q).all())
    return list_object("/v1/charges", [to_object(connection, r) for r in rows], has_more)
