"""``/v1/test_helpers``: what only a sandbox offers. ``POST /v1/test_helpers/clock/advance``
moves the sandbox's clock forward (the operator's admin key only) and answers where it
stopped and what fell due on the way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from mercato.api.reference import form
from mercato.api.requests import api_key, platform_engine, respond
from mercato.database.engine import reading
from mercato.gateway.errors import InvalidRequest, PermissionError_
from mercato.gateway.merchants import KeyKind, authenticate
from mercato.gateway.params import Params, decode_body, parse
from mercato.timeline import Timeline

router = APIRouter(prefix="/v1/test_helpers", tags=["test helpers"])

MAX_DAYS = 400


class AdvanceParams(Params):
    days: int = Field(0, ge=0, le=MAX_DAYS)
    hours: int = Field(0, ge=0, le=24 * MAX_DAYS)
    minutes: int = Field(0, ge=0, le=60 * 24 * MAX_DAYS)


@router.post(
    "/clock/advance",
    summary="Move the sandbox's clock forward, running what falls due (admin key)",
    openapi_extra=form(AdvanceParams),
)
async def advance(request: Request) -> JSONResponse:
    with reading(platform_engine(request)) as connection:
        caller = authenticate(connection, api_key(request))
    if caller.kind is not KeyKind.ADMIN:
        raise PermissionError_("Only the operator's admin key moves the sandbox's clock.")
    timeline: Timeline | None = request.app.state.timeline
    if timeline is None:
        raise InvalidRequest(
            "This installation runs on the wall clock, which nothing moves "
            "(set MERCATO_CLOCK=sandbox for a sandbox).",
            code="clock_not_sandbox",
        )
    params = parse(
        AdvanceParams, decode_body(await request.body(), request.headers.get("content-type", ""))
    )
    delta = dt.timedelta(days=params.days, hours=params.hours, minutes=params.minutes)
    if delta <= dt.timedelta(0):
        raise InvalidRequest("Say how far to move the clock: days, hours or minutes.", param="days")
    if delta > dt.timedelta(days=MAX_DAYS):
        raise InvalidRequest(f"Advance at most {MAX_DAYS} days at a time.", param="days")
    walked = await run_in_threadpool(timeline.advance, delta)
    body: dict[str, Any] = {
        "object": "test_helpers.clock",
        "frozen_time": int(walked.ended.timestamp()),
        "advanced_from": int(walked.began.timestamp()),
        "steps": walked.steps,
        "jobs_run": walked.jobs,
        "duties": {name: n for name, n in sorted(walked.done.items())},
    }
    return respond(200, body)
