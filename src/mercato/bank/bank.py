"""The commercial bank as one object: what the H2H service, the internet-banking pages, the
command line and the sandbox clock call.

``CommercialBank(settings, clock)`` opens the bank's database and ledger. Every use case
runs in one unit of work of the bank's ledger. ``run_due(now)`` processes every processing
day that has fallen due by ``now``, in order, and is safe to call as often as one likes:
it is what the sandbox clock calls after moving forward.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mercato.bank import (
    business_days,
    customers,
    days,
    inbox,
    records,
    settlement,
    statements,
)
from mercato.bank.books import PARTY
from mercato.bank.customers import NewCustomer
from mercato.bank.errors import InvalidRequest
from mercato.bank.records import Account, BankFile, Customer, CustomerKind, Direction, Entry
from mercato.clock import Clock, clock_for
from mercato.database import migrate
from mercato.database.engine import engine_for
from mercato.ledger import Balance, Book, Ledger
from mercato.money import Currency, Money
from mercato.outbox import Duty
from mercato.settings import Party, Settings

log = structlog.get_logger("mercato.bank")

DUE_SWEEP_SECONDS = 60.0


class CommercialBank:
    """The simulated commercial bank of one installation."""

    def __init__(
        self, settings: Settings, clock: Clock | None = None, *, engine: Engine | None = None
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or clock_for(settings)
        self.engine = engine or engine_for(settings, Party.BANK)
        self.ledger = Ledger(self.engine, self.clock, party=PARTY)

    # Setting up --------------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the bank's database to this code's schema."""
        migrate.upgrade(self.engine, Party.BANK)

    def open(self) -> CommercialBank:
        """Migrate, and start the calendar at today's processing day if it has not begun."""
        self.migrate()
        with self.ledger.begin() as book:
            if records.first_noted_day(book.connection) is None:
                records.note_day(book.connection, business_days.processing_day_of(self.now()))
        return self

    def close(self) -> None:
        self.engine.dispose()

    def now(self) -> dt.datetime:
        return self.clock.now()

    # Customers and accounts ---------------------------------------------------------------

    def create_customer(
        self, name: str, kind: CustomerKind, *, h2h_token: str | None = None
    ) -> NewCustomer:
        with self.ledger.begin() as book:
            return customers.create_customer(book, name=name, kind=kind, h2h_token=h2h_token)

    def customer(self, reference: str) -> Customer:
        with self.ledger.reading() as book:
            return records.customer_by_reference(book.connection, reference)

    def customers(self) -> list[Customer]:
        with self.ledger.reading() as book:
            return records.customers(book.connection)

    def reset_password(self, customer_reference: str) -> tuple[Customer, str]:
        with self.ledger.begin() as book:
            customer = records.customer_by_reference(book.connection, customer_reference)
            return customer, customers.reset_password(book, customer)

    def open_account(
        self, customer_reference: str, currency: Currency | str, *, name: str | None = None
    ) -> Account:
        with self.ledger.begin() as book:
            customer = records.customer_by_reference(book.connection, customer_reference)
            return customers.open_account(book, customer, Currency.of(currency), name=name)

    def account(self, reference: str) -> Account:
        with self.ledger.reading() as book:
            return records.account_by_reference(book.connection, reference)

    def accounts(self, customer_id: uuid.UUID | None = None) -> list[Account]:
        with self.ledger.reading() as book:
            return records.accounts(book.connection, customer_id)

    def close_account(self, reference: str) -> Account:
        with self.ledger.begin() as book:
            account = records.account_by_reference(book.connection, reference)
            return customers.close_account(book, account)

    def deposit(
        self, reference: str, amount: Money, *, key: str | None = None, counterparty: str = ""
    ) -> Account:
        """Money from outside the bank into an account (idempotent by ``key``)."""
        with self.ledger.begin() as book:
            account = records.account_by_reference(book.connection, reference)
            customers.deposit(
                book, account, amount, reference=key or f"deposit-{uuid.uuid4()}",
                counterparty=counterparty,
            )  # fmt: skip
            return account

    def balance(self, account: Account) -> Balance:
        with self.ledger.reading() as book:
            return book.balance(account.ledger_code)

    def entries(self, account: Account, day: dt.date | None = None) -> list[Entry]:
        with self.ledger.reading() as book:
            return records.entries(book.connection, account.id, day)

    # Files -----------------------------------------------------------------------------------

    def customer_for_token(self, token: str) -> Customer | None:
        with self.ledger.reading() as book:
            return customers.customer_for_token(book, token)

    def receive_file(self, customer: Customer, name: str, content: bytes) -> inbox.Received:
        """Accept a payout file for the next processing day (idempotent by name)."""
        with self.ledger.begin() as book:
            return inbox.receive(book, customer, name, content)

    def files(
        self,
        customer: Customer | None = None,
        *,
        direction: Direction | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> list[BankFile]:
        with self.ledger.reading() as book:
            return records.files(
                book.connection,
                customer_id=customer.id if customer else None,
                direction=direction,
                after=after,
                limit=limit,
            )

    def file(self, file_id: str) -> tuple[BankFile, bytes]:
        with self.ledger.reading() as book:
            return records.file(book.connection, file_id), records.file_content(
                book.connection, file_id
            )

    # Settlement ------------------------------------------------------------------------------

    def settle(
        self,
        requester: Customer,
        *,
        settlement_id: str,
        from_account: str,
        to_account: str,
        amount: Money,
        reference: str = "",
    ) -> settlement.Settlement:
        with self.ledger.begin() as book:
            return settlement.settle(
                book,
                requester,
                settlement_id=settlement_id,
                from_account=from_account,
                to_account=to_account,
                amount=amount,
                reference=reference,
            )

    # Processing days -------------------------------------------------------------------------

    def run_due(self, now: dt.datetime | None = None) -> list[days.DayReport]:
        """Process every day that has fallen due by ``now`` (default: the clock's), in order;
        a day already processed is left alone, so calling this again changes nothing."""
        now = now or self.now()
        with self.ledger.reading() as book:
            due = list(days.due(book, now))
        reports = []
        for day in due:
            reports.append(self.process_day(day))
        return reports

    def processing_duty(self) -> Duty:
        """`run_due` as a duty, for the sandbox's timeline (and any worker)."""
        return Duty(
            "bank.process_days",
            dt.timedelta(seconds=DUE_SWEEP_SECONDS),
            lambda: len(self.run_due()),
        )

    @contextmanager
    def processing_days(self, every: float = DUE_SWEEP_SECONDS) -> Iterator[None]:
        """Run ``run_due`` every ``every`` seconds in a thread while the block runs (what
        ``mercato bank serve`` does, so days close on the wall clock too)."""
        stop = threading.Event()

        def sweep() -> None:
            while not stop.wait(every):
                try:
                    self.run_due()
                except Exception as error:
                    log.error("bank.processing_failed", error=type(error).__name__)

        thread = threading.Thread(target=sweep, name="mercato-bank-days", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def process_day(self, day: dt.date) -> days.DayReport:
        """One processing day's work (refused before its cut-off has passed)."""
        if not business_days.is_business_day(day):
            raise InvalidRequest(f"{day} is not a business day")
        if business_days.cutoff(day) > self.now():
            raise InvalidRequest(
                f"{day} cannot be processed before its cut-off ({business_days.cutoff(day)})"
            )
        with self.ledger.begin() as book:
            report = days.process(book, day)
        if not report.already_processed:
            log.info(
                "bank.day_processed",
                day=day.isoformat(),
                files=report.files,
                applied=report.applied,
                returned=report.returned,
                statements=report.statements,
            )
        return report

    def statement(self, reference: str, day: dt.date) -> tuple[Account, bytes]:
        """An account's camt.053 for ``day``: the one offered at end of day, or (for a day
        not yet closed) what it would say so far."""
        with self.ledger.reading() as book:
            account = records.account_by_reference(book.connection, reference)
            offered = records.file_by_name(
                book.connection,
                account.customer_id,
                Direction.OUT,
                statements.statement_name(account, day),
            )
            if offered is not None:
                return account, records.file_content(book.connection, offered.id)
        from mercato.bankfiles.camt053 import write_camt053

        with self.ledger.reading() as book:
            document = write_camt053(
                [statements.statement_of(book, account, day)],
                message_id=f"STMT-{account.account_number}-{day:%Y%m%d}",
                created_at=self.now(),
            )
        return account, document

    # The HTTP service ------------------------------------------------------------------------

    def app(self, session_secret: bytes | None = None) -> Starlette:
        """The bank's HTTP service: the H2H contract under ``/h2h/``, internet banking under
        ``/banking/``."""
        from mercato.bank import banking, h2h, keys

        secret = session_secret or keys.session_secret(self.settings)

        async def home(request: Request) -> Response:
            return RedirectResponse("/banking/", status_code=303)

        routes = [Route("/", home), *h2h.routes(self), *banking.routes(self, secret)]
        return Starlette(routes=routes)

    @contextmanager
    def reading(self) -> Iterator[Book]:
        """The bank's books and records on one consistent snapshot, for reports."""
        with self.ledger.reading() as book:
            yield book
