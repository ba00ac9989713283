"""The shop's orders, and refunding one (all of it or a part) with the payments page's
idempotent refund (``refunding``).

GET  /dashboard/orders                 orders, newest first (?page=2 for older ones)
GET  /dashboard/orders/{id}            its lines, tax, shipping, addresses and payment
POST /dashboard/orders/{id}/refund     refunded once, then back to the order
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from mercato.dashboard import refunding, shop_orders
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
from mercato.dashboard.sessions import SignedIn
from mercato.database.engine import reading
from mercato.gateway.errors import ApiError
from mercato.money import Currency, Money, MoneyError

router = APIRouter()


@router.get("/orders")
async def order_list(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    wanted = request.query_params.get("page", "1")
    number = int(wanted) if wanted.isdigit() and len(wanted) < 7 else 1
    engine = engine_of(request)

    def look() -> shop_orders.OrderPage:
        with reading(engine) as connection:
            return shop_orders.page(connection, who.merchant_id, number)

    return render(
        request,
        "orders.html",
        signed_in=who,
        section="orders",
        title="Orders",
        page=await run_in_threadpool(look),
    )


async def _order_page(
    request: Request,
    who: SignedIn,
    order_id: str,
    *,
    status: int = 200,
    amount: str | None = None,
    idempotency_key: str | None = None,
    problem: str | None = None,
) -> Response:
    engine = engine_of(request)

    def look() -> shop_orders.OrderShown | None:
        with reading(engine) as connection:
            return shop_orders.shown(connection, who.merchant_id, order_id)

    found = await run_in_threadpool(look)
    if found is None:
        return render(request, "missing.html", status=404, signed_in=who, title="Not found")
    left = found.refundable
    refunded = request.query_params.get("refunded", "")
    notice = None
    if refunded.isdigit() and len(refunded) < 16:
        notice = f"Refunded {Money.of_minor(int(refunded), found.listed.total.currency).format()}."
    return render(
        request,
        "orders_detail.html",
        status=status,
        signed_in=who,
        section="orders",
        title=f"Order {found.listed.id}",
        shown=found,
        order=found.order,
        left=left,
        amount=amount if amount is not None else ("" if left is None else left.to_decimal()),
        idempotency_key=idempotency_key or secrets.token_urlsafe(24),
        notice=notice,
        problem=problem,
    )


@router.get("/orders/{order_id}")
async def order_page(request: Request, order_id: str) -> Response:
    who = await signed_in(request)
    return to_sign_in() if who is None else await _order_page(request, who, order_id)


def _amount(text: str, currency: Currency) -> int | str:
    """The amount to refund in minor units, or what is wrong with it."""
    try:
        minor = Money.parse(text, currency).minor
    except MoneyError:
        return f"Enter the amount to refund, such as {Money.of_minor(1250, currency).format()}."
    return minor if minor > 0 else "Enter an amount more than zero."


@router.post("/orders/{order_id}/refund")
async def refund(request: Request, order_id: str) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    form = await checked_form(request, who)
    if form is None or not form.get("idempotency_key"):
        return refused(request, who)
    engine = engine_of(request)
    key, text = form["idempotency_key"], form.get("amount", "").strip()

    def look() -> shop_orders.OrderShown | None:
        with reading(engine) as connection:
            return shop_orders.shown(connection, who.merchant_id, order_id)

    found = await run_in_threadpool(look)
    if found is None or found.payment is None:
        # Not the merchant's order (the missing page), or nothing paid to refund.
        return await _order_page(request, who, order_id, status=404)
    amount = _amount(text, found.payment.amount.currency)

    async def again(problem: str, status: int = 400) -> Response:
        """The order again, with the problem and the same key: sent again, it is the same
        refund."""
        return await _order_page(
            request, who, order_id, status=status, amount=text, idempotency_key=key, problem=problem
        )

    if isinstance(amount, str):
        return await again(amount)
    intent_id = found.payment.id
    try:
        done = await run_in_threadpool(
            lambda: refunding.refund_payment(
                engine,
                clock(request),
                request.app.state.processor,
                secret=request.app.state.idempotency_secret,
                merchant_id=who.merchant_id,
                intent_id=intent_id,
                key=key,
                amount=amount,
            )
        )
    except ApiError as error:
        return await again(error.message, error.status)
    return redirect(f"{PREFIX}/orders/{order_id}?refunded={done.refund['amount']}")
