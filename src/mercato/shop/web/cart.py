"""The cart:

    GET  /shop/{slug}/cart                    the cart, with its estimate of shipping and tax
    POST /shop/{slug}/cart/add                a product page's form: a variant and a quantity
    POST /shop/{slug}/cart/lines/{line_id}    a line's new quantity, or ``action=remove``
    POST /shop/{slug}/cart/destination        the country the estimate is for
    POST /shop/{slug}/cart/accept             the customer takes the new prices

Every POST is a cart form (``_cart_form``): the CSRF check, the form's own reading (a
``Change``, or a ``Refused`` with what to tell the customer), then the change in one
transaction on the browser's cart (or a new one), then 303 to the cart. A refusal shows the
page the form came from again, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from mercato.api.requests import clock_of
from mercato.shop import addresses, cart, checkout, orders
from mercato.shop.catalog import Shop
from mercato.shop.errors import ShopError
from mercato.shop.web import forms
from mercato.shop.web.browse import product_page
from mercato.shop.web.visits import (
    NOTICES,
    STATUS,
    Visit,
    form,
    freshen,
    in_thread,
    redirect,
    render,
    router,
    visit,
)


def countries(shop: Shop) -> list[tuple[str, str]]:
    """The countries a customer may choose, by name."""
    codes = addresses.COUNTRIES if shop.ships_everywhere else shop.countries
    return sorted(
        ((code, addresses.COUNTRIES.get(code, code)) for code in codes), key=lambda c: c[1]
    )


def cart_of(found: Visit) -> Callable[[Any], cart.Cart]:
    """Work that loads the visitor's open cart, as it is now (``cart.EMPTY`` if none)."""

    def load(connection: Any) -> cart.Cart:
        if found.cart_id is None:
            return cart.EMPTY
        return cart.load(connection, found.shop, found.cart_id)

    return load


async def cart_page(
    request: Request, found: Visit, status: int = 200, problem: str | None = None
) -> Response:
    found = await freshen(request, found)

    def load(connection: Any) -> tuple[cart.Cart, Any]:
        current = cart_of(found)(connection)
        latest = orders.latest_for_cart(connection, current.id) if current.id else None
        return current, latest

    current, latest = await in_thread(request, load)
    if latest is not None and latest.status == orders.EXPIRED and found.notice is None:
        found.notice = NOTICES["expired"]
    country = current.country or found.shop.terms.country
    estimate = checkout.estimate(found.shop, current, country, today=clock_of(request).now().date())
    return render(
        request,
        found,
        "cart.html",
        status,
        cart=current,
        cart_count=current.count,
        estimate=estimate,
        country=country,
        countries=countries(found.shop),
        problem=problem,
        max_quantity=cart.MAX_QUANTITY,
    )


@router.get("/{slug}/cart")
async def show_cart(request: Request, slug: str) -> Response:
    found = await visit(request, slug)
    if isinstance(found, Response):
        return found
    return await cart_page(request, found)


# Cart forms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What a cart form asks for: ``work`` on the claimed cart, the notice once done, and
    the page to show a refusal on (``/cart``, or ``/p/<product>``)."""

    work: Callable[[Any, cart.Claimed], None]
    done: str
    back: str = "/cart"
    lines: bool = True  # a change of the cart's lines (its version goes up)


@dataclass(frozen=True)
class Refused:
    """A form that asks for nothing possible: the page to show again, and why."""

    message: str
    back: str = "/cart"


Reading = Callable[[Visit, dict[str, str]], Change | Refused]


async def _page_for(
    request: Request, found: Visit, back: str, status: int, problem: str
) -> Response:
    if back.startswith("/p/"):
        return product_page(request, await freshen(request, found), back[3:], status, problem)
    return await cart_page(request, found, status, problem)


async def _cart_form(request: Request, slug: str, read: Reading) -> Response:
    """A cart form from its POST to the 303 (or the page that refuses it)."""
    found = await visit(request, slug, fresh=False)
    if isinstance(found, Response):
        return found
    fields = await form(request, found)
    if isinstance(fields, Response):
        return fields
    asked = read(found, fields)
    if isinstance(asked, Refused):
        return await _page_for(request, found, asked.back, 400, asked.message)
    clock = clock_of(request)

    def run(connection: Any) -> str:
        claimed = cart.claim(connection, clock, found.shop, found.cart_id, lines=asked.lines)
        asked.work(connection, claimed)
        return claimed.id

    try:
        cart_id = await in_thread(request, run, write=True)
    except ShopError as refused:
        status = STATUS.get(type(refused), 400)
        return await _page_for(request, found, asked.back, status, refused.message)
    if cart_id != found.cart_id:
        found.set_cart = cart_id
    return redirect(request, found, "/cart", "tampered" if found.tampered else asked.done)


@router.post("/{slug}/cart/add")
async def add_to_cart(request: Request, slug: str) -> Response:
    clock = clock_of(request)

    def read(found: Visit, fields: dict[str, str]) -> Change | Refused:
        back = f"/p/{fields.get('product', '')}"
        quantity = forms.quantity(fields.get("quantity"))
        if quantity is None or quantity < 1:
            return Refused("Choose a quantity of at least 1.", back)
        variant = fields.get("variant")
        if not variant:
            return Refused("Choose a size or colour first.", back)
        return Change(
            lambda c, claimed: cart.add(
                c, clock, found.shop, claimed, variant_id=variant, quantity=quantity
            ),
            "added",
            back,
        )

    return await _cart_form(request, slug, read)


@router.post("/{slug}/cart/lines/{line_id}")
async def change_line(request: Request, slug: str, line_id: str) -> Response:
    def read(found: Visit, fields: dict[str, str]) -> Change | Refused:
        removing = fields.get("action") == "remove"
        quantity = 0 if removing else forms.quantity(fields.get("quantity"))
        if quantity is None:
            return Refused("Enter a whole number for the quantity.")
        return Change(
            lambda c, claimed: cart.change(
                c, found.shop, claimed.id, line_id=line_id, quantity=quantity
            ),
            "removed" if quantity == 0 else "updated",
        )

    return await _cart_form(request, slug, read)


@router.post("/{slug}/cart/destination")
async def cart_destination(request: Request, slug: str) -> Response:
    def read(found: Visit, fields: dict[str, str]) -> Change | Refused:
        country = fields.get("country", "").upper()
        if country not in addresses.COUNTRIES:
            return Refused("Choose a country from the list.")
        return Change(
            lambda c, claimed: cart.ship_to(c, claimed.id, country), "updated", lines=False
        )

    return await _cart_form(request, slug, read)


@router.post("/{slug}/cart/accept")
async def accept_prices(request: Request, slug: str) -> Response:
    def read(found: Visit, fields: dict[str, str]) -> Change:
        return Change(lambda c, claimed: cart.accept_prices(c, found.shop, claimed.id), "accepted")

    return await _cart_form(request, slug, read)
