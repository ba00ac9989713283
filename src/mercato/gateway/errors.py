"""The v1 API's errors, as Stripe draws them. The HTTP edge renders each as
``{"error": {"type", "code", "decline_code", "message", "param"}}`` with its status::

    ApiError (500, api_error)                     something failed on Mercato's side
    ├── InvalidRequest (400, invalid_request_error) a parameter is missing, unknown or wrong
    │   ├── ResourceMissing (404)                 no such object, or not this merchant's
    │   └── IdempotencyError (400, idempotency_error) a key reused with other parameters
    ├── Conflict (409)                            the same idempotency key is still in flight
    ├── AuthenticationError (401)                 no key, or a key that is not valid
    ├── PermissionError_ (403)                    a valid key that may not do this
    ├── CardError (402, card_error)               the card was declined or is not valid
    └── RateLimited (429)

They are plain exceptions, free of the web framework, so use cases can raise them.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 500
    type = "api_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        """The error object, with only the fields that apply."""
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        for name in ("code", "decline_code", "param"):
            if getattr(self, name):
                error[name] = getattr(self, name)
        error.update(self.extra)
        return {"error": error}


class InvalidRequest(ApiError):
    status = 400
    type = "invalid_request_error"


class ResourceMissing(InvalidRequest):
    status = 404

    def __init__(self, kind: str, object_id: str, *, param: str = "id") -> None:
        super().__init__(f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


class IdempotencyError(InvalidRequest):
    type = "idempotency_error"


class Conflict(ApiError):
    status = 409
    type = "invalid_request_error"


class AuthenticationError(ApiError):
    status = 401
    type = "invalid_request_error"


class PermissionError_(ApiError):
    status = 403
    type = "invalid_request_error"


class CardError(ApiError):
    status = 402
    type = "card_error"


class RateLimited(ApiError):
    status = 429
    type = "invalid_request_error"
