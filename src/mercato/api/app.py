"""The ASGI application: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from mercato import __version__
from mercato.api import (
    balance,
    charges,
    checkout_sessions,
    customers,
    errors,
    events,
    external_accounts,
    health,
    payment_intents,
    payment_links,
    payment_methods,
    payouts,
    prices,
    products,
    reference,
    refunds,
    test_helpers,
    webhook_endpoints,
)
from mercato.checkout import views as checkout_pages
from mercato.clock import Clock, SandboxClock, clock_for
from mercato.dashboard import routes as dashboard_routes
from mercato.database.engine import engine_for
from mercato.gateway import idempotency
from mercato.gateway.cvc import CvcHolder
from mercato.gateway.payment_methods import Services
from mercato.processor import build_processor
from mercato.settings import Party, Settings
from mercato.shop.web import views as shop_pages
from mercato.timeline import Timeline
from mercato.vault import KeyRing, Vault
from mercato.web.security import SecurityHeaders


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """The v1 API for the parties named in ``settings``, on ``clock`` (default: the wall)."""
    settings = settings or Settings()
    # The API reaches only the platform's own database: the banks are other parties, reached
    # over their wire formats, and an API process holds none of their credentials.
    engines = {Party.PLATFORM: engine_for(settings, Party.PLATFORM)}

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        yield
        running.state.processor.close()
        for engine in engines.values():
            engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Mercato API",
        version=__version__,
        openapi_url="/v1/openapi.json",
        # FastAPI's interactive pages load scripts from a CDN, which an offline demo cannot
        # reach; Mercato renders its own reference page at /docs (api/reference.py).
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engines = engines
    app.state.clock = clock or clock_for(settings)
    # The sandbox's clock, moved by POST /v1/test_helpers/clock/advance. Here it only moves:
    # the workers see the new time and run what fell due. `mercato demo` gives it a timeline
    # that runs every party's due work at each step, in order.
    app.state.timeline = (
        Timeline(app.state.clock) if isinstance(app.state.clock, SandboxClock) else None
    )
    vault = Vault(KeyRing.from_settings(settings, Party.PLATFORM), app.state.clock)
    app.state.idempotency_secret = idempotency.secret_from(vault.keyring.fingerprint_key)
    app.state.payment_services = Services(
        vault=vault,
        clock=app.state.clock,
        cvcs=CvcHolder(),
    )
    app.state.processor = build_processor(
        settings,
        app.state.clock,
        engine=engines[Party.PLATFORM],
        vault=app.state.payment_services.vault,
    )
    errors.install(app)
    # The storefront first: its pages are the most requested, and each route matched
    # before them costs every page view a little (ADR 0020).
    app.mount("/shop/static", shop_pages.static, name="shop-static")  # before /shop/{slug}
    app.include_router(shop_pages.router)  # the storefront: /shop/{slug}/...
    app.include_router(health.router)
    app.include_router(reference.router)
    app.include_router(customers.router)
    app.include_router(payment_methods.router)
    app.include_router(events.router)
    app.include_router(webhook_endpoints.router)
    app.include_router(payment_intents.router)
    app.include_router(charges.router)
    app.include_router(refunds.router)
    app.include_router(test_helpers.router)
    app.include_router(products.router)
    app.include_router(prices.router)
    app.include_router(checkout_sessions.router)
    app.include_router(payment_links.router)
    app.include_router(checkout_pages.router)  # the hosted pages: /pay/{id}, /b/{id}
    app.mount("/checkout/static", checkout_pages.static, name="checkout-static")
    app.include_router(balance.router)
    app.include_router(payouts.router)
    app.include_router(payouts.files_router)
    app.include_router(external_accounts.router)
    app.include_router(dashboard_routes.router)  # the merchant dashboard: /dashboard/
    app.mount("/dashboard/static", dashboard_routes.static, name="dashboard-static")
    app.add_middleware(SecurityHeaders)  # HSTS on HTTPS, nosniff, a default CSP
    return app
