"""Internet banking: a business signs in and watches its money arrive.

Server-rendered pages (Jinja2, no script, no outside asset). The session is a cookie signed
with itsdangerous (``HttpOnly``, ``SameSite=Lax``, eight hours) carrying the customer's id
and a CSRF token; every form posts that token back (the sign-in form, before there is a
session, a random one also set in a ``SameSite=Strict`` cookie: double submit). Passwords
are checked with argon2 (``customers.check_password``).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import uuid
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from mercato.bank import customers, identity, records
from mercato.bank.bank import CommercialBank
from mercato.bank.errors import NotFound

SESSION_COOKIE = "mercato_bank_session"
CSRF_COOKIE = "mercato_bank_csrf"
SESSION_SECONDS = 8 * 3600

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class Banking:
    """The internet-banking pages of one bank."""

    def __init__(self, bank: CommercialBank, secret: bytes) -> None:
        self.bank = bank
        self.signer = URLSafeTimedSerializer(secret, salt="mercato-bank-session")

    # Sessions ----------------------------------------------------------------------------

    def session(self, request: Request) -> dict[str, str] | None:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        try:
            value = self.signer.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        return value if isinstance(value, dict) else None

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("bank_name", identity.NAME)
        return templates.TemplateResponse(request, name, context, status_code=status)

    # Signing in and out --------------------------------------------------------------------

    async def login_form(self, request: Request) -> Response:
        return self._login_page(request)

    def _login_page(
        self, request: Request, error: str | None = None, status: int = 200
    ) -> Response:
        token = secrets.token_urlsafe(32)
        response = self.page(request, "login.html", status, csrf_token=token, error=error)
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/banking")
        return response

    async def login(self, request: Request) -> Response:
        form = await request.form()
        sent = str(form.get("csrf_token", ""))
        expected = request.cookies.get(CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(sent, expected):
            return self._login_page(request, "Your session expired. Please try again.", 403)
        login, password = str(form.get("login", "")), str(form.get("password", ""))

        def check() -> uuid.UUID | None:
            with self.bank.ledger.reading() as book:
                return customers.check_password(book, login, password)

        customer_id = await run_in_threadpool(check)
        if customer_id is None:
            return self._login_page(request, "That login and password do not match.", 401)
        session = {"customer": str(customer_id), "csrf": secrets.token_urlsafe(32)}
        response = RedirectResponse("/banking/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            self.signer.dumps(session),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="lax",
            path="/banking",
        )
        response.delete_cookie(CSRF_COOKIE, path="/banking")
        return response

    async def logout(self, request: Request) -> Response:
        session = self.session(request)
        form = await request.form()
        if session is not None and hmac.compare_digest(
            str(form.get("csrf_token", "")), session["csrf"]
        ):
            response = RedirectResponse("/banking/login", status_code=303)
            response.delete_cookie(SESSION_COOKIE, path="/banking")
            return response
        return RedirectResponse("/banking/", status_code=303)

    # Pages ----------------------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return RedirectResponse("/banking/login", status_code=303)

        def work() -> dict[str, Any]:
            with self.bank.ledger.reading() as book:
                customer = records.customer(book.connection, uuid.UUID(session["customer"]))
                rows = [
                    (account, book.balance(account.ledger_code).posted)
                    for account in records.accounts(book.connection, customer.id)
                ]
            return {"customer": customer, "accounts": rows}

        return self.page(request, "accounts.html", csrf_token=session["csrf"],
                         **await run_in_threadpool(work))  # fmt: skip

    async def account(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return RedirectResponse("/banking/login", status_code=303)

        def work() -> dict[str, Any] | None:
            with self.bank.ledger.reading() as book:
                customer = records.customer(book.connection, uuid.UUID(session["customer"]))
                try:
                    account = records.account(
                        book.connection, uuid.UUID(request.path_params["account_id"])
                    )
                except (ValueError, NotFound):
                    return None
                if account.customer_id != customer.id:
                    return None
                by_day: dict[dt.date, list[records.Entry]] = {}
                for entry in reversed(records.entries(book.connection, account.id)):
                    by_day.setdefault(entry.day, []).append(entry)
                balance = book.balance(account.ledger_code).posted
            return {"customer": customer, "account": account, "balance": balance, "days": by_day}

        context = await run_in_threadpool(work)
        if context is None:
            return self.page(request, "not_found.html", 404, csrf_token=session["csrf"])
        return self.page(request, "account.html", csrf_token=session["csrf"], **context)


def routes(bank: CommercialBank, secret: bytes) -> list[Route]:
    pages = Banking(bank, secret)
    return [
        Route("/banking/", pages.overview, methods=["GET"]),
        Route("/banking/login", pages.login_form, methods=["GET"]),
        Route("/banking/login", pages.login, methods=["POST"]),
        Route("/banking/logout", pages.logout, methods=["POST"]),
        Route("/banking/accounts/{account_id}", pages.account, methods=["GET"]),
    ]
