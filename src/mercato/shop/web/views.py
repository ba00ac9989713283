"""The shop's pages, under ``/shop/{slug}``, as one router for the app:

    browse.py    the catalog, search, product pages and their pictures
    cart.py      the cart and its forms (add, change a line, destination, new prices)
    checkout.py  checkout, on to the gateway, and the order's page
    visits.py    what they share: the visit (shop, cart and CSRF cookies), pages, redirects

Each route runs its database work in a thread and renders a page or redirects (POST, then
303, then GET). Pages load only ``/shop/static``: no inline script or style, so they work
under a Content-Security-Policy that allows nothing else.
"""

from __future__ import annotations

# Imported for their routes, which each adds to the one ``router``.
from mercato.shop.web import browse, cart, checkout
from mercato.shop.web.visits import router, static

__all__ = ["browse", "cart", "checkout", "router", "static"]
