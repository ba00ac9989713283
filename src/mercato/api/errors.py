"""Errors as the v1 API shows them: Stripe's error object, never a stack trace.

{"error": {"type": "invalid_request_error", "code": "...", "message": "...", "param": "..."}}
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from mercato.gateway.errors import ApiError
from mercato.logs import get_logger

log = get_logger(__name__)


def error_response(
    status: int,
    message: str,
    *,
    type_: str = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "message": message}
    if code:
        body["code"] = code
    if param:
        body["param"] = param
    return JSONResponse({"error": body}, status_code=status, headers=headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(
            404,
            f"Unrecognized request URL ({request.method}: {request.url.path}).",
            code="resource_missing",
        )
    if exc.status_code == 405:
        return error_response(
            405,
            f"{request.method} is not allowed on {request.url.path}.",
            headers=dict(exc.headers or {}),
        )
    return error_response(exc.status_code, str(exc.detail))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    param = location[0] + "".join(f"[{part}]" for part in location[1:]) if location else None
    return error_response(
        400,
        f"Invalid {param or 'request'}: {first.get('msg', 'malformed request')}.",
        code="parameter_invalid",
        param=param,
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error", path=request.url.path, error=type(exc).__name__)
    return error_response(
        500, "An error occurred on Mercato's side; it has been logged.", type_="api_error"
    )


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status)


def install(app: FastAPI) -> None:
    """Route every error the app can raise to a Stripe-style error object."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
