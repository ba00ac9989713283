"""The hosted pages' routes. Each reads the request, runs one use case in a thread
(``gateway.checkout_payments``, ``gateway.payment_links``), and renders a page or
redirects:

    GET  /pay/{session_id}          the payment page (or: paid, expired, being processed)
    POST /pay/{session_id}          Pay: 303 to success_url, to the bank's 3-D Secure
                                    challenge, or the page again with the decline explained
    GET  /pay/{session_id}/return   where 3-D Secure sends the customer back
    GET  /b/{payment_link_id}       a payment link: a new session, then 303 to its page

Pages load their styles and script from ``/checkout/static`` only, so they work under a
Content-Security-Policy that allows no inline script or style and nothing from elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from mercato.api.payment_intents import payments_of
from mercato.api.requests import Steps, clock_of, platform_engine
from mercato.checkout import csrf, form
from mercato.database.engine import writing
from mercato.gateway import checkout_payments, payment_links
from mercato.gateway.checkout_payments import Challenged, Declined, Paid, Refused, View
from mercato.gateway.errors import ResourceMissing
from mercato.logs import get_logger
from mercato.money import Money

log = get_logger(__name__)

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["money"] = Money.format
static = StaticFiles(directory=HERE / "static")

HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # No form-action: after Pay the gateway redirects to the bank's challenge or to the
    # merchant's success_url, and browsers apply form-action to those redirects too.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}
ACTIONS = {"book": "Book", "donate": "Donate"}
FIELDS = ("email", "number", "expiry", "cvc", "name")

router = APIRouter(include_in_schema=False)


# Pages --------------------------------------------------------------------------------------------


def _csrf_secret(request: Request) -> bytes:
    return csrf.secret_from(request.app.state.payment_services.vault.keyring.fingerprint_key)


def _render(request: Request, template: str, status: int, **values: Any) -> Response:
    values.setdefault("merchant_name", None)
    values.setdefault("cancel_url", None)
    values.setdefault("refresh", None)
    return templates.TemplateResponse(
        request, template, values, status_code=status, headers=HEADERS
    )


def _notice(
    request: Request,
    status: int,
    *,
    title: str,
    text: list[str],
    tone: str,
    view: View | None = None,
    link: tuple[str, str] | None = None,
    refresh: int | None = None,
) -> Response:
    return _render(
        request,
        "notice.html",
        status,
        title=title,
        text=text,
        tone=tone,
        view=view,
        merchant_name=view.merchant_name if view else None,
        link=None if link is None else {"url": link[0], "label": link[1]},
        refresh=refresh,
    )


def _missing(request: Request) -> Response:
    return _notice(
        request,
        404,
        title="We can't find this payment page",
        text=["Check the link you followed, or go back to the shop and start again."],
        tone="bad",
    )


def _form(
    request: Request,
    view: View,
    *,
    status: int = 200,
    filled: form.Filled | None = None,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
) -> Response:
    """The payment form, with a CSRF token bound to the session and the browser's nonce."""
    errors = errors or {}
    nonce = request.cookies.get(csrf.COOKIE) or csrf.new_nonce()
    response = _render(
        request,
        "pay.html",
        status,
        title="Checkout",
        view=view,
        merchant_name=view.merchant_name,
        cancel_url=view.cancel_url,
        csrf_token=csrf.token(_csrf_secret(request), view.session_id, nonce),
        filled=filled or form.Filled(email=view.email or ""),
        errors=errors,
        first_error=next((name for name in FIELDS if name in errors), None),
        problem=problem or view.problem,
        action=ACTIONS.get(view.submit_type or "", "Pay"),
    )
    if request.cookies.get(csrf.COOKIE) != nonce:
        response.set_cookie(
            csrf.COOKIE,
            nonce,
            httponly=True,
            # Lax, not Strict: a customer arrives from another site (the shop, a Buy now
            # button), and the cookie must be kept from that first visit. The token does the
            # rest: another site's POST comes without the cookie, and cannot read the token.
            samesite="lax",
            secure=request.url.scheme == "https",
            path=csrf.COOKIE_PATH,
        )
    return response


def _page(request: Request, view: View, **form_values: Any) -> Response:
    """What the customer sees of the session as it now is."""
    merchant = view.merchant_name
    back = None if view.cancel_url is None else (view.cancel_url, f"Back to {merchant}")
    if view.state == "open":
        return _form(request, view, **form_values)
    if view.state == "processing":
        return _notice(
            request,
            200,
            title="Your payment is being processed",
            text=[
                "This takes a few seconds, and this page updates by itself.",
                "Please do not pay again.",
            ],
            tone="wait",
            view=view,
            refresh=2,
        )
    if view.state == "complete":
        text = [f"Thank you. Your payment to {merchant} has gone through."]
        if view.custom_message:
            text.append(view.custom_message)
        onward = (view.success_url, f"Continue to {merchant}")
        return _notice(
            request,
            200,
            title="Payment complete",
            text=text,
            tone="good",
            view=view,
            link=None if view.success_url == view.url else onward,
        )
    if view.state == "expired":
        return _notice(
            request,
            410,
            title="This checkout has expired",
            text=["No payment was taken.", f"Go back to {merchant} to start again."],
            tone="bad",
            view=view,
            link=back,
        )
    return _notice(
        request,
        410,
        title="This checkout can no longer be paid",
        text=[f"No payment was taken. Go back to {merchant} to start again."],
        tone="bad",
        view=view,
        link=back,
    )


