"""The shop's products and stock, editable (``stockroom``); a merchant without a shop sees
its gateway products read-only, as made through the API.

GET  /dashboard/products                               products, with stock
GET  /dashboard/products/new                           the New product form
POST /dashboard/products/new                           listed, and on to its page
GET  /dashboard/products/{id}                          its details, variants and stock
POST /dashboard/products/{id}                          name, description, shelf
POST /dashboard/products/{id}/variants                 another variant
POST /dashboard/products/{id}/variants/{variant_id}    a variant's price, labels, stock
POST /dashboard/products/{id}/archive                  no longer on sale
POST /dashboard/products/{id}/unarchive                back on sale

A form that does not pass is shown again with what is wrong beside each field (400);
nothing of it was saved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from mercato.clock import Clock
from mercato.dashboard import figures, stockroom
from mercato.dashboard.errors import InvalidForm
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
from mercato.database.engine import reading, writing
from mercato.gateway.errors import ApiError
from mercato.shop import catalog, shopkeeping
from mercato.shop.catalog import Category, Shop
from mercato.shop.errors import NotFound, ShopError

router = APIRouter()

DONE = {
    "created": "Product created. It is on sale in your shop.",
    "saved": "Saved.",
    "variant": "Variant added.",
    "archived": "Archived: the shop no longer shows it.",
    "on-sale": "Back on sale.",
}


@dataclass(frozen=True)
class Stockroom:
    """What every product page needs: the merchant's shop and its shelves."""

    shop: Shop
    shelves: list[Category]


def _stockroom(connection: Connection, merchant_id: str) -> Stockroom | None:
    shop = catalog.shop_of_merchant(connection, merchant_id)
    if shop is None:
        return None
    return Stockroom(shop, catalog.shop_categories(connection, shop))


def _room(connection: Connection, merchant_id: str) -> Stockroom:
    room = _stockroom(connection, merchant_id)
    if room is None:
        raise NotFound("This merchant has no shop.")
    return room


def _missing(request: Request, who: SignedIn) -> Response:
    return render(request, "missing.html", status=404, signed_in=who, title="Not found")


def _values(who: SignedIn, room: Stockroom, **values: Any) -> dict[str, Any]:
    terms = room.shop.terms
    return {
        "signed_in": who,
        "section": "products",
        "shop": room.shop,
        "shelves": room.shelves,
        "tax_categories": stockroom.TAX_CATEGORIES,
        "prices_include_tax": terms.prices_include_tax,
        "tax_word": "sales tax" if terms.country == "US" else "VAT",
        "storefront": f"/shop/{room.shop.slug}",
        "submitted": {},
        "fields": {},
        "failed": None,
        **values,
    }


