"""Read-only pages: payouts, and the demo's mailbox.

GET /dashboard/payouts
GET /dashboard/mailbox
GET /dashboard/mailbox/{id}/attachments/{n}    an attachment (a receipt's PDF)
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from mercato.dashboard import figures, settlement_figures
from mercato.dashboard.pages import HEADERS, clock, engine_of, render, signed_in, to_sign_in
from mercato.database.engine import reading
from mercato.mail.mailbox_store import Letter, MailboxStore

router = APIRouter()


@router.get("/payouts")
async def payout_list(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    engine = engine_of(request)

    def look() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        with reading(engine) as connection:
            own = figures.payouts_of(connection, who.merchant_id)
            # Only this merchant's payouts are asked after: seen on the bank's statements?
            return own, settlement_figures.arrivals_of(connection, [p["id"] for p in own])

    found, arrivals = await run_in_threadpool(look)
    return render(
        request,
        "payouts.html",
        signed_in=who,
        section="payouts",
        title="Payouts",
        payouts=found,
        arrivals=arrivals,
    )


def _mailbox(request: Request) -> MailboxStore:
    return MailboxStore(engine_of(request), clock(request))


@router.get("/mailbox")
async def mailbox(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    letters: list[Letter] = await run_in_threadpool(_mailbox(request).letters, who.merchant_id)
    return render(
        request, "mailbox.html", signed_in=who, section="mailbox", title="Mailbox", letters=letters
    )


@router.get("/mailbox/{letter_id}/attachments/{index}")
async def attachment(request: Request, letter_id: str, index: int) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_sign_in()
    try:
        wanted = uuid.UUID(letter_id)
    except ValueError:
        wanted = None
    letter = None
    if wanted is not None:
        letter = await run_in_threadpool(_mailbox(request).letter, who.merchant_id, wanted)
    if letter is None or not 0 <= index < len(letter.attachments):
        return render(request, "missing.html", status=404, signed_in=who, title="Not found")
    found = letter.attachments[index]
    safe_name = "".join(c for c in found.filename if c.isalnum() or c in "-_.") or "attachment"
    return Response(
        found.content,
        media_type=found.content_type,
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{safe_name}"'},
    )
