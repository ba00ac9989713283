"""``POST /clearing/files``: where the acquirer hands the issuer a clearing file, on the
issuer's HTTPS server beside its 3-D Secure pages. The body is the file (MCF1, see
docs/clearing.md); the answer is the issuer's report (JSON), or 422 naming the defect.

In this simulator the endpoint takes no credential: the file carries no card data, and a
presentment can only book against an authorisation the issuer approved. A real issuer
would take clearing files from its network only, over a mutually authenticated link.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mercato.issuer import clearing
from mercato.ledger import Ledger
from mercato.network.clearing import ClearingFileError

MAX_BYTES = 512 * 1024 * 1024


def routes(ledger: Ledger) -> list[Route]:
    async def take(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BYTES:
            return _refused(413, "file_too_large", f"a clearing file is at most {MAX_BYTES} bytes")
        try:
            text = body.decode()
        except UnicodeDecodeError:
            return _refused(422, "clearing_file_invalid", "the file is not UTF-8 text")
        try:
            report = await run_in_threadpool(clearing.ingest, ledger, text.splitlines())
        except ClearingFileError as error:
            return _refused(422, error.code, str(error))
        return JSONResponse(report.to_json())

    return [Route("/clearing/files", take, methods=["POST"])]


def _refused(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
