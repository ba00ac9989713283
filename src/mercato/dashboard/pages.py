"""What every dashboard page shares: its templates, its headers, who is signed in, and the
reading and checking of its forms.

Pages load their stylesheet from ``/dashboard/static`` and carry no script: they work under
the Content-Security-Policy in ``HEADERS``, which allows nothing inline and nothing from
elsewhere, and forms that post only to the dashboard itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection, Engine
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from mercato.api.requests import clock_of, platform_engine
from mercato.clock import Clock
from mercato.dashboard import csrf, sessions
from mercato.dashboard.sessions import SignedIn
from mercato.database.engine import reading
from mercato.money import Money

HERE = Path(__file__).parent
PREFIX = "/dashboard"
SESSION_COOKIE = "mercato_dashboard_session"
MAX_FORM_BYTES = 16 * 1024

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["money"] = Money.format
templates.env.filters["when"] = lambda moment: moment.strftime("%-d %b %Y, %H:%M")
templates.env.filters["day"] = lambda moment: moment.strftime("%-d %b %Y")
templates.env.filters["day_of_unix"] = lambda seconds: (
    "" if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%-d %b %Y")
)
templates.env.filters["minor"] = lambda amount, currency: Money.of_minor(amount, currency).format()
static = StaticFiles(directory=HERE / "static")

HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}

NAVIGATION = (
    ("overview", "Overview", f"{PREFIX}/"),
    ("payments", "Payments", f"{PREFIX}/payments"),
    ("products", "Products", f"{PREFIX}/products"),
    ("orders", "Orders", f"{PREFIX}/orders"),
    ("payouts", "Payouts", f"{PREFIX}/payouts"),
    ("webhooks", "Webhooks", f"{PREFIX}/webhooks"),
    ("keys", "API keys", f"{PREFIX}/keys"),
    ("mailbox", "Mailbox", f"{PREFIX}/mailbox"),
)
SETTLEMENT = f"{PREFIX}/settlement"
OPERATOR_NAVIGATION = (
    ("payout-files", "Payout files", f"{SETTLEMENT}/payout-files"),
    ("clearing-files", "Clearing files", f"{SETTLEMENT}/clearing-files"),
    ("reconciliation", "Reconciliation", f"{SETTLEMENT}/reconciliation"),
)
"""The operator's pages (ADR 0022): under the heading "Settlement", and only theirs."""


def engine_of(request: Request) -> Engine:
    return platform_engine(request)


def clock(request: Request) -> Clock:
    return clock_of(request)


def csrf_secret(request: Request) -> bytes:
    cached: bytes | None = getattr(request.app.state, "dashboard_csrf_secret", None)
    if cached is None:
        key = request.app.state.payment_services.vault.keyring.fingerprint_key
        cached = csrf.secret_from(key)
        request.app.state.dashboard_csrf_secret = cached
    return cached


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    signed_in: SignedIn | None = None,
    section: str | None = None,
    **values: Any,
) -> Response:
    values.update(
        signed_in=signed_in,
        section=section,
        navigation=OPERATOR_NAVIGATION if signed_in and signed_in.is_operator else NAVIGATION,
        csrf_token=csrf.for_session(csrf_secret(request), signed_in.session_id)
        if signed_in
        else None,
    )
    values.setdefault("notice", None)
    values.setdefault("problem", None)
    return templates.TemplateResponse(
        request, template, values, status_code=status, headers=HEADERS
    )


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers=HEADERS)


def to_sign_in() -> Response:
    return redirect(f"{PREFIX}/sign-in")


async def signed_in(request: Request) -> SignedIn | None:
    """The merchant's user the request's session cookie belongs to, if it names a session
    not yet ended. An operator is no one here: merchant pages never see them."""
    return await _session(request, request.cookies.get(SESSION_COOKIE, ""), sessions.find)


async def operator_signed_in(request: Request) -> SignedIn | None:
    """The operator the request's session cookie belongs to (None: not an operator)."""
    return await _session(request, request.cookies.get(SESSION_COOKIE, ""), sessions.find_operator)


async def anyone_signed_in(request: Request, cookie: str | None = None) -> SignedIn | None:
    """Whoever the cookie (by default the request's) signs in: a merchant's user or an
    operator. For signing in and out only."""
    cookie = request.cookies.get(SESSION_COOKIE, "") if cookie is None else cookie
    found = await _session(request, cookie, sessions.find)
    return found or await _session(request, cookie, sessions.find_operator)


def home_of(who: SignedIn) -> str:
    return f"{SETTLEMENT}/payout-files" if who.is_operator else f"{PREFIX}/"


async def _session(
    request: Request,
    cookie: str,
    find: Callable[[Connection, str, dt.datetime], SignedIn | None],
) -> SignedIn | None:
    if not cookie:
        return None
    engine, now = engine_of(request), clock(request).now()

    def look() -> SignedIn | None:
        with reading(engine) as connection:
            return find(connection, cookie, now)

    return await run_in_threadpool(look)


async def read_form(request: Request) -> dict[str, str] | None:
    """The posted form's fields (the last of each name), or None if it is not a small
    url-encoded form."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/x-www-form-urlencoded":
        return None
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    try:
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    except UnicodeDecodeError:
        return None


async def checked_form(request: Request, who: SignedIn) -> dict[str, str] | None:
    """The form, if it carries this session's CSRF token; else None (refuse it)."""
    form = await read_form(request)
    if form is None:
        return None
    if not csrf.valid_for_session(csrf_secret(request), who.session_id, form.get("csrf_token", "")):
        return None
    return form


def refused(request: Request, who: SignedIn | None) -> Response:
    """The answer to a form without a valid token: nothing was done."""
    return render(
        request,
        "refused.html",
        status=403,
        signed_in=who,
        title="Please try again",
    )


def set_session_cookie(response: Response, value: str, lasts: dt.timedelta) -> None:
    """The session's cookie. Its lifetime is given as Max-Age, counted by the browser's own
    clock: the server's may be the sandbox's, days ahead of the wall. The server ends the
    session by its own clock in any case."""
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=max(0, int(lasts.total_seconds())),
        path=PREFIX,
        secure=True,
        httponly=True,
        samesite="lax",
    )
