"""``/v1/events``: Stripe's event resource (read only; use cases record events)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mercato.api.reference import query
from mercato.api.requests import read
from mercato.gateway import events

router = APIRouter(prefix="/v1/events", tags=["events"])


@router.get(
    "",
    summary="List events, newest first, by type and creation time",
    openapi_extra=query(events.EventListParams),
)
def list_(request: Request) -> JSONResponse:
    return read(request, events.list_)


@router.get("/{event_id}", summary="Retrieve an event")
def retrieve(request: Request, event_id: str) -> JSONResponse:
    return read(request, lambda c, caller, _p: events.retrieve(c, caller, event_id))
