"""Checkout and the order's page:

    GET  /shop/{slug}/checkout            details, shipping and tax for the cart
    POST /shop/{slug}/checkout            review the total, or reserve the stock, make the
                                          order and its Checkout Session, and 303 to pay
    GET  /shop/{slug}/orders/{id}?key=    the confirmation: paid, or being confirmed

Checkout always works on the cart as the database has it now, never on the catalog in
memory: its prices and stock are what the order is made of.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from mercato.api.requests import clock_of
from mercato.shop import cart, checkout, orders
from mercato.shop.errors import CartClosed, InvalidCheckout, NotFound, PricesChanged, ShopError
from mercato.shop.web.cart import cart_of, countries
from mercato.shop.web.visits import (
    STATUS,
    Visit,
    form,
    in_thread,
    missing,
    redirect,
    redirect_to,
    render,
    router,
    visit,
)
from mercato.tax import US_STATES


def _checkout_page(
    request: Request,
    found: Visit,
    current: cart.Cart,
    *,
    fields: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    priced: Any = None,
    status: int = 200,
    problem: str | None = None,
) -> Response:
    fields = fields or {}
    country = fields.get("shipping_country") or current.country or found.shop.terms.country
    today = clock_of(request).now().date()
    if priced is None:
        priced = checkout.estimate(
            found.shop,
            current,
            country,
            state=fields.get("shipping_state") or None,
            rate_id=fields.get("shipping_rate") or None,
            today=today,
        )
    return render(
        request,
        found,
        "checkout.html",
        status,
        cart=current,
        cart_count=current.count,
        estimate=priced,
        fields=fields | {"shipping_country": country},
        errors=errors or {},
        problem=problem,
        countries=countries(found.shop),
        states=sorted(US_STATES.items(), key=lambda s: s[1]),
        rates=[
            rate for rate in found.shop.rates if rate.countries is None or country in rate.countries
        ],
    )


@router.get("/{slug}/checkout")
async def show_checkout(request: Request, slug: str) -> Response:
    found = await visit(request, slug)
    if isinstance(found, Response):
        return found
    current = await in_thread(request, cart_of(found))
    if current.is_empty:
        return redirect(request, found, "/cart")
    if current.price_changes:
        return redirect(request, found, "/cart", "prices")
    return _checkout_page(request, found, current, fields={"billing_same": "1"})


@router.post("/{slug}/checkout")
async def pay(request: Request, slug: str) -> Response:
    found = await visit(request, slug)
    if isinstance(found, Response):
        return found
    fields = await form(request, found)
    if isinstance(fields, Response):
        return fields
    current = await in_thread(request, cart_of(found))
    if current.is_empty or found.cart_id is None:
        return redirect(request, found, "/cart")
    clock = clock_of(request)
    try:
        details = checkout.read_details(fields)
        priced = checkout.price_cart(found.shop, current, details, clock.now().date())
    except ShopError as refused:
        invalid = isinstance(refused, InvalidCheckout)
        return _checkout_page(
            request,
            found,
            current,
            fields=fields,
            errors=refused.fields if isinstance(refused, InvalidCheckout) else None,
            status=400,
            problem=None if invalid else refused.message,
        )
    if fields.get("action") == "review" or fields.get("shown_total") != str(
        priced.total.gross.minor
    ):
        problem = None
        if fields.get("action") != "review":
            problem = (
                f"Your total is now {priced.total.gross.format()}, for the address and VAT "
                "number you gave. Please check it and continue to payment again."
            )
        return _checkout_page(
            request, found, current, fields=fields, priced=priced, problem=problem
        )
    return await _place(request, found, current, fields, details)


async def _place(
    request: Request,
    found: Visit,
    current: cart.Cart,
    fields: dict[str, str],
    details: checkout.Details,
) -> Response:
    """Reserve, make the order and its session, and send the customer to pay."""
    base = str(request.base_url).rstrip("/")
    clock = clock_of(request)

    def place(connection: Any) -> str:
        return checkout.place_order(
            connection,
            clock,
            found.shop,
            current.id,
            details,
            shop_base=f"{base}{found.base}",
            gateway_base=base,
        )

    try:
        url = await in_thread(request, place, write=True)
    except PricesChanged:
        return redirect(request, found, "/cart", "prices")
    except CartClosed:
        found.drop_cart = True
        return redirect(request, found, "", "closed")
    except ShopError as refused:
        status = STATUS.get(type(refused), 400)
        return _checkout_page(
            request, found, current, fields=fields, status=status, problem=refused.message
        )
    return redirect_to(request, found, url)


@router.get("/{slug}/orders/{order_id}")
async def order_page(request: Request, slug: str, order_id: str, key: str = "") -> Response:
    found = await visit(request, slug)
    if isinstance(found, Response):
        return found

    def load(connection: Any) -> tuple[orders.Order, str]:
        order = orders.find(connection, found.shop.id, order_id, key)
        return order, orders.row(connection, order_id).cart_id

    try:
        order, cart_id = await in_thread(request, load)
    except NotFound as absent:
        return missing(request, found, absent.message)
    if cart_id == found.cart_id and order.status in (orders.PENDING, orders.PAID):
        found.drop_cart = True  # back from paying: this browser's cart starts afresh
    waiting = order.status == orders.PENDING
    return render(
        request,
        found,
        "order.html",
        order=order,
        refresh=3 if waiting else None,
        now=clock_of(request).now(),
        soon=dt.timedelta(minutes=1),
    )
