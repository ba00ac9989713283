"""The bank's access control server (ACS) for 3-D Secure, as an ASGI app (Starlette).

    POST /3ds/authentications        JSON from the processor: pan, amount, currency,
                                     merchant_name, return_url -> id, status, challenge_url
    GET  /3ds/challenge/{id}         the challenge page the cardholder's browser is sent to
    POST /3ds/challenge/{id}         "Complete" or "Fail" (a form with a CSRF token); then a
                                     303 redirect to return_url
    GET  /3ds/authentications/{id}   the result: status, eci, authentication_value,
                                     transaction_id

The page works without JavaScript and loads nothing from elsewhere. The forms carry a token
bound to the challenge and to a nonce in a SameSite=Strict cookie (double submit), so a page
on another site cannot answer a challenge for the cardholder. Routes only translate; the
use cases are in ``threeds``. Database work runs in a thread, off the event loop.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from mercato.clock import Clock
from mercato.database.engine import reading, writing
from mercato.issuer import threeds
from mercato.issuer.domain.secrets import BankKeys, csrf_token
from mercato.money import Currency, Money, MoneyError
from mercato.vault.vault import Vault

CSRF_COOKIE = "mercato_acs_csrf"
MAX_FORM_BYTES = 4096
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@dataclass(frozen=True)
class AcsContext:
    """What the ACS works with: the bank's database, vault, keys and clock."""

    engine: Engine
    vault: Vault
    keys: BankKeys
    clock: Clock


class _BadRequest(Exception):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


def _error(status: int, code: str, message: str, param: str | None = None) -> JSONResponse:
    body = {
        "error": {
            "type": "invalid_request_error",
            "code": code,
            "message": message,
            "param": param,
        }
    }
    return JSONResponse(body, status_code=status)


