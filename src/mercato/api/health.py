"""Is Mercato up, and which version is it: for load balancers, scripts and people."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from mercato import __version__
from mercato.database import migrate

router = APIRouter(prefix="/v1", tags=["health"])


@router.get("/health", summary="Whether the platform's database answers and is migrated")
def health(request: Request) -> JSONResponse:
    parties: dict[str, Any] = {}
    healthy = True
    for party, engine in request.app.state.engines.items():
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            behind = migrate.pending(engine, party)
        except SQLAlchemyError as error:
            parties[party.value] = {"database": "unreachable", "error": type(error).__name__}
            healthy = False
            continue
        parties[party.value] = {
            "database": "ok",
            "schema": "current" if not behind else "behind",
            "backend": engine.dialect.name,
        }
        healthy = healthy and not behind
    body = {"object": "health", "status": "ok" if healthy else "degraded", "parties": parties}
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get("/version", summary="Mercato's version")
def version() -> dict[str, str]:
    return {"object": "version", "version": __version__, "api": "v1"}
