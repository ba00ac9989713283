"""The shop's routes, under ``/shop/{slug}``:

    GET  /shop/{slug}                     the catalog (``?category=``), ``/search?q=``
    GET  /shop/{slug}/p/{product}         a product, its variants and stock; POST cart/add
    GET  /shop/{slug}/images/{product}.svg  its placeholder picture
    GET  /shop/{slug}/cart                the cart with its estimate; POST lines/{id},
                                          destination, accept (new prices)
    GET  /shop/{slug}/checkout            details, shipping, tax; POST: on to the gateway
    GET  /shop/{slug}/orders/{id}?key=    the confirmation: paid, or being confirmed

Each route runs its use case in a thread and renders a page or redirects (POST, then 303,
then GET). Pages load only ``/shop/static``: no inline script or style, so they work under
a Content-Security-Policy that allows nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from mercato.api.requests import clock_of, platform_engine
from mercato.database.engine import reading, writing
from mercato.money import Money
from mercato.shop import addresses, cart, catalog, checkout, orders
from mercato.shop.catalog import Shop
from mercato.shop.errors import (
    CartClosed,
    InvalidCheckout,
    NotFound,
    OutOfStock,
    PricesChanged,
    QuantityLimit,
    ShopError,
)
from mercato.shop.images import placeholder_svg
from mercato.shop.web import forms
from mercato.shop.web.cookies import CART_COOKIE, CART_LIFETIME, CSRF_COOKIE, Keys, new_nonce
from mercato.tax import US_STATES

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["money"] = Money.format
static = StaticFiles(directory=HERE / "static")

HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}
NOTICES = {
    "added": ("good", "Added to your cart."),
    "updated": ("good", "Your cart was updated."),
    "removed": ("good", "Removed from your cart."),
    "accepted": ("good", "Your cart now uses the new prices."),
    "tampered": (
        "bad",
        "We couldn't read your cart, so we started a new, empty one. Sorry about that.",
    ),
    "expired": (
        "bad",
        "Your checkout expired before it was paid, so the items it held were released. "
        "Nothing was charged: you can check out again.",
    ),
    "closed": ("good", "That cart has been paid for. Here is the shop again."),
    "prices": ("bad", "Some prices changed since you added the items: please check them."),
}
STATUS = {
    NotFound: 404,
    OutOfStock: 409,
    CartClosed: 409,
    PricesChanged: 409,
    QuantityLimit: 400,
}

router = APIRouter(prefix="/shop", include_in_schema=False)
T = TypeVar("T")


@dataclass
class Visit:
    """One request to a shop: the shop, the browser's cart (if any) and its cookies."""

    shop: Shop
    keys: Keys
    cart_id: str | None
    tampered: bool
    nonce: str
    set_nonce: bool
    set_cart: str | None = None
    drop_cart: bool = False
    notice: tuple[str, str] | None = field(default=None)


def _keys(request: Request) -> Keys:
    return Keys(request.app.state.payment_services.vault.keyring.fingerprint_key)


async def _db(request: Request, work: Callable[[Any], T], *, write: bool = False) -> T:
    engine = platform_engine(request)

    def run() -> T:
        with (writing if write else reading)(engine) as connection:
            return work(connection)

    return await run_in_threadpool(run)


async def _visit(request: Request, slug: str) -> Visit | Response:
    try:
        shop = await _db(request, lambda c: catalog.find_shop(c, slug))
    except NotFound:
        return _plain(request, 404, "We can't find this shop", "Check the address you followed.")
    keys = _keys(request)
    cart_id, tampered = None, False
    cookie = request.cookies.get(CART_COOKIE)
    if cookie:
        cart_id = keys.cart_id(cookie)
        tampered = cart_id is None
    nonce = request.cookies.get(CSRF_COOKIE) or ""
    visit = Visit(shop, keys, cart_id, tampered, nonce or new_nonce(), set_nonce=not nonce)
    if tampered:
        visit.drop_cart = True
        visit.notice = NOTICES["tampered"]
    notice = request.query_params.get("notice")
    if notice in NOTICES and visit.notice is None:
        visit.notice = NOTICES[notice]
    return visit