def _text(body: dict[str, Any], name: str, longest: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise _BadRequest(name, f"{name} must be a non-empty string of at most {longest} chars")
    return value


def _parse_begin(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise _BadRequest("body", "the body must be a JSON object")
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise _BadRequest("amount", "amount must be a positive integer of minor units")
    try:
        currency = Currency.of(_text(body, "currency", 3))
        money = Money.of_minor(amount, currency)
    except MoneyError:
        raise _BadRequest("currency", "currency must be an ISO 4217 code") from None
    return_url = _text(body, "return_url", 2000)
    parts = urlsplit(return_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _BadRequest("return_url", "return_url must be an absolute http(s) URL")
    pan = _text(body, "pan", 19)
    return {
        "pan": pan,
        "amount": money,
        "merchant_name": _text(body, "merchant_name", 100),
        "return_url": return_url,
    }


def _view(authentication: threeds.Authentication, challenge_url: str | None) -> dict[str, Any]:
    return {
        "object": "three_d_secure_authentication",
        "id": str(authentication.id),
        "status": authentication.status.value,
        "challenge_url": challenge_url,
        "eci": authentication.eci,
        "authentication_value": authentication.authentication_value,
        "transaction_id": str(authentication.id),
        "amount": authentication.amount.minor,
        "currency": authentication.amount.currency.code.lower(),
    }


def _challenge_id(request: Request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.path_params["authentication_id"])
    except ValueError:
        return None


class _Routes:
    """The ACS's endpoints for one bank: each parses, runs a use case in a thread, answers."""

    def __init__(self, context: AcsContext) -> None:
        self.context = context

    def challenge_url(self, request: Request, authentication_id: uuid.UUID) -> str:
        return str(request.url_for("challenge", authentication_id=str(authentication_id)))

    async def find(self, authentication_id: uuid.UUID | None) -> threeds.Authentication | None:
        def work() -> threeds.Authentication | None:
            if authentication_id is None:
                return None
            with reading(self.context.engine) as connection:
                return threeds.find(connection, authentication_id)

        return await run_in_threadpool(work)

    async def begin(self, request: Request) -> Response:
        try:
            parsed = _parse_begin(await request.json())
        except ValueError:
            return _error(400, "parameter_invalid", "the body must be JSON", "body")
        except _BadRequest as error:
            return _error(400, "parameter_invalid", error.message, error.param)
        context = self.context

        def work() -> threeds.Authentication:
            with writing(context.engine) as connection:
                return threeds.begin(
                    connection, context.vault, context.keys, now=context.clock.now(), **parsed
                )

        authentication = await run_in_threadpool(work)
        url = None
        if authentication.status is threeds.Status.CHALLENGE:
            url = self.challenge_url(request, authentication.id)
        return JSONResponse(_view(authentication, url), status_code=201)

    async def result(self, request: Request) -> Response:
        authentication = await self.find(_challenge_id(request))
        if authentication is None:
            return _error(404, "resource_missing", "no such authentication", "id")
        url = None
        if authentication.status is threeds.Status.CHALLENGE:
            url = self.challenge_url(request, authentication.id)
        return JSONResponse(_view(authentication, url))

    def page(
        self,
        request: Request,
        status_code: int,
        title: str,
        authentication: threeds.Authentication | None = None,
        **extra: Any,
    ) -> Response:
        values = {
            "title": title,
            "authentication": authentication,
            "amount": None if authentication is None else authentication.amount.format(),
            "passed": authentication is not None
            and authentication.status is threeds.Status.AUTHENTICATED,
            "open": False,
            **extra,
        }
        return templates.TemplateResponse(
            request, "challenge.html", values, status_code=status_code, headers=_HEADERS
        )

    def not_found(self, request: Request) -> Response:
        return self.page(
            request, 404, "Authentication not found", message="This link is not valid."
        )

    async def show_challenge(self, request: Request) -> Response:
        authentication = await self.find(_challenge_id(request))
        if authentication is None or authentication.card_id is None:
            return self.not_found(request)
        if authentication.status is not threeds.Status.CHALLENGE:
            return self.page(request, 200, "Authentication finished", authentication)
        nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        response = self.page(
            request,
            200,
            "Confirm your purchase",
            authentication,
            open=True,
            action=self.challenge_url(request, authentication.id),
            csrf_token=csrf_token(self.context.keys, str(authentication.id), nonce),
        )
        response.set_cookie(
            CSRF_COOKIE,
            nonce,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/3ds/challenge",
        )
        return response

    async def answer_challenge(self, request: Request) -> Response:
        authentication_id = _challenge_id(request)
        if authentication_id is None:
            return self.not_found(request)
        body = await request.body()
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if len(body) > MAX_FORM_BYTES or content_type != "application/x-www-form-urlencoded":
            return self.page(request, 400, "Something went wrong", message="Unreadable form.")
        form = parse_qs(body.decode("latin-1"), max_num_fields=10)
        token = (form.get("csrf_token") or [""])[0]
        outcome = (form.get("outcome") or [""])[0]
        nonce = request.cookies.get(CSRF_COOKIE, "")
        expected = csrf_token(self.context.keys, str(authentication_id), nonce)
        if not nonce or not hmac.compare_digest(token.encode(), expected.encode()):
            return self.page(
                request,
                403,
                "Please try again",
                message="This form has expired. Open the challenge again from the merchant.",
            )
        if outcome not in ("complete", "fail"):
            return self.page(request, 400, "Something went wrong", message="Choose an outcome.")
        context = self.context

        def work() -> threeds.Authentication | None:
            with writing(context.engine) as connection:
                return threeds.finish_challenge(
                    connection,
                    context.keys,
                    authentication_id,
                    passed=outcome == "complete",
                    now=context.clock.now(),
                )

        authentication = await run_in_threadpool(work)
        if authentication is None or authentication.card_id is None:
            return self.not_found(request)
        return RedirectResponse(authentication.return_url, status_code=303, headers=_HEADERS)


def create_acs_app(context: AcsContext) -> Starlette:
    """The ACS for one bank."""
    routes = _Routes(context)
    return Starlette(
        routes=[
            Route("/3ds/authentications", routes.begin, methods=["POST"]),
            Route("/3ds/authentications/{authentication_id}", routes.result, methods=["GET"]),
            Route(
                "/3ds/challenge/{authentication_id}",
                routes.show_challenge,
                methods=["GET"],
                name="challenge",
            ),
            Route("/3ds/challenge/{authentication_id}", routes.answer_challenge, methods=["POST"]),
        ]
    )