# Routes -------------------------------------------------------------------------------------------


async def _look(request: Request, session_id: str, *, with_problem: bool = False) -> View | None:
    try:
        return await run_in_threadpool(
            checkout_payments.look,
            platform_engine(request),
            session_id,
            clock_of(request),
            with_problem=with_problem,
        )
    except ResourceMissing:
        return None


@router.get("/pay/{session_id}")
async def show(request: Request, session_id: str) -> Response:
    view = await _look(request, session_id)
    return _missing(request) if view is None else _page(request, view)


@router.get("/pay/{session_id}/return")
async def come_back(request: Request, session_id: str) -> Response:
    """Back from the bank's 3-D Secure check (through the gateway's return, which has
    authorised the payment): on to the merchant if it went through, else the form with
    what happened."""
    view = await _look(request, session_id, with_problem=True)
    if view is None:
        return _missing(request)
    if view.state == "complete":
        return RedirectResponse(view.success_url, status_code=303, headers=HEADERS)
    return _page(request, view)


def _unreadable(request: Request, session_id: str, body: bytes) -> Response | form.Filled:
    """The form as sent, or the page that refuses it: unreadable, or without a valid
    CSRF token (a page on another site, or one opened long ago)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    again = (f"/pay/{session_id}", "Back to the payment page")
    if len(body) > form.MAX_BYTES or content_type != "application/x-www-form-urlencoded":
        return _notice(
            request,
            400,
            title="We could not read the form",
            text=["Nothing was charged."],
            tone="bad",
            link=again,
        )
    filled = form.read(body)
    nonce = request.cookies.get(csrf.COOKIE, "")
    if not csrf.valid(_csrf_secret(request), session_id, nonce, filled.csrf_token):
        return _notice(
            request,
            403,
            title="Please try again",
            text=["This payment form has expired, so nothing was charged.", "Open it again."],
            tone="bad",
            link=again,
        )
    return filled


async def _answer(
    request: Request, session_id: str, filled: form.Filled, attempt: checkout_payments.Attempt
) -> Response:
    """Where a press of Pay leads: on (paid, or to the bank's check), or the form again."""
    if isinstance(attempt, Paid | Challenged):
        return RedirectResponse(attempt.url, status_code=303, headers=HEADERS)
    if not isinstance(attempt, Declined | Refused):  # nothing to pay now: the page says why
        return RedirectResponse(f"/pay/{session_id}", status_code=303, headers=HEADERS)
    view = await _look(request, session_id)
    if view is None:
        return _missing(request)
    if isinstance(attempt, Declined):
        return _page(request, view, status=402, filled=filled, problem=attempt.message)
    errors = {attempt.field: attempt.message}
    return _page(request, view, status=400, filled=filled, errors=errors)


@router.post("/pay/{session_id}")
async def pay(request: Request, session_id: str) -> Response:
    filled = _unreadable(request, session_id, await request.body())
    if isinstance(filled, Response):
        return filled
    card = form.card(filled)
    if isinstance(card, dict):
        view = await _look(request, session_id)
        if view is None:
            return _missing(request)
        return _page(request, view, status=400, filled=filled, errors=card)
    try:
        attempt = await run_in_threadpool(
            checkout_payments.pay,
            Steps(platform_engine(request), None),
            session_id,
            card,
            payments_of(request),
            return_base=str(request.base_url),
        )
    except ResourceMissing:
        return _missing(request)
    except Exception as error:
        log.error("checkout.payment_failed", session=session_id, error=type(error).__name__)
        return _notice(
            request,
            500,
            title="Something went wrong on our side",
            text=[
                "Your payment may not have gone through.",
                "Open the payment page again to see where it stands before you pay again.",
            ],
            tone="bad",
            link=(f"/pay/{session_id}", "Back to the payment page"),
        )
    return await _answer(request, session_id, filled, attempt)


@router.get("/b/{link_id}")
async def visit_link(request: Request, link_id: str) -> Response:
    """A visitor followed a payment link (or its Buy now button): a new Checkout Session
    for what the link sells, and on to its page."""
    engine, clock, base = platform_engine(request), clock_of(request), str(request.base_url)

    def open_session() -> Any:
        with writing(engine) as connection:
            return payment_links.open_session(connection, link_id, clock, hosted_base=base)

    try:
        session = await run_in_threadpool(open_session)
    except ResourceMissing:
        return _missing(request)
    except payment_links.LinkUnavailable as unavailable:
        return _notice(
            request,
            410,
            title="This link is not available",
            text=[unavailable.message, "Nothing was charged."],
            tone="bad",
        )
    return RedirectResponse(session.url, status_code=303, headers=HEADERS)