def _cookies(request: Request, response: Response, visit: Visit) -> Response:
    secure = request.url.scheme == "https"
    path = f"/shop/{visit.shop.slug}"
    if visit.set_nonce:
        response.set_cookie(
            CSRF_COOKIE, visit.nonce, httponly=True, samesite="lax", secure=secure, path="/shop"
        )
    if visit.set_cart is not None:
        response.set_cookie(
            CART_COOKIE,
            visit.keys.cart_cookie(visit.set_cart),
            max_age=CART_LIFETIME,
            httponly=True,
            samesite="lax",
            secure=secure,
            path=path,
        )
    elif visit.drop_cart:
        response.delete_cookie(CART_COOKIE, path=path, secure=secure, httponly=True)
    return response


def _plain(request: Request, status: int, title: str, text: str) -> Response:
    return templates.TemplateResponse(
        request,
        "message.html",
        {"title": title, "text": [text], "shop": None, "base": "/shop", "cart_count": 0},
        status_code=status,
        headers=HEADERS,
    )


def _render(
    request: Request, visit: Visit, template: str, status: int = 200, **values: Any
) -> Response:
    values.setdefault("cart_count", 0)
    values.setdefault("problem", None)
    values.setdefault("refresh", None)
    values.update(
        shop=visit.shop,
        base=f"/shop/{visit.shop.slug}",
        notice=visit.notice,
        csrf_token=visit.keys.csrf_token(visit.shop.slug, visit.nonce),
    )
    response = templates.TemplateResponse(
        request, template, values, status_code=status, headers=HEADERS
    )
    return _cookies(request, response, visit)


def _redirect(request: Request, visit: Visit, path: str, notice: str | None = None) -> Response:
    url = f"/shop/{visit.shop.slug}{path}" + (f"?notice={notice}" if notice else "")
    return _cookies(request, RedirectResponse(url, status_code=303, headers=HEADERS), visit)


def _cart_of(visit: Visit) -> Callable[[Any], cart.Cart]:
    def load(connection: Any) -> cart.Cart:
        return (
            cart.EMPTY
            if visit.cart_id is None
            else cart.load(connection, visit.shop, visit.cart_id)
        )

    return load


async def _form(request: Request, visit: Visit) -> dict[str, str] | Response:
    """The posted form, or the page that refuses it (unreadable, or no valid CSRF token)."""
    fields = forms.read(await request.body(), request.headers.get("content-type", ""))
    if (
        fields is None
        or visit.set_nonce
        or not visit.keys.csrf_valid(visit.shop.slug, visit.nonce, fields.get("csrf_token", ""))
    ):
        visit.notice = ("bad", "This form had expired, so nothing was changed. Please try again.")
        return _render(request, visit, "message.html", 403, title="Please try again", text=[])
    return fields


# Browsing ---------------------------------------------------------------------------------------


async def _catalog(
    request: Request, slug: str, *, category: str | None = None, query: str | None = None
) -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit

    def load(connection: Any) -> tuple[Any, ...]:
        shelves = catalog.shop_categories(connection, visit.shop)
        if query is not None:
            found = catalog.search(connection, visit.shop, query)
        else:
            found = catalog.browse(connection, visit.shop, category)
        return shelves, found, _cart_of(visit)(connection).count

    shelves, found, count = await _db(request, load)
    current = next((shelf for shelf in shelves if shelf.slug == category), None)
    if category is not None and current is None:
        return _render(request, visit, "message.html", 404, title="No such category", text=[])
    return _render(
        request,
        visit,
        "catalog.html",
        categories=shelves,
        category=current,
        products=found,
        query=query,
        cart_count=count,
    )


@router.get("/{slug}")
async def home(request: Request, slug: str, category: str | None = None) -> Response:
    return await _catalog(request, slug, category=category)


@router.get("/{slug}/search")
async def search(request: Request, slug: str, q: str = "") -> Response:
    return await _catalog(request, slug, query=q[:100])


async def _product_page(
    request: Request, visit: Visit, product_slug: str, status: int = 200, problem: str | None = None
) -> Response:
    def load(connection: Any) -> tuple[catalog.Product, int]:
        item = catalog.product(connection, visit.shop, product_slug)
        return item, _cart_of(visit)(connection).count

    try:
        item, count = await _db(request, load)
    except NotFound as missing:
        return _render(request, visit, "message.html", 404, title=missing.message, text=[])
    chosen = request.query_params.get("variant")
    return _render(
        request,
        visit,
        "product.html",
        status,
        product=item,
        chosen=chosen,
        cart_count=count,
        problem=problem,
        max_quantity=cart.MAX_QUANTITY,
    )


@router.get("/{slug}/p/{product_slug}")
async def product(request: Request, slug: str, product_slug: str) -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit
    return await _product_page(request, visit, product_slug)


