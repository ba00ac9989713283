"""The issuing bank as one object: what the ISO 8583 server, the ACS and the command line call.

``IssuingBank(settings, clock)`` opens the bank's database, ledger, vault and keys. Its
``handle`` is the handler of the card network's server; ``serve`` starts that server;
``acs_app`` is the 3-D Secure app. Every use case runs in one unit of work of the bank's
ledger; an unexpected failure becomes response code 96, never a crash of the server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from sqlalchemy.engine import Engine
from starlette.applications import Starlette

from mercato.clock import Clock, SystemClock
from mercato.database import migrate
from mercato.database.engine import engine_for, reading
from mercato.issuer import acs, authorisations, clearing_http, issuance, keys, records
from mercato.issuer.books import PARTY
from mercato.issuer.domain.cards import AccountKind, CardStatus, Expiry
from mercato.issuer.domain.secrets import BankKeys
from mercato.issuer.errors import SimulatedFault
from mercato.ledger import Book, Ledger
from mercato.money import Money
from mercato.network.clearing_token import clearing_token
from mercato.network.messages import (
    AuthorizationRequest,
    CompletionAdvice,
    NetworkManagementRequest,
    Request,
    Response,
    ResponseCode,
    ReversalRequest,
    response_to,
)
from mercato.network.server import NetworkServer, RunningServer
from mercato.outbox import Duty
from mercato.settings import Party, Settings
from mercato.vault.keys import KeyRing
from mercato.vault.vault import Vault

log = structlog.get_logger("mercato.issuer")

EXPIRY_SWEEP_SECONDS = 60.0


class IssuingBank:
    """The simulated issuing bank of one installation."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        *,
        engine: Engine | None = None,
        bank_keys: BankKeys | None = None,
        keyring: KeyRing | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.engine = engine or engine_for(settings, Party.ISSUER)
        self.keys = bank_keys or keys.from_settings(settings)
        self.vault = Vault(keyring or KeyRing.from_settings(settings, Party.ISSUER), self.clock)
        self.ledger = Ledger(self.engine, self.clock, party=PARTY)

    # Setting up --------------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the bank's database to this code's schema."""
        migrate.upgrade(self.engine, Party.ISSUER)

    def issue_test_cards(self) -> int:
        """Issue Stripe's test cards the bank lacks (none, the second time)."""
        with self.ledger.begin() as book:
            return issuance.issue_stripe_test_cards(book, self.vault)

    def open(self) -> IssuingBank:
        """Migrate and issue the test cards: what ``mercato issuer serve`` does first."""
        self.migrate()
        issued = self.issue_test_cards()
        if issued:
            log.info("issuer.test_cards_issued", count=issued)
        return self

    def close(self) -> None:
        self.engine.dispose()

    # The card network ----------------------------------------------------------------------

    async def handle(self, request: Request) -> Response:
        """The network server's handler: the answer to one request, worked out in a thread so
        the server's event loop keeps serving other requests meanwhile."""
        return await asyncio.to_thread(self.answer, request)

    def answer(self, request: Request) -> Response:
        """The answer to one request; 96 if anything unexpected fails (logged by type)."""
        try:
            return self._answer(request)
        except SimulatedFault:
            log.warning("issuer.simulated_fault", mti=request.MTI, stan=request.stan)
            return response_to(request, ResponseCode.SYSTEM_ERROR, self.clock.now())
        except Exception as error:
            log.error(
                "issuer.internal_error",
                mti=request.MTI,
                stan=request.stan,
                error=type(error).__name__,
            )
            return response_to(request, ResponseCode.SYSTEM_ERROR, self.clock.now())

    def _answer(self, request: Request) -> Response:
        if isinstance(request, NetworkManagementRequest):
            return response_to(request, ResponseCode.APPROVED, self.clock.now())
        with self.ledger.begin() as book:
            if records.switch_is_on(book.connection, records.OUTAGE):
                return response_to(request, ResponseCode.ISSUER_UNAVAILABLE, self.clock.now())
            if isinstance(request, AuthorizationRequest):
                return authorisations.authorise(book, self.vault, self.keys, request)
            if isinstance(request, CompletionAdvice):
                return authorisations.complete(book, self.vault, request)
            if isinstance(request, ReversalRequest):
                return authorisations.reverse(book, self.vault, request)
        raise TypeError(f"no use case for {type(request).__name__}")  # pragma: no cover

    def serve(self, host: str = "127.0.0.1", port: int = 8583) -> RunningServer:
        """ISO 8583 over TCP on ``host``:``port`` (0: any free port), in a thread of its own."""
        return NetworkServer(self.handle, host, port, clock=self.clock).run_in_thread()

    def expire_holds(self) -> int:
        """Release the holds whose time ran out, and mark their authorisations expired."""
        released = self.ledger.expire_holds()
        with self.ledger.begin() as book:
            authorisations.record_expired_holds(book)
        return released

    def expiry_duty(self) -> Duty:
        """`expire_holds` as a duty, for the sandbox's timeline (and any worker)."""
        return Duty(
            "issuer.expire_holds", dt.timedelta(seconds=EXPIRY_SWEEP_SECONDS), self.expire_holds
        )

    @contextmanager
    def expiring_holds(self, every: float = EXPIRY_SWEEP_SECONDS) -> Iterator[None]:
        """Run the expiry sweep every ``every`` seconds in a thread while the block runs."""
        stop = threading.Event()

        def sweep() -> None:
            while not stop.wait(every):
                try:
                    self.expire_holds()
                except Exception as error:
                    log.error("issuer.expiry_failed", error=type(error).__name__)

        thread = threading.Thread(target=sweep, name="mercato-issuer-expiry", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    # 3-D Secure ----------------------------------------------------------------------------

    def acs_app(self) -> Starlette:
        """The bank's HTTPS app: the access control server's pages (``/3ds/...``) and the
        clearing files the acquirer hands in (``/clearing/files``)."""
        app = acs.create_acs_app(acs.AcsContext(self.engine, self.vault, self.keys, self.clock))
        app.router.routes.extend(clearing_http.routes(self.ledger, clearing_token(self.settings)))
        return app

    # The bank's own tools --------------------------------------------------------------------

    def issue_card(
        self,
        *,
        brand: str,
        kind: AccountKind,
        funds: Money,
        cardholder: str = "Cardholder",
        requires_3ds: bool = False,
        expiry: Expiry | None = None,
    ) -> issuance.IssuedCard:
        with self.ledger.begin() as book:
            return issuance.issue_card(
                book,
                self.vault,
                self.keys,
                brand=brand,
                kind=kind,
                funds=funds,
                cardholder=cardholder,
                requires_3ds=requires_3ds,
                expiry=expiry,
            )

    def fund(self, card_reference: str, amount: Money, *, key: str | None = None) -> records.Card:
        """Pay ``amount`` into the account of the card named by id or last four digits."""
        with self.ledger.begin() as book:
            card = records.card_by_reference(book.connection, card_reference)
            issuance.fund(book, card.account_id, amount, key=key or f"issuer:fund:{uuid.uuid4()}")
            return card

    def set_card_status(self, card_reference: str, status: CardStatus) -> records.Card:
        with self.ledger.begin() as book:
            card = records.card_by_reference(book.connection, card_reference)
            issuance.set_card_status(book, card.id, status)
            return card

    def set_outage(self, on: bool) -> None:
        """Take the bank down (every financial message is answered 91) or bring it back."""
        with self.ledger.begin() as book:
            records.set_switch(book.connection, records.OUTAGE, on, self.clock.now())

    def outage(self) -> bool:
        with reading(self.engine) as connection:
            return records.switch_is_on(connection, records.OUTAGE)

    @contextmanager
    def reading(self) -> Iterator[Book]:
        """The bank's books and records on one consistent snapshot, for reports."""
        with self.ledger.reading() as book:
            yield book
