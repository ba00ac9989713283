"""Signing in and out.

GET  /dashboard/sign-in     the form (with a CSRF token bound to a nonce cookie)
POST /dashboard/sign-in     a session, and on to the overview; or the form with why not
POST /dashboard/sign-out    the session ended, and back to the form
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from mercato.dashboard import csrf, sessions, signin
from mercato.dashboard.errors import SignInRefused, Throttled
from mercato.dashboard.pages import (
    PREFIX,
    SESSION_COOKIE,
    anyone_signed_in,
    clock,
    csrf_secret,
    engine_of,
    home_of,
    read_form,
    redirect,
    refused,
    render,
    set_session_cookie,
    to_sign_in,
)

router = APIRouter()


def _form(
    request: Request, *, status: int = 200, email: str = "", problem: str | None = None
) -> Response:
    nonce = request.cookies.get(csrf.COOKIE) or csrf.new_nonce()
    response = render(
        request,
        "sign_in.html",
        status=status,
        title="Sign in",
        email=email,
        problem=problem,
        sign_in_token=csrf.for_sign_in(csrf_secret(request), nonce),
    )
    if request.cookies.get(csrf.COOKIE) != nonce:
        response.set_cookie(
            csrf.COOKIE, nonce, path=PREFIX, secure=True, httponly=True, samesite="lax"
        )
    return response


@router.get("/sign-in")
async def sign_in_form(request: Request) -> Response:
    if (who := await anyone_signed_in(request)) is not None:
        return redirect(home_of(who))
    return _form(request)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await read_form(request)
    nonce = request.cookies.get(csrf.COOKIE, "")
    if form is None or not csrf.valid_for_sign_in(
        csrf_secret(request), nonce, form.get("csrf_token", "")
    ):
        return _form(request, status=403, problem="This form had expired. Please sign in again.")
    email, password = form.get("email", "").strip(), form.get("password", "")
    engine, at = engine_of(request), clock(request)
    try:
        session_id = await run_in_threadpool(signin.sign_in, engine, at, email, password)
    except Throttled as throttled:
        minutes = max(1, math.ceil(throttled.retry_after.total_seconds() / 60))
        return _form(
            request,
            status=429,
            email=email,
            problem=f"Too many failed sign-ins for this e-mail. Try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}.",
        )
    except SignInRefused:
        return _form(
            request, status=401, email=email, problem="That e-mail and password don't match."
        )
    who = await anyone_signed_in(request, session_id)
    response = redirect(f"{PREFIX}/" if who is None else home_of(who))
    set_session_cookie(response, session_id, sessions.LIFETIME)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    who = await anyone_signed_in(request)
    if who is None:
        return to_sign_in()
    form = await read_form(request)
    if form is None or not csrf.valid_for_session(
        csrf_secret(request), who.session_id, form.get("csrf_token", "")
    ):
        return refused(request, who)
    await run_in_threadpool(signin.sign_out, engine_of(request), who.session_id)
    response = to_sign_in()
    response.delete_cookie(SESSION_COOKIE, path=PREFIX, secure=True, httponly=True, samesite="lax")
    return response
