"""The operator's settlement pages (ADR 0022). Only an operator's session opens them; a
merchant's user who guesses the address finds nothing there (404), since a payout file
carries other merchants' bank accounts.

GET  /dashboard/settlement                            to the payout files
GET  /dashboard/settlement/payout-files               NACHA and pain.001 files, newest first
GET  /dashboard/settlement/payout-files/{id}/download the file's bytes, exactly as kept
GET  /dashboard/settlement/clearing-files             per issuer and day, with its report
GET  /dashboard/settlement/reconciliation             what the last run found
POST /dashboard/settlement/reconciliation             run it again, then back to the page
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from mercato.dashboard import reconciling, settlement_figures
from mercato.dashboard.pages import (
    HEADERS,
    SETTLEMENT,
    checked_form,
    clock,
    engine_of,
    operator_signed_in,
    redirect,
    refused,
    render,
    signed_in,
    to_sign_in,
)
from mercato.dashboard.sessions import SignedIn
from mercato.database.engine import reading
from mercato.logs import get_logger
from mercato.settlement import bank_link

log = get_logger(__name__)
router = APIRouter(prefix="/settlement")


async def _operator(request: Request) -> SignedIn | Response:
    """The operator signed in, or the answer for anyone else: sign in, or nothing here."""
    who = await operator_signed_in(request)
    if who is not None:
        return who
    merchant = await signed_in(request)
    if merchant is None:
        return to_sign_in()
    return render(request, "missing.html", status=404, signed_in=merchant, title="Not found")


@router.get("")
async def settlement(request: Request) -> Response:
    who = await _operator(request)
    return who if isinstance(who, Response) else redirect(f"{SETTLEMENT}/payout-files")


@router.get("/payout-files")
async def payout_files(request: Request) -> Response:
    who = await _operator(request)
    if isinstance(who, Response):
        return who
    engine = engine_of(request)

    def look() -> list[settlement_figures.PayoutFile]:
        with reading(engine) as connection:
            return settlement_figures.payout_files(connection)

    return render(
        request,
        "settlement_payout_files.html",
        signed_in=who,
        section="payout-files",
        title="Payout files",
        files=await run_in_threadpool(look),
    )


@router.get("/payout-files/{file_id}/download")
async def download(request: Request, file_id: str) -> Response:
    who = await _operator(request)
    if isinstance(who, Response):
        return who
    engine = engine_of(request)

    def look() -> tuple[str, str, bytes] | None:
        with reading(engine) as connection:
            return settlement_figures.payout_file(connection, file_id)

    found = await run_in_threadpool(look)
    if found is None:
        return render(request, "missing.html", status=404, signed_in=who, title="Not found")
    name, content_type, content = found
    # Who took which file, never what is in it: the file holds merchants' account numbers.
    log.info("dashboard.payout_file_downloaded", file=file_id, by=who.user_id, size=len(content))
    safe_name = "".join(c for c in name if c.isalnum() or c in "-_.") or "payouts"
    return Response(
        content,
        media_type=content_type,
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{safe_name}"'},
    )


@router.get("/clearing-files")
async def clearing_files(request: Request) -> Response:
    who = await _operator(request)
    if isinstance(who, Response):
        return who
    found = await run_in_threadpool(settlement_figures.clearing_files, engine_of(request))
    return render(
        request,
        "settlement_clearing_files.html",
        signed_in=who,
        section="clearing-files",
        title="Clearing files",
        files=found,
    )


@router.get("/reconciliation")
async def reconciliation_page(request: Request) -> Response:
    who = await _operator(request)
    if isinstance(who, Response):
        return who
    engine = engine_of(request)

    def look() -> Any:
        with reading(engine) as connection:
            return settlement_figures.last_reconciliation(connection)

    last = await run_in_threadpool(look)
    return render(
        request,
        "settlement_reconciliation.html",
        signed_in=who,
        section="reconciliation",
        title="Reconciliation",
        last=last,
        notice="Reconciled just now." if request.query_params.get("ran") else None,
    )


@router.post("/reconciliation")
async def reconcile(request: Request) -> Response:
    who = await _operator(request)
    if isinstance(who, Response):
        return who
    if await checked_form(request, who) is None:
        return refused(request, who)
    bank = bank_link.link_from(request.app.state.settings)
    await run_in_threadpool(reconciling.run, engine_of(request), bank, clock(request), who.email)
    return redirect(f"{SETTLEMENT}/reconciliation?ran=1")
