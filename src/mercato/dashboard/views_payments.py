"""The overview and the payments, with the Refund button.

GET  /dashboard/                         balance and the last 14 days' volume
GET  /dashboard/payments                 payments, newest first
GET  /dashboard/payments/{id}/refund     "Refund $25.00 to Visa •••• 4242?"
POST /dashboard/payments/{id}/refund     refunded once, then back to the payments
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from mercato.dashboard import chart, figures, refunding
from mercato.dashboard.pages import (
    PREFIX,
    checked_form,
    clock,
    engine_of,
    redirect,
    refused,
    render,
    signed_in,
    to_sign_in,
)
from mercato.database.engine import reading
from mercato.gateway.errors import ApiError
from mercato.gateway.merchants import get_merchant
from mercato.money import Money

router = APIRouter()


@router.get("/")
async def overview(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    engine, today = engine_of(request), clock(request).now().date()
    ledger = request.app.state.processor.ledger

    def look() -> tuple[dict[str, object], chart.Chart, str]:
        with reading(engine) as connection:
            merchant = get_merchant(connection, who.merchant_id)
            assert merchant is not None
            currency = merchant.default_currency.code.lower()
            days = figures.volume_by_day(connection, who.merchant_id, currency, today)
            total = sum((amount for _day, amount in days), Money.zero(currency))
            return (
                figures.balance(connection, who.merchant_id, ledger),
                chart.bar_chart(days),
                total.format(),
            )

    balance, volume, total = await run_in_threadpool(look)
    return render(
        request,
        "overview.html",
        signed_in=who,
        section="overview",
        title="Overview",
        balance=balance,
        chart=volume,
        volume_total=total,
    )


@router.get("/payments")
async def payments(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    engine = engine_of(request)

    def look() -> list[figures.Payment]:
        with reading(engine) as connection:
            return figures.payments_of(connection, who.merchant_id)

    refunded = request.query_params.get("refunded")
    return render(
        request,
        "payments.html",
        signed_in=who,
        section="payments",
        title="Payments",
        payments=await run_in_threadpool(look),
        notice=f"Refunded {refunded}." if refunded else None,
    )


async def _payment(request: Request, merchant_id: str, intent_id: str) -> figures.Payment | None:
    engine = engine_of(request)

    def look() -> figures.Payment | None:
        with reading(engine) as connection:
            return figures.payment(connection, merchant_id, intent_id)

    return await run_in_threadpool(look)


@router.get("/payments/{intent_id}/refund")
async def confirm_refund(request: Request, intent_id: str) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    found = await _payment(request, who.merchant_id, intent_id)
    if found is None:
        return render(request, "missing.html", status=404, signed_in=who, title="Not found")
    return render(
        request,
        "refund.html",
        signed_in=who,
        section="payments",
        title="Refund payment",
        payment=found,
        left=found.amount - found.refunded,
        idempotency_key=secrets.token_urlsafe(24),
    )


@router.post("/payments/{intent_id}/refund")
async def refund(request: Request, intent_id: str) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    form = await checked_form(request, who)
    if form is None or not form.get("idempotency_key"):
        return refused(request, who)
    try:
        done = await run_in_threadpool(
            lambda: refunding.refund_payment(
                engine_of(request),
                clock(request),
                request.app.state.processor,
                secret=request.app.state.idempotency_secret,
                merchant_id=who.merchant_id,
                intent_id=intent_id,
                key=form["idempotency_key"],
            )
        )
    except ApiError as error:
        found = await _payment(request, who.merchant_id, intent_id)
        return render(
            request,
            "refund.html" if found is not None else "missing.html",
            status=error.status,
            signed_in=who,
            section="payments",
            title="Refund payment",
            payment=found,
            left=None if found is None else found.amount - found.refunded,
            idempotency_key=form["idempotency_key"],
            problem=error.message,
        )
    amount = Money.of_minor(done.refund["amount"], done.refund["currency"]).format()
    return redirect(f"{PREFIX}/payments?" + urlencode({"refunded": f"{amount} of {intent_id}"}))
