"""The commercial bank's host-to-host service, as the platform reaches it.

``BankLink`` is what settlement needs from the bank: send a payout file, list the files the
bank has for the platform (returns, status reports, statements) and fetch one. ``HttpBankLink``
speaks the bank's contract over HTTP with the platform's bearer token:

- ``POST /h2h/files`` (the bytes; header ``X-File-Name``): 202 received, 200 the same file
  again, 409 a name reused for other bytes, 422 a file the bank cannot read;
- ``GET /h2h/files?after=<id>``: ``{"data": [{"id", "name", "kind", "created_at"}]}``;
- ``GET /h2h/files/<id>``: the bytes.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mercato.money import Money
from mercato.settlement.errors import BankLinkError, BankRefusedFile

TOKEN_FILE = "bank-h2h-token"  # noqa: S105 -- a file name, not a token
TIMEOUT = 30.0


@dataclass(frozen=True)
class SchemeAccount:
    """A card-scheme party's settlement account at the bank (the platform's or an issuer's)."""

    owner: str  # "platform" or "issuer"
    name: str
    currency: str  # "usd"
    account_number: str


@dataclass(frozen=True)
class BankFile:
    id: str
    name: str
    kind: str


class BankLink(Protocol):
    def send_file(self, name: str, content: bytes) -> BankFile: ...

    def files_after(self, after: str | None) -> list[BankFile]: ...

    def fetch(self, file_id: str) -> bytes: ...

    def scheme_accounts(self) -> list[SchemeAccount]: ...

    def settle(
        self, settlement_id: str, payer: str, payee: str, amount: Money, reference: str
    ) -> None: ...


class HttpBankLink:
    """The bank's host-to-host service at ``base_url``. The token is read when first
    needed: given, or from the file the bank writes into the data directory."""

    def __init__(self, base_url: str, *, token: str | None, token_file: Path | None) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._token_file = token_file

    def _headers(self) -> dict[str, str]:
        token = self._token
        if token is None and self._token_file is not None:
            try:
                token = self._token_file.read_text().strip()
            except FileNotFoundError:
                raise BankLinkError(
                    f"no host-to-host token: set MERCATO_BANK_H2H_TOKEN or start the bank "
                    f"(it writes {self._token_file})"
                ) from None
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310 -- the configured bank's URL
            self.base_url + path,
            data=body,
            method=method,
            headers={**self._headers(), **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError as error:
            raise BankLinkError(f"the bank at {self.base_url} did not answer: {error}") from None

    def send_file(self, name: str, content: bytes) -> BankFile:
        status, body = self._call(
            "POST",
            "/h2h/files",
            content,
            {"X-File-Name": name, "Content-Type": "application/octet-stream"},
        )
        if status in (200, 201, 202):
            answer: dict[str, Any] = json.loads(body)
            return BankFile(answer["id"], answer.get("name", name), answer.get("kind", ""))
        code = None
        with contextlib.suppress(ValueError, AttributeError):
            code = json.loads(body).get("error", {}).get("code")
        raise BankRefusedFile(
            f"the bank refused {name} ({status}): {body[:200]!r}", status=status, bank_code=code
        )

    def files_after(self, after: str | None) -> list[BankFile]:
        query = "?" + urllib.parse.urlencode({"after": after}) if after else ""
        status, body = self._call("GET", "/h2h/files" + query)
        if status != 200:
            raise BankLinkError(f"the bank answered {status} to the list of its files")
        return [BankFile(f["id"], f["name"], f["kind"]) for f in json.loads(body)["data"]]

    def fetch(self, file_id: str) -> bytes:
        status, body = self._call("GET", f"/h2h/files/{urllib.parse.quote(file_id)}")
        if status != 200:
            raise BankLinkError(f"the bank answered {status} for its file {file_id}")
        return body

    def own_iban(self, currency: str) -> str | None:
        """``GET /h2h/accounts``: the IBAN of the platform's own open account in
        ``currency`` at the bank (None: it has none)."""
        status, body = self._call("GET", "/h2h/accounts")
        if status != 200:
            raise BankLinkError(f"the bank answered {status} to the list of our accounts")
        for account in json.loads(body)["data"]:
            if account["currency"].upper() == currency.upper() and account["status"] == "open":
                iban: str | None = account.get("iban")
                return iban
        return None

    def scheme_accounts(self) -> list[SchemeAccount]:
        """``GET /h2h/scheme/accounts``: the settlement accounts of the scheme's parties."""
        status, body = self._call("GET", "/h2h/scheme/accounts")
        if status != 200:
            raise BankLinkError(f"the bank answered {status} to the list of scheme accounts")
        return [
            SchemeAccount(a["owner"], a["name"], a["currency"], a["account_number"])
            for a in json.loads(body)["data"]
            if a.get("status", "open") == "open"
        ]

    def settle(
        self, settlement_id: str, payer: str, payee: str, amount: Money, reference: str
    ) -> None:
        """``POST /h2h/settlements``: move ``amount`` from ``payer`` to ``payee``, once per
        ``settlement_id`` (sending it again is safe)."""
        document = {
            "id": settlement_id,
            "from_account": payer,
            "to_account": payee,
            "amount": amount.minor,
            "currency": amount.currency.code.lower(),
            "reference": reference,
        }
        status, body = self._call(
            "POST",
            "/h2h/settlements",
            json.dumps(document).encode(),
            {"Content-Type": "application/json"},
        )
        if status not in (200, 201):
            raise BankLinkError(
                f"the bank refused settlement {settlement_id} ({status}): {body[:200]!r}"
            )


def link_from(settings: Any) -> HttpBankLink:
    """The bank of an installation's settings (``bank_url``, ``bank_h2h_token``)."""
    secret: Any = getattr(settings, "bank_h2h_token", None)
    token = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
    return HttpBankLink(
        getattr(settings, "bank_url", "http://127.0.0.1:8600"),
        token=token,
        token_file=Path(settings.data_dir) / TOKEN_FILE,
    )
