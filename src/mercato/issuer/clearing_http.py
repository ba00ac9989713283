"""``POST /clearing/files``: where the acquirer hands the issuer a clearing file, on the
issuer's HTTPS server beside its 3-D Secure pages. The body is the file (MCF1, see
docs/clearing.md); the answer is the issuer's report (JSON), or 422 naming the defect.

In this simulator the endpoint takes no credential: the file carries no card data, and a
presentment can only book against an authorisation the issuer approved. A real issuer
would take clearing files from its network only, over a mutually authenticated link.
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

MAX_BYTES = 512 * 1024 * 1024
SPOOL_BYTES = 8 * 1024 * 1024


def routes(ledger: Ledger) -> list[Route]:
    async def take(request: Request) -> Response:
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
