"""``POST /clearing/files``: where the acquirer hands the issuer a clearing file, on the
issuer's HTTPS server beside its 3-D Secure pages. The body is the file (MCF1, see
docs/clearing.md); the answer is the issuer's report (JSON), or 422 naming the defect.

Only the acquirer may present: a file comes with ``Authorization: Bearer <token>``, the
clearing link's shared secret (``network.clearing_token``), or is refused with 401 before a
byte of it is read. A real issuer would also take clearing files from its network only,
over a mutually authenticated link.
"""

from __future__ import annotations

import io
import tempfile

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mercato.issuer import clearing
from mercato.ledger import Ledger
from mercato.network.clearing import ClearingFileError
from mercato.network.clearing_token import shown

MAX_BYTES = 512 * 1024 * 1024
SPOOL_BYTES = 8 * 1024 * 1024


def routes(ledger: Ledger, token: str) -> list[Route]:
    """``POST /clearing/files`` for the acquirer that shows ``token``."""

    async def take(request: Request) -> Response:
        if not shown(request.headers.get("authorization"), token):
            return _refused(
                401, "unauthorized", "a clearing file needs the clearing link's bearer token"
            )
        # Spooled to disk past a few megabytes, then read a line at a time: a file of a
        # million presentments never sits in memory.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BYTES:
                    return _refused(
                        413, "file_too_large", f"a clearing file is at most {MAX_BYTES} bytes"
                    )
                spool.write(chunk)
            spool.seek(0)
            lines = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            try:
                report = await run_in_threadpool(clearing.ingest, ledger, lines)
            except UnicodeDecodeError:
                return _refused(422, "clearing_file_invalid", "the file is not UTF-8 text")
            except ClearingFileError as error:
                return _refused(422, error.code, str(error))
            finally:
                lines.detach()
        return JSONResponse(report.to_json())

    return [Route("/clearing/files", take, methods=["POST"])]


def _refused(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
