"""A plain-HTTP listener that sends every request to the same path over HTTPS (308, so a
POST stays a POST), for ``mercato demo``:

    servers.append(redirect_server(host, 8080, https_port=8443, log_level="info"))

It serves nothing else: no page, no API, no cookie ever crosses plain HTTP.
"""

from __future__ import annotations

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send


def redirect_app(https_port: int) -> ASGIApp:
    """The ASGI app: ``http://host:any/path?q`` -> ``https://host:https_port/path?q``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        host = "localhost"
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1").rsplit(":", 1)[0].strip("[]") or host
                break
        if not host.replace("-", "").replace(".", "").isalnum():
            host = "localhost"  # never echo an odd Host header into a Location
        target = f"https://{host}:{https_port}{scope.get('path', '/')}"
        query = scope.get("query_string", b"")
        if query:
            target += "?" + query.decode("latin-1")
        await send(
            {
                "type": "http.response.start",
                "status": 308,
                "headers": [(b"location", target.encode("latin-1")), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    return app


def redirect_server(host: str, port: int, *, https_port: int, log_level: str) -> uvicorn.Server:
    """A uvicorn server for ``_serve_together`` in ``cli.demo``."""
    return uvicorn.Server(
        uvicorn.Config(
            redirect_app(https_port),
            host=host,
            port=port,
            log_config=None,
            log_level=log_level.lower(),
        )
    )