@router.get("/{slug}/images/{product_slug}.svg")
async def image(request: Request, slug: str, product_slug: str) -> Response:
    def load(connection: Any) -> tuple[str, str]:
        return catalog.colour_of(connection, catalog.find_shop(connection, slug), product_slug)

    try:
        name, colour = await _db(request, load)
    except NotFound:
        return Response(status_code=404)
    return Response(
        placeholder_svg(name, colour),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


# The cart ---------------------------------------------------------------------------------------


async def _cart_page(
    request: Request, visit: Visit, status: int = 200, problem: str | None = None
) -> Response:
    def load(connection: Any) -> tuple[cart.Cart, Any]:
        current = _cart_of(visit)(connection)
        latest = None
        if current.id:
            latest = orders.latest_for_cart(connection, current.id)
        return current, latest

    current, latest = await _db(request, load)
    if latest is not None and latest.status == orders.EXPIRED and visit.notice is None:
        visit.notice = NOTICES["expired"]
    country = current.country or visit.shop.terms.country
    estimate = checkout.estimate(visit.shop, current, country, today=clock_of(request).now().date())
    return _render(
        request,
        visit,
        "cart.html",
        status,
        cart=current,
        cart_count=current.count,
        estimate=estimate,
        country=country,
        countries=_countries(visit.shop),
        problem=problem,
        max_quantity=cart.MAX_QUANTITY,
    )


def _countries(shop: Shop) -> list[tuple[str, str]]:
    codes = addresses.COUNTRIES if shop.ships_everywhere else shop.countries
    return sorted(
        ((code, addresses.COUNTRIES.get(code, code)) for code in codes), key=lambda c: c[1]
    )


@router.get("/{slug}/cart")
async def show_cart(request: Request, slug: str) -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit
    return await _cart_page(request, visit)


async def _change(
    request: Request, visit: Visit, work: Callable[[Any, str], None], done: str, *, back: str
) -> Response:
    """Run a change of the cart (making one if the browser has none, or a closed one)."""
    clock = clock_of(request)

    def run(connection: Any) -> str:
        cart_id = visit.cart_id
        if cart_id is None or not cart.is_open(connection, visit.shop, cart_id):
            cart_id = cart.start(connection, clock, visit.shop)
        work(connection, cart_id)
        return cart_id

    try:
        cart_id = await _db(request, run, write=True)
    except ShopError as refused:
        status = STATUS.get(type(refused), 400)
        if back.startswith("/p/"):
            return await _product_page(request, visit, back[3:], status, refused.message)
        return await _cart_page(request, visit, status, refused.message)
    if cart_id != visit.cart_id:
        visit.set_cart = cart_id
    return _redirect(request, visit, "/cart", "tampered" if visit.tampered else done)


@router.post("/{slug}/cart/add")
async def add_to_cart(request: Request, slug: str) -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit
    fields = await _form(request, visit)
    if isinstance(fields, Response):
        return fields
    back = f"/p/{fields.get('product', '')}"
    quantity = forms.quantity(fields.get("quantity"))
    if quantity is None or quantity < 1:
        return await _product_page(
            request, visit, back[3:], 400, "Choose a quantity of at least 1."
        )
    if not fields.get("variant"):
        return await _product_page(request, visit, back[3:], 400, "Choose a size or colour first.")
    clock = clock_of(request)
    return await _change(
        request,
        visit,
        lambda c, cart_id: cart.add(
            c, clock, visit.shop, cart_id, variant_id=fields["variant"], quantity=quantity
        ),
        "added",
        back=back,
    )


@router.post("/{slug}/cart/lines/{line_id}")
async def change_line(request: Request, slug: str, line_id: str) -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit
    fields = await _form(request, visit)
    if isinstance(fields, Response):
        return fields
    removing = fields.get("action") == "remove"
    quantity = 0 if removing else forms.quantity(fields.get("quantity"))
    if quantity is None:
        return await _cart_page(request, visit, 400, "Enter a whole number for the quantity.")
    clock = clock_of(request)
    return await _change(
        request,
        visit,
        lambda c, cart_id: cart.change(
            c, clock, visit.shop, cart_id, line_id=line_id, quantity=quantity
        ),
        "removed" if quantity == 0 else "updated",
        back="/cart",
    )


@router.post("/{slug}/cart/destination")
async def cart_destination(request: Request, slug: str) -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit
    fields = await _form(request, visit)
    if isinstance(fields, Response):
        return fields
    country = fields.get("country", "").upper()
    if country not in addresses.COUNTRIES:
        return await _cart_page(request, visit, 400, "Choose a country from the list.")
    clock = clock_of(request)
    return await _change(
        request,
        visit,
        lambda c, cart_id: cart.ship_to(c, clock, visit.shop, cart_id, country),
        "updated",
        back="/cart",
    )


@router.post("/{slug}/cart/accept")
async def accept_prices(request: Request, slug: str) -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit
    fields = await _form(request, visit)
    if isinstance(fields, Response):
        return fields
    clock = clock_of(request)
    return await _change(
        request,
        visit,
        lambda c, cart_id: cart.accept_prices(c, clock, visit.shop, cart_id),
        "accepted",
        back="/cart",
    )


# Checkout ---------------------------------------------------------------------------------------


async def _checkout_page(
    request: Request,
    visit: Visit,
    current: cart.Cart,
    *,
    fields: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    priced: Any = None,
    status: int = 200,
    problem: str | None = None,
) -> Response:
    fields = fields or {}
    country = fields.get("shipping_country") or current.country or visit.shop.terms.country
    today = clock_of(request).now().date()
    if priced is None:
        priced = checkout.estimate(
            visit.shop,
            current,
            country,
            state=fields.get("shipping_state") or None,
            rate_id=fields.get("shipping_rate") or None,
            today=today,
        )
    return _render(
        request,
        visit,
        "checkout.html",
        status,
        cart=current,
        cart_count=current.count,
        estimate=priced,
        fields=fields | {"shipping_country": country},
        errors=errors or {},
        problem=problem,
        countries=_countries(visit.shop),
        states=sorted(US_STATES.items(), key=lambda s: s[1]),
        rates=[
            rate for rate in visit.shop.rates if rate.countries is None or country in rate.countries
        ],
    )


@router.get("/{slug}/checkout")
async def show_checkout(request: Request, slug: str) -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit
    current = await _db(request, _cart_of(visit))
    if current.is_empty:
        return _redirect(request, visit, "/cart")
    if current.price_changes:
        return _redirect(request, visit, "/cart", "prices")
    return await _checkout_page(request, visit, current, fields={"billing_same": "1"})


@router.post("/{slug}/checkout")
async def pay(request: Request, slug: str) -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit
    fields = await _form(request, visit)
    if isinstance(fields, Response):
        return fields
    current = await _db(request, _cart_of(visit))
    if current.is_empty or visit.cart_id is None:
        return _redirect(request, visit, "/cart")
    clock = clock_of(request)
    try:
        details = checkout.read_details(fields)
        priced = checkout.price_cart(visit.shop, current, details, clock.now().date())
    except ShopError as refused:
        invalid = isinstance(refused, InvalidCheckout)
        return await _checkout_page(
            request,
            visit,
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
        return await _checkout_page(
            request, visit, current, fields=fields, priced=priced, problem=problem
        )
    return await _place(request, visit, current, fields, details)


async def _place(
    request: Request,
    visit: Visit,
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
            visit.shop,
            current.id,
            details,
            shop_base=f"{base}/shop/{visit.shop.slug}",
            gateway_base=base,
        )

    try:
        url = await _db(request, place, write=True)
    except PricesChanged:
        return _redirect(request, visit, "/cart", "prices")
    except CartClosed:
        visit.drop_cart = True
        return _redirect(request, visit, "", "closed")
    except ShopError as refused:
        status = STATUS.get(type(refused), 400)
        return await _checkout_page(
            request, visit, current, fields=fields, status=status, problem=refused.message
        )
    return _cookies(request, RedirectResponse(url, status_code=303, headers=HEADERS), visit)


@router.get("/{slug}/orders/{order_id}")
async def order_page(request: Request, slug: str, order_id: str, key: str = "") -> Response:
    visit = await _visit(request, slug)
    if isinstance(visit, Response):
        return visit

    def load(connection: Any) -> tuple[orders.Order, str]:
        found = orders.find(connection, visit.shop.id, order_id, key)
        return found, orders.row(connection, order_id).cart_id

    try:
        found, cart_id = await _db(request, load)
    except NotFound as missing:
        return _render(request, visit, "message.html", 404, title=missing.message, text=[])
    if cart_id == visit.cart_id and found.status in (orders.PENDING, orders.PAID):
        visit.drop_cart = True  # back from paying: this browser's cart starts afresh
    waiting = found.status == orders.PENDING
    return _render(
        request,
        visit,
        "order.html",
        order=found,
        refresh=3 if waiting else None,
        now=clock_of(request).now(),
        soon=dt.timedelta(minutes=1),
    )
