"""The storefront: each merchant's shop under ``/shop/{slug}``, its cart and its checkout.

The catalog's source of truth is the gateway's Products and Prices; the shop keeps what
the gateway does not (categories, variants and their stock, carts, orders) in its own
tables (``tables.py``, migration branch ``shop``). Checkout hands the customer to the
gateway's hosted payment page, and an order is paid only when the shop has seen the
gateway's ``checkout.session.completed`` event (``payments.py``). See
docs/adr/0016-the-shop.md.

Modules free of the web framework and of the database: ``shipping``, ``addresses``,
``totals``, ``images``. Use cases on the database: ``catalog``, ``stock``, ``cart``,
``orders``, ``checkout``, ``payments``, ``duties``, ``demo``. The catalog as each server
process keeps it in memory: ``showcase`` (ADR 0020). The pages: ``web``.
"""
