"""What every shop page does around its work: find the shop and the visitor's cart and
CSRF cookies (a ``Visit``), run database work in a thread, and answer with a page or a
redirect that carries the right cookies and headers.

A page's visit reads the shop's catalog through the process's ``Showcase`` (one query, with
the visitor's cart count); a change to a cart needs only the shop's id, which it takes from
memory (``visit(..., fresh=False)``), and shows any refusal on a page of its own, fresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from mercato.api.requests import platform_engine
from mercato.database.engine import reading, writing
from mercato.money import Money
from mercato.shop.catalog import Shop
from mercato.shop.errors import CartClosed, NotFound, OutOfStock, PricesChanged, QuantityLimit
from mercato.shop.showcase import Catalog, Look, Showcase
from mercato.shop.web import forms
from mercato.shop.web.cookies import CART_COOKIE, CART_LIFETIME, CSRF_COOKIE, Keys, new_nonce

HERE = Path(__file__).parent
# Compiled once: templates ship inside the package, so a changed one needs a restart (no
# stat of every template file on every page).
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, auto_reload=False)
)
static = StaticFiles(directory=HERE / "static")
router = APIRouter(prefix="/shop", include_in_schema=False)
"""Every shop page's route (``browse``, ``cart``, ``checkout``): one router, so the app
matches a request against one list of the shop's routes."""


@lru_cache(maxsize=4096)
def _money(amount: Money) -> str:
    """``Money.format``, remembered: a shop shows the same few prices on every page, and
    formatting one with babel costs more than the rest of its page."""
    return amount.format()


templates.env.filters["money"] = _money

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
T = TypeVar("T")


@dataclass
class Visit:
    """One request to a shop: the shop, the browser's cart (if any) and its cookies; for a
    page, the catalog and how many items the cart holds."""

    shop: Shop
    keys: Keys
    cart_id: str | None
    tampered: bool
    nonce: str
    set_nonce: bool
    catalog: Catalog | None = None
    cart_count: int = 0
    set_cart: str | None = None
    drop_cart: bool = False
    notice: tuple[str, str] | None = field(default=None)

    @property
    def base(self) -> str:
        return f"/shop/{self.shop.slug}"


@lru_cache(maxsize=8)
def _keys_from(fingerprint_key: bytes) -> Keys:
    return Keys(fingerprint_key)


def _keys(request: Request) -> Keys:
    return _keys_from(request.app.state.payment_services.vault.keyring.fingerprint_key)


def showcase_of(request: Request) -> Showcase:
    """The app's showcase (one per app, so per database), made on first use."""
    state = request.app.state
    found: Showcase | None = getattr(state, "shop_showcase", None)
    if found is None:
        found = state.shop_showcase = Showcase()
    return found


async def in_thread(request: Request, work: Callable[[Any], T], *, write: bool = False) -> T:
    """``work(connection)`` in a transaction (one that will write, if ``write``), in a
    thread: the event loop never waits on the database."""
    engine = platform_engine(request)

    def run() -> T:
        with (writing if write else reading)(engine) as connection:
            return work(connection)

    return await run_in_threadpool(run)


async def visit(request: Request, slug: str, *, fresh: bool = True) -> Visit | Response:
    """The visit, or the page saying there is no such shop. ``fresh``: with the catalog
    and cart count as the database has them now (one query); else only the shop."""
    keys = _keys(request)
    cart_id, tampered = None, False
    cookie = request.cookies.get(CART_COOKIE)
    if cookie:
        cart_id = keys.cart_id(cookie)
        tampered = cart_id is None
    shown: Catalog | None = None
    count = 0
    shop = None if fresh else showcase_of(request).known(slug)
    if shop is None:
        try:
            look = await _look(request, slug, cart_id)
        except NotFound:
            return plain(request, 404, "We can't find this shop", "Check the address you followed.")
        shop, shown, count = look.catalog.shop, look.catalog, look.cart_count
    nonce = request.cookies.get(CSRF_COOKIE) or ""
    found = Visit(shop, keys, cart_id, tampered, nonce or new_nonce(), set_nonce=not nonce)
    found.catalog, found.cart_count = shown, count
    if tampered:
        found.drop_cart = True
        found.notice = NOTICES["tampered"]
    notice = request.query_params.get("notice")
    if notice in NOTICES and found.notice is None:
        found.notice = NOTICES[notice]
    return found


async def _look(request: Request, slug: str, cart_id: str | None) -> Look:
    return await run_in_threadpool(
        showcase_of(request).look, platform_engine(request), slug, cart_id
    )


async def freshen(request: Request, found: Visit) -> Visit:
    """A visit made for a change (``fresh=False``), now with the catalog and cart count as
    the database has them, for the page that shows the outcome."""
    if found.catalog is None:
        look = await _look(request, found.shop.slug, found.cart_id)
        found.shop, found.catalog = look.catalog.shop, look.catalog
        found.cart_count = look.cart_count
    return found


def cookies(request: Request, response: Response, visit: Visit) -> Response:
    secure = request.url.scheme == "https"
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
            path=visit.base,
        )
    elif visit.drop_cart:
        response.delete_cookie(CART_COOKIE, path=visit.base, secure=secure, httponly=True)
    return response


def plain(request: Request, status: int, title: str, text: str) -> Response:
    """A page outside any shop (there is no such shop)."""
    return templates.TemplateResponse(
        request,
        "message.html",
        {"title": title, "text": [text], "shop": None, "base": "/shop", "cart_count": 0},
        status_code=status,
        headers=HEADERS,
    )


def render(
    request: Request, visit: Visit, template: str, status: int = 200, **values: Any
) -> Response:
    values.setdefault("cart_count", 0)
    values.setdefault("problem", None)
    values.setdefault("refresh", None)
    values.update(
        shop=visit.shop,
        base=visit.base,
        notice=visit.notice,
        csrf_token=visit.keys.csrf_token(visit.shop.slug, visit.nonce),
    )
    response = templates.TemplateResponse(
        request, template, values, status_code=status, headers=HEADERS
    )
    return cookies(request, response, visit)


def missing(request: Request, visit: Visit, title: str) -> Response:
    """The 404 page of something in the shop (a product, a category, an order)."""
    return render(request, visit, "message.html", 404, title=title, text=[])


def redirect(request: Request, visit: Visit, path: str, notice: str | None = None) -> Response:
    """303 to ``path`` in the shop (POST, then GET), with a notice for the next page."""
    url = visit.base + path + (f"?notice={notice}" if notice else "")
    return redirect_to(request, visit, url)


def redirect_to(request: Request, visit: Visit, url: str) -> Response:
    return cookies(request, RedirectResponse(url, status_code=303, headers=HEADERS), visit)


async def form(request: Request, visit: Visit) -> dict[str, str] | Response:
    """The posted form, or the page that refuses it (unreadable, or no valid CSRF token)."""
    fields = forms.read(await request.body(), request.headers.get("content-type", ""))
    if (
        fields is None
        or visit.set_nonce
        or not visit.keys.csrf_valid(visit.shop.slug, visit.nonce, fields.get("csrf_token", ""))
    ):
        visit.notice = ("bad", "This form had expired, so nothing was changed. Please try again.")
        return render(request, visit, "message.html", 403, title="Please try again", text=[])
    return fields