@router.get("/products")
async def product_list(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    engine = engine_of(request)

    def look() -> tuple[Stockroom | None, Any]:
        with reading(engine) as connection:
            room = _stockroom(connection, who.merchant_id)
            if room is None:
                return None, figures.products_with_prices(connection, who.merchant_id)
            return room, stockroom.shelf(connection, room.shop)

    room, found = await run_in_threadpool(look)
    if room is None:
        return render(
            request,
            "products_api.html",
            signed_in=who,
            section="products",
            title="Products",
            products=found,
        )
    return render(
        request,
        "products.html",
        **_values(who, room, title="Products", products=found),
    )


async def _new_form(
    request: Request, who: SignedIn, *, status: int = 200, **values: Any
) -> Response:
    engine = engine_of(request)

    def look() -> Stockroom | None:
        with reading(engine) as connection:
            return _stockroom(connection, who.merchant_id)

    room = await run_in_threadpool(look)
    if room is None:
        return _missing(request, who)
    return render(
        request,
        "products_new.html",
        status=status,
        **_values(
            who,
            room,
            title="New product",
            colour=stockroom.placeholder_colour(who.merchant_id),
            **values,
        ),
    )


@router.get("/products/new")
async def new_product(request: Request) -> Response:
    who = await signed_in(request)
    return to_sign_in() if who is None else await _new_form(request, who)


Work = Callable[[Connection, Clock, Stockroom, Mapping[str, str]], str]
Again = Callable[[SignedIn, Mapping[str, str], dict[str, Any]], Awaitable[Response]]


async def _save(request: Request, work: Work, again: Again, done: str) -> Response:
    """Check the form's token, do ``work`` in one transaction and go on to the product's
    page (``done``: its notice); or show the form ``again`` with what is wrong."""
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    form = await checked_form(request, who)
    if form is None:
        return refused(request, who)
    engine, at = engine_of(request), clock(request)

    def apply() -> str:
        with writing(engine) as connection:
            return work(connection, at, _room(connection, who.merchant_id), form)

    failure: dict[str, Any]
    try:
        product_id = await run_in_threadpool(apply)
    except NotFound:
        return _missing(request, who)
    except InvalidForm as invalid:
        failure = {"problem": invalid.message, "fields": invalid.fields}
    except (ShopError, ApiError) as error:
        failure = {"problem": error.message}
    else:
        # No cache to tell: the storefront's copy of the catalog (shop.showcase) is keyed by
        # the shop's catalog_version, which the database's triggers move at every change.
        return redirect(f"{PREFIX}/products/{product_id}?done={done}")
    return await again(who, form, failure)


@router.post("/products/new")
async def create_product(request: Request) -> Response:
    return await _save(
        request,
        lambda connection, at, room, form: stockroom.create_product(
            connection, at, room.shop, shelves=room.shelves, form=form
        ),
        lambda who, form, failure: _new_form(request, who, status=400, submitted=form, **failure),
        "created",
    )


async def _product_page(
    request: Request, who: SignedIn, product_id: str, *, status: int = 200, **values: Any
) -> Response:
    engine = engine_of(request)

    def look() -> tuple[Stockroom, stockroom.StockedProduct] | None:
        with reading(engine) as connection:
            room = _stockroom(connection, who.merchant_id)
            if room is None:
                return None
            try:
                return room, stockroom.stocked(connection, room.shop, product_id)
            except NotFound:
                return None

    found = await run_in_threadpool(look)
    if found is None:
        return _missing(request, who)
    room, product = found
    done = DONE.get(request.query_params.get("done", ""))
    values.setdefault("notice", done)
    return render(
        request,
        "products_edit.html",
        status=status,
        **_values(who, room, title=product.name, product=product, **values),
    )


@router.get("/products/{product_id}")
async def product_page(request: Request, product_id: str) -> Response:
    who = await signed_in(request)
    return to_sign_in() if who is None else await _product_page(request, who, product_id)


Edit = Callable[[Connection, Clock, Stockroom, stockroom.StockedProduct, Mapping[str, str]], Any]


async def _edit(request: Request, product_id: str, which: str, edit: Edit, done: str) -> Response:
    """A change to the product: ``edit`` applied to it, or its page again with what is
    wrong beside the form that failed (``which``)."""

    def work(connection: Connection, at: Clock, room: Stockroom, form: Mapping[str, str]) -> str:
        edit(connection, at, room, stockroom.stocked(connection, room.shop, product_id), form)
        return product_id

    return await _save(
        request,
        work,
        lambda who, form, failure: _product_page(
            request, who, product_id, status=400, submitted=form, failed=which, **failure
        ),
        done,
    )


@router.post("/products/{product_id}")
async def edit_product(request: Request, product_id: str) -> Response:
    return await _edit(
        request,
        product_id,
        "details",
        lambda connection, at, room, product, form: stockroom.edit_product(
            connection, at, room.shop, product.id, shelves=room.shelves, form=form
        ),
        "saved",
    )


@router.post("/products/{product_id}/variants")
async def add_variant(request: Request, product_id: str) -> Response:
    return await _edit(
        request,
        product_id,
        "new-variant",
        lambda connection, at, room, product, form: stockroom.add_variant(
            connection, at, room.shop, product.id, form
        ),
        "variant",
    )


@router.post("/products/{product_id}/variants/{variant_id}")
async def edit_variant(request: Request, product_id: str, variant_id: str) -> Response:
    return await _edit(
        request,
        product_id,
        variant_id,
        lambda connection, at, room, product, form: stockroom.edit_variant(
            connection, at, room.shop, product, variant_id=variant_id, form=form
        ),
        "saved",
    )


@router.post("/products/{product_id}/archive")
async def archive(request: Request, product_id: str) -> Response:
    return await _put_on_sale(request, product_id, on_sale=False)


@router.post("/products/{product_id}/unarchive")
async def unarchive(request: Request, product_id: str) -> Response:
    return await _put_on_sale(request, product_id, on_sale=True)


async def _put_on_sale(request: Request, product_id: str, *, on_sale: bool) -> Response:
    return await _edit(
        request,
        product_id,
        "on-sale",
        lambda connection, at, room, product, _form: shopkeeping.put_on_sale(
            connection, at, room.shop, product.id, on_sale=on_sale
        ),
        "on-sale" if on_sale else "archived",
    )
