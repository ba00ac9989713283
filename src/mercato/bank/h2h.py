"""The host-to-host service: customers exchange files with the bank over HTTP.

Contract (docs/adr/0013): ``Authorization: Bearer <token>`` on every request;
``POST /h2h/files`` (raw bytes, ``X-File-Name``) answers 202 with the file's id, or 200 for
the same name and bytes again, 409 for the same name with other bytes, 422 for a file the
bank cannot read; ``GET /h2h/files?after=<id>`` lists the files the bank made for the
customer, oldest first, and ``GET /h2h/files/{id}`` returns one's bytes;
``POST /h2h/settlements`` moves money between two settlement accounts, once per id;
``GET /h2h/accounts`` lists the customer's accounts and balances.

Handlers only translate: the bank's errors become HTTP answers here, and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mercato.bank import errors
from mercato.bank.bank import CommercialBank
from mercato.bank.records import BankFile, Customer, CustomerKind, Direction
from mercato.money import Currency, Money, MoneyError

STATUS: dict[type[errors.BankError], int] = {
    errors.NotAuthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.InsufficientFunds: 402,
    errors.UnreadableFile: 422,
    errors.InvalidRequest: 400,
}
"""The HTTP status of each kind of refusal (the most specific class wins)."""

MAX_FILE_BYTES = 50 * 1024 * 1024


def error_response(error: errors.BankError) -> JSONResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
    kind = "authentication_error" if status == 401 else "invalid_request_error"
    return JSONResponse(
        {"error": {"type": kind, "code": error.code, "message": str(error)}}, status_code=status
    )


Handler = Callable[[Request, Customer], Awaitable[Response]]


def _file_json(bank_file: BankFile) -> dict[str, Any]:
    return {
        "id": bank_file.id,
        "name": bank_file.name,
        "kind": bank_file.kind.value,
        "status": bank_file.status.value,
        "created_at": bank_file.created_at.isoformat(),
    }


class H2H:
    """The service's handlers, bound to one bank."""

    def __init__(self, bank: CommercialBank) -> None:
        self.bank = bank

    def authenticated(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            try:
                if scheme.lower() != "bearer" or not token.strip():
                    raise errors.NotAuthenticated("send Authorization: Bearer <your H2H token>")
                customer = await run_in_threadpool(self.bank.customer_for_token, token.strip())
                if customer is None:
                    raise errors.NotAuthenticated("this H2H token is not known to the bank")
                return await handler(request, customer)
            except errors.BankError as error:
                return error_response(error)

        return endpoint

    async def send_file(self, request: Request, customer: Customer) -> Response:
        name = request.headers.get("x-file-name", "")
        if not name:
            raise errors.InvalidRequest("name the file in the X-File-Name header")
        content = await request.body()
        if not content or len(content) > MAX_FILE_BYTES:
            raise errors.InvalidRequest(f"a file is 1 byte to {MAX_FILE_BYTES} bytes long")
        received = await run_in_threadpool(self.bank.receive_file, customer, name, content)
        body = _file_json(received.file)
        return JSONResponse(body, status_code=202 if received.created else 200)

    async def list_files(self, request: Request, customer: Customer) -> Response:
        after = request.query_params.get("after") or None
        found = await run_in_threadpool(
            lambda: self.bank.files(customer, direction=Direction.OUT, after=after)
        )
        return JSONResponse({"data": [_file_json(f) for f in found]})

    async def get_file(self, request: Request, customer: Customer) -> Response:
        file_id = request.path_params["file_id"]
        bank_file, content = await run_in_threadpool(self.bank.file, file_id)
        if bank_file.customer_id != customer.id:
            raise errors.FileNotFound(f"no file {file_id!r}")
        xml = bank_file.name.endswith(".xml")
        return Response(
            content,
            media_type="application/xml" if xml else "text/plain; charset=us-ascii",
            headers={"X-File-Name": bank_file.name, "X-File-Kind": bank_file.kind.value},
        )

    async def settle(self, request: Request, customer: Customer) -> Response:
        try:
            body = json.loads(await request.body())
            if not isinstance(body, dict):
                raise TypeError
            amount = body["amount"]
            if not isinstance(amount, int) or isinstance(amount, bool):
                raise errors.InvalidRequest("amount is an integer of minor units (cents)")
            money = Money.of_minor(amount, Currency.of(str(body["currency"])))
            fields = {k: str(body[k]) for k in ("id", "from_account", "to_account")}
        except (ValueError, TypeError, KeyError, MoneyError):
            raise errors.InvalidRequest(
                "send JSON {id, from_account, to_account, amount, currency, reference}"
            ) from None
        settled = await run_in_threadpool(
            lambda: self.bank.settle(
                customer,
                settlement_id=fields["id"],
                from_account=fields["from_account"],
                to_account=fields["to_account"],
                amount=money,
                reference=str(body.get("reference") or ""),
            )
        )
        return JSONResponse(
            {
                "id": settled.id,
                "from_account": settled.from_account.account_number,
                "to_account": settled.to_account.account_number,
                "amount": settled.amount.minor,
                "currency": settled.amount.currency.code.lower(),
                "reference": settled.reference,
                "processing_day": settled.day.isoformat(),
                "created_at": settled.created_at.isoformat(),
            }
        )

    async def accounts(self, request: Request, customer: Customer) -> Response:
        def work() -> list[dict[str, Any]]:
            return [
                {
                    "id": str(account.id),
                    "currency": account.currency.code.lower(),
                    "account_number": account.account_number,
                    "routing_number": account.routing_number,
                    "iban": account.iban,
                    "bic": account.bic,
                    "status": account.status.value,
                    "balance": self.bank.balance(account).posted.minor,
                }
                for account in self.bank.accounts(customer.id)
            ]

        return JSONResponse({"data": await run_in_threadpool(work)})

    async def scheme_accounts(self, request: Request, customer: Customer) -> Response:
        """The settlement accounts of the card scheme's parties, for the platform that runs
        the scheme's settlement: where each issuer pays what clearing made it owe."""
        if customer.kind is not CustomerKind.PLATFORM:
            raise errors.Forbidden("only the scheme's operator sees its parties' accounts")

        def work() -> list[dict[str, Any]]:
            return [
                {
                    "owner": kind.value,
                    "name": owner.name,
                    "currency": account.currency.code.lower(),
                    "account_number": account.account_number,
                    "status": account.status.value,
                }
                for kind in (CustomerKind.PLATFORM, CustomerKind.ISSUER)
                for owner in self.bank.customers()
                if owner.kind is kind
                for account in self.bank.accounts(owner.id)
            ]

        return JSONResponse({"data": await run_in_threadpool(work)})


def routes(bank: CommercialBank) -> list[Route]:
    service = H2H(bank)
    return [
        Route("/h2h/files", service.authenticated(service.send_file), methods=["POST"]),
        Route("/h2h/files", service.authenticated(service.list_files), methods=["GET"]),
        Route("/h2h/files/{file_id}", service.authenticated(service.get_file), methods=["GET"]),
        Route("/h2h/settlements", service.authenticated(service.settle), methods=["POST"]),
        Route("/h2h/accounts", service.authenticated(service.accounts), methods=["GET"]),
        Route(
            "/h2h/scheme/accounts",
            service.authenticated(service.scheme_accounts),
            methods=["GET"],
        ),
    ]
