"""3-D Secure, as the processor asks for it: the issuer's access control server (ACS) over
HTTP(S), its JSON API (``issuer/acs.py``).

``begin`` asks the ACS to authenticate the cardholder for one amount at one merchant: "Y"
(authenticated at once, frictionless) comes with the result the authorisation presents;
"C" with the challenge page the customer's browser must visit; "N" means not authenticated.
``result`` reads an authentication again once the challenge is answered.

The card number goes to the ACS in the request body, over the link the operator
configured, and nowhere else: errors name the ACS and the status, never the body.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any

import httpx2

from mercato.money import Money
from mercato.network.messages import ThreeDSResult

TIMEOUT = 10.0
UNREADABLE = "the access control server answered something unreadable"


class AcsUnavailable(Exception):
    """The access control server could not be asked, or gave an answer that is not one."""


@dataclass(frozen=True)
class Authentication:
    """One 3-D Secure authentication: ``status`` "Y", "C" or "N"."""

    id: str
    status: str
    challenge_url: str | None
    result: ThreeDSResult | None

    @property
    def authenticated(self) -> bool:
        return self.status == "Y" and self.result is not None


def _authentication(body: Any) -> Authentication:
    try:
        status = body["status"]
        result = None
        if status == "Y":
            result = ThreeDSResult(
                body["eci"], body["authentication_value"], body["transaction_id"]
            )
        return Authentication(str(body["id"]), str(status), body.get("challenge_url"), result)
    except (KeyError, TypeError, ValueError):
        raise AcsUnavailable(UNREADABLE) from None


class AccessControlServer:
    """The ACS of one issuer, at ``base_url`` (``https://localhost:8444``).

    ``client`` replaces the HTTP client (a test gives Starlette's TestClient of the ACS app);
    ``verify`` is the CA bundle to trust for HTTPS, or True for the usual roots.
    """

    def __init__(
        self,
        base_url: str,
        *,
        client: httpx2.Client | None = None,
        verify: str | bool | ssl.SSLContext = True,
        timeout: float = TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = client or httpx2.Client(verify=verify, timeout=timeout, trust_env=False)
        self._owned = client is None

    def close(self) -> None:
        if self._owned:
            self._client.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self._client.request(method, f"{self.base_url}{path}", json=body)
        except httpx2.HTTPError as error:
            raise AcsUnavailable(
                f"the access control server at {self.base_url} cannot be reached "
                f"({type(error).__name__})"
            ) from None
        if response.status_code not in (200, 201):
            raise AcsUnavailable(
                f"the access control server at {self.base_url} answered {response.status_code}"
            )
        try:
            return response.json()
        except ValueError:
            raise AcsUnavailable(UNREADABLE) from None

    def begin(
        self, *, pan: str, amount: Money, merchant_name: str, return_url: str
    ) -> Authentication:
        """Start authenticating the holder of ``pan`` for ``amount``."""
        body = {
            "pan": pan,
            "amount": amount.minor,
            "currency": amount.currency.code.lower(),
            "merchant_name": merchant_name,
            "return_url": return_url,
        }
        return _authentication(self._call("POST", "/3ds/authentications", body))

    def result(self, authentication_id: str) -> Authentication:
        """The authentication as it stands (after its challenge, usually)."""
        return _authentication(self._call("GET", f"/3ds/authentications/{authentication_id}"))
