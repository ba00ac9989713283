"""The merchant's integration: webhook endpoints and API keys.

GET  /dashboard/webhooks                 endpoints
POST /dashboard/webhooks                 a new endpoint (its signing secret shown once)
POST /dashboard/webhooks/{id}/delete     the endpoint deleted
GET  /dashboard/keys                     keys, masked
POST /dashboard/keys                     a new secret key, shown once
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from mercato.dashboard import figures, keys
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
from mercato.gateway import webhooks
from mercato.gateway.errors import ApiError

router = APIRouter()


async def _webhooks_page(
    request: Request, who: SignedIn, *, status: int = 200, **values: Any
) -> Response:
    engine = engine_of(request)

    def look() -> list[dict[str, Any]]:
        with reading(engine) as connection:
            return figures.webhook_endpoints(connection, who.merchant_id)

    values.setdefault("url", "")
    values.setdefault("events", "*")
    return render(
        request,
        "webhooks.html",
        status=status,
        signed_in=who,
        section="webhooks",
        title="Webhooks",
        endpoints=await run_in_threadpool(look),
        **values,
    )


@router.get("/webhooks")
async def webhook_list(request: Request) -> Response:
    who = await signed_in(request)
    return to_sign_in() if who is None else await _webhooks_page(request, who)


@router.post("/webhooks")
async def webhook_create(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    form = await checked_form(request, who)
    if form is None:
        return refused(request, who)
    url = form.get("url", "").strip()
    events = [e.strip() for e in form.get("events", "*").replace(",", " ").split() if e.strip()]
    engine, at = engine_of(request), clock(request)

    def create() -> dict[str, Any]:
        with writing(engine) as connection:
            return webhooks.create(
                connection,
                figures.caller(who.merchant_id),
                {"url": url, "enabled_events": events},
                at,
            )

    try:
        made = await run_in_threadpool(create)
    except ApiError as error:
        return await _webhooks_page(
            request, who, status=400, problem=error.message, url=url, events=" ".join(events)
        )
    return await _webhooks_page(request, who, created=made)


@router.post("/webhooks/{endpoint_id}/delete")
async def webhook_delete(request: Request, endpoint_id: str) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    if await checked_form(request, who) is None:
        return refused(request, who)
    engine, at = engine_of(request), clock(request)

    def delete() -> None:
        with writing(engine) as connection:
            webhooks.delete(connection, figures.caller(who.merchant_id), endpoint_id, at)

    try:
        await run_in_threadpool(delete)
    except ApiError as error:
        return await _webhooks_page(request, who, status=error.status, problem=error.message)
    return redirect(f"{PREFIX}/webhooks")


async def _keys_page(request: Request, who: SignedIn, **values: Any) -> Response:
    engine = engine_of(request)

    def look() -> list[keys.KeyShown]:
        with reading(engine) as connection:
            return keys.listed(connection, who.merchant_id)

    return render(
        request,
        "keys.html",
        signed_in=who,
        section="keys",
        title="API keys",
        keys=await run_in_threadpool(look),
        **values,
    )


@router.get("/keys")
async def key_list(request: Request) -> Response:
    who = await signed_in(request)
    return to_sign_in() if who is None else await _keys_page(request, who)


@router.post("/keys")
async def key_issue(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    if await checked_form(request, who) is None:
        return refused(request, who)
    engine, at = engine_of(request), clock(request)

    def issue() -> str:
        with writing(engine) as connection:
            return keys.issue_secret_key(connection, who.merchant_id, at)

    return await _keys_page(request, who, new_key=await run_in_threadpool(issue))
