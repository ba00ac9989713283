"""Browsing a shop:

    GET  /shop/{slug}                       the catalog, or one shelf (``?category=``)
    GET  /shop/{slug}/search?q=             products whose name or description match
    GET  /shop/{slug}/p/{product}           a product, its variants and their stock
    GET  /shop/{slug}/images/{product}.svg  its placeholder picture

The catalog and product pages come from the process's copy of the catalog, checked with
one query (``shop.showcase``); search asks the database.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from mercato.shop import cart, catalog
from mercato.shop.errors import NotFound
from mercato.shop.images import placeholder_svg
from mercato.shop.web.visits import Visit, in_thread, missing, render, router, visit


async def _catalog(
    request: Request, slug: str, *, category: str | None = None, query: str | None = None
) -> Response:
    found = await visit(request, slug)
    if isinstance(found, Response):
        return found
    assert found.catalog is not None
    shelves = found.catalog.categories
    current = next((shelf for shelf in shelves if shelf.slug == category), None)
    if category is not None and current is None:
        return missing(request, found, "No such category")
    if query is None:
        products = found.catalog.shelf(category)
    else:
        shop = found.shop
        products = await in_thread(request, lambda c: catalog.search(c, shop, query))
    return render(
        request,
        found,
        "catalog.html",
        categories=shelves,
        category=current,
        products=products,
        query=query,
        cart_count=found.cart_count,
    )


@router.get("/{slug}")
async def home(request: Request, slug: str, category: str | None = None) -> Response:
    return await _catalog(request, slug, category=category)


@router.get("/{slug}/search")
async def search(request: Request, slug: str, q: str = "") -> Response:
    return await _catalog(request, slug, query=q[:100])


def product_page(
    request: Request,
    found: Visit,
    product_slug: str,
    status: int = 200,
    problem: str | None = None,
) -> Response:
    """A product's page, for a fresh visit (``visit(request, slug)``)."""
    assert found.catalog is not None
    try:
        item = found.catalog.product(product_slug)
    except NotFound as absent:
        return missing(request, found, absent.message)
    return render(
        request,
        found,
        "product.html",
        status,
        product=item,
        chosen=request.query_params.get("variant"),
        cart_count=found.cart_count,
        problem=problem,
        max_quantity=cart.MAX_QUANTITY,
    )


@router.get("/{slug}/p/{product_slug}")
async def product(request: Request, slug: str, product_slug: str) -> Response:
    found = await visit(request, slug)
    if isinstance(found, Response):
        return found
    return product_page(request, found, product_slug)


@router.get("/{slug}/images/{product_slug}.svg")
async def image(request: Request, slug: str, product_slug: str) -> Response:
    def load(connection: Any) -> tuple[str, str]:
        return catalog.colour_of(connection, catalog.find_shop(connection, slug), product_slug)

    try:
        name, colour = await in_thread(request, load)
    except NotFound:
        return Response(status_code=404)
    return Response(
        placeholder_svg(name, colour),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
