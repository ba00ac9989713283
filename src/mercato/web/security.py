"""Security headers on every response of the platform's app:

- ``Strict-Transport-Security`` when the request came over HTTPS (a browser that saw it
  never tries plain HTTP on this host again for a year);
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy``;
- a ``Content-Security-Policy`` with nothing inline and nothing from elsewhere, unless the
  response set its own: the hosted checkout (``checkout.views``) and the dashboard
  (``dashboard.pages``) each state theirs; paths in ``RELAXED`` get a looser one until
  their pages stop using inline styles.

    app.add_middleware(SecurityHeaders)
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = "max-age=31536000"
DEFAULT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; frame-ancestors 'none'"
)
RELAXED = {
    # The API reference page styles itself inline (api/templates/reference.html).
    "/docs": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        path: str = scope.get("path", "")
        policy = next(
            (relaxed for prefix, relaxed in RELAXED.items() if path.startswith(prefix)),
            DEFAULT_CSP,
        )

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Content-Security-Policy", policy)
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, with_headers)
