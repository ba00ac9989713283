"""The dashboard's routes under ``/dashboard``, and its static files (``/dashboard/static``).

app.include_router(dashboard_routes.router)
app.mount("/dashboard/static", dashboard_routes.static, name="dashboard-static")
"""

from __future__ import annotations

from fastapi import APIRouter

from mercato.dashboard import (
    views_account,
    views_auth,
    views_orders,
    views_payments,
    views_products,
    views_records,
    views_settlement,  # the operator's pages (ADR 0022)
)
from mercato.dashboard.pages import PREFIX, static

router = APIRouter(prefix=PREFIX, include_in_schema=False)
for views in (
    views_auth,
    views_payments,
    views_account,
    views_records,
    views_products,
    views_orders,
):
    router.include_router(views.router)
router.include_router(views_settlement.router)

__all__ = ["router", "static"]
