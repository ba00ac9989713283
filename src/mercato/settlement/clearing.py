"""Clearing and interbank settlement: each day after the cut-off, the captures and refunds
of the day are presented to their issuers in a clearing file; the issuer books them and
reports; the net it owes moves between the banks, and the platform's books follow.

1. ``close``: the presentments of one issuer made before the day's cut-off (22:00 UTC) are
   given to that day's file, in one transaction with the file written to disk (streamed:
   a million presentments never sit in memory). One file per issuer and business day.
2. ``send``: the file goes to the issuer (``POST /clearing/files`` on its HTTPS server);
   its report is kept, differences included (docs/clearing.md). Sending again is safe: the
   issuer answers a file it has taken with its first report.
3. ``settle``: per currency, the net the report says the issuer owes is moved at the
   commercial bank from the issuer's settlement account to the platform's (the platform
   runs the scheme's settlement; once per file and currency), then booked: the platform's
   cash at the bank up, what the scheme owed it down.

Each step is idempotent and picks up where a killed run stopped; `run_due` does all three
for whatever is due, as the worker's duty and ``mercato settle run``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx2
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.database.engine import reading, writing
from mercato.ledger import AccountKind, AccountSpec, Ledger, transfer
from mercato.logs import get_logger
from mercato.money import Currency, Money
from mercato.network.clearing import ClearingFileWriter, Header, Kind
from mercato.processor import books as processor_books
from mercato.processor.tables import clearing_files, presentments
from mercato.settlement import books
from mercato.settlement.bank_link import BankLink, SchemeAccount
from mercato.settlement.errors import BankLinkError

log = get_logger(__name__)

CUTOFF = dt.time(22, 0)
"""The daily cut-off (UTC): what is captured before it is presented that day."""

ACQUIRER_ID = "000001"
STREAM_ROWS = 5_000

# Looked up once per value, not once per row of a file of a million.
_kind = functools.cache(Kind)
_currency = functools.cache(Currency.of)


class IssuerUnreachable(Exception):
    """The issuer did not take the file (down, or refused it): try again later."""


class IssuerClearing(Protocol):
    """Where an issuer takes clearing files: the file's path in, its report out."""

    def send(self, path: Path) -> dict[str, Any]: ...


class HttpIssuerClearing:
    """An issuer's ``POST /clearing/files`` at ``base_url`` (its HTTPS server), showing the
    clearing link's ``token``."""

    def __init__(
        self, base_url: str, *, token: str, verify: str | bool = True, timeout: float = 300.0
    ):
        self.base_url = base_url.rstrip("/")
        self._token, self._verify, self._timeout = token, verify, timeout

    def send(self, path: Path) -> dict[str, Any]:
        def chunks() -> Iterator[bytes]:
            with path.open("rb") as file:
                while chunk := file.read(1 << 20):
                    yield chunk

        try:
            with httpx2.Client(verify=self._verify, timeout=self._timeout, trust_env=False) as c:
                response = c.post(
                    f"{self.base_url}/clearing/files",
                    content=chunks(),
                    headers={
                        "Content-Type": "text/plain; charset=utf-8",
                        "Authorization": f"Bearer {self._token}",
                    },
                )
        except httpx2.HTTPError as error:
            raise IssuerUnreachable(f"{self.base_url}: {type(error).__name__}") from None
        if response.status_code != 200:
            raise IssuerUnreachable(
                f"{self.base_url} answered {response.status_code}: {response.text[:300]}"
            )
        report: dict[str, Any] = response.json()
        return report


def business_date_due(now: dt.datetime) -> dt.date:
    """The latest business day whose cut-off has passed at ``now``."""
    today = now.astimezone(dt.UTC).date()
    return today if now.astimezone(dt.UTC).time() >= CUTOFF else today - dt.timedelta(days=1)


def cutoff_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, CUTOFF, tzinfo=dt.UTC)


def file_id_of(issuer: str, day: dt.date) -> str:
    return f"MCF-{ACQUIRER_ID}-{issuer}-{day:%Y%m%d}"


@dataclass
class Ran:
    """What one run did."""

    closed: list[str] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # what could not go on yet, and why

    @property
    def count(self) -> int:
        return len(self.closed) + len(self.reported) + len(self.settled)


class Clearing:
    """The platform's clearing with its issuers and settlement at the commercial bank."""

    def __init__(
        self,
        engine: Engine,
        ledger: Ledger,
        *,
        directory: Path,
        issuers: Mapping[str, IssuerClearing],
        bank: BankLink | None,
    ) -> None:
        self.engine, self.ledger, self.directory = engine, ledger, directory
        self.issuers, self.bank = dict(issuers), bank

    # 1. Close the day's file -----------------------------------------------------------

    def close(self, issuer: str, day: dt.date) -> str | None:
        """The file of ``issuer`` for ``day``: made now if it is not yet (None: made before)."""
        file_id = file_id_of(issuer, day)
        path = self.directory / f"{file_id}.mcf"
        with writing(self.engine) as connection:
            if _file(connection, file_id) is not None:
                return None
            cutoff = cutoff_of(day)
            p = presentments.c
            connection.execute(
                sa.update(presentments)
                .where(p.issuer == issuer, p.clearing_file_id.is_(None), p.created_at < cutoff)
                .values(clearing_file_id=file_id)
            )
            now = self.ledger.clock.now()
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            with partial.open("w", encoding="utf-8", newline="\n") as out:
                writer = ClearingFileWriter(out, Header(file_id, ACQUIRER_ID, issuer, day, now))
                for row in _presented_in(connection, issuer, file_id):
                    writer.add(
                        _kind(row.kind), str(row.id), row.rrn, row.amount, _currency(row.currency)
                    )
                trailer = writer.close()
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)
            totals = {
                code: {
                    "sales": t.sales,
                    "sales_total": t.sales_total,
                    "refunds": t.refunds,
                    "refunds_total": t.refunds_total,
                }
                for code, t in trailer.by_currency.items()
            }
            connection.execute(
                sa.insert(clearing_files).values(
                    id=file_id,
                    issuer=issuer,
                    business_date=day,
                    cutoff=cutoff,
                    path=path.name,
                    records=trailer.count,
                    totals=totals,
                    created_at=now,
                )
            )
        log.info("clearing.file_closed", file=file_id, records=trailer.count)
        return file_id

    # 2. Send it to the issuer ----------------------------------------------------------

    def send(self, file_id: str) -> dict[str, Any]:
        with reading(self.engine) as connection:
            found = _file(connection, file_id)
        assert found is not None
        if found.report is not None:
            report: dict[str, Any] = found.report
            return report
        link = self.issuers.get(found.issuer)
        if link is None:
            raise IssuerUnreachable(f"no link to issuer {found.issuer}")
        report = link.send(self.directory / found.path)
        with writing(self.engine) as connection:
            connection.execute(
                sa.update(clearing_files)
                .where(clearing_files.c.id == file_id, clearing_files.c.report.is_(None))
                .values(report=report, reported_at=self.ledger.clock.now())
            )
        differences = len(report.get("differences", []))
        log.info("clearing.reported", file=file_id, booked=report.get("booked"), differ=differences)
        return report

    # 3. Settle the net between the banks -----------------------------------------------

    def settle(self, file_id: str) -> None:
        with reading(self.engine) as connection:
            found = _file(connection, file_id)
        assert found is not None
        assert found.report is not None
        net: dict[str, int] = {k: v for k, v in found.report.get("net", {}).items() if v}
        if net:
            if self.bank is None:
                raise BankLinkError("no link to the commercial bank")
            accounts = self.bank.scheme_accounts()
            for code, amount in sorted(net.items()):
                owed = Money.of_minor(abs(amount), code)
                issuer = _account_of(accounts, "issuer", code)
                platform = _account_of(accounts, "platform", code)
                payer, payee = (issuer, platform) if amount > 0 else (platform, issuer)
                self.bank.settle(f"{file_id}:{code}", payer, payee, owed, f"clearing {file_id}")
        with writing(self.engine) as connection:
            requests = []
            book = self.ledger.book(connection)
            for code, amount in sorted(net.items()):
                currency = Currency.of(code)
                _open_accounts(book, currency)
                cash, owed_by_scheme = (
                    books.cash_at_bank(currency),
                    processor_books.scheme_receivable(currency),
                )
                requests.append(
                    transfer(
                        f"clearing:{file_id}:{code}:settlement",
                        debit=cash if amount > 0 else owed_by_scheme,
                        credit=owed_by_scheme if amount > 0 else cash,
                        amount=Money.of_minor(abs(amount), currency),
                        description=f"interbank settlement of clearing file {file_id}",
                        metadata={"clearing_file": file_id},
                    )
                )
            if requests:
                book.post_batch(requests)
            connection.execute(
                sa.update(clearing_files)
                .where(clearing_files.c.id == file_id)
                .values(settled_at=self.ledger.clock.now())
            )
        log.info("clearing.settled", file=file_id, net=net)

    # All that is due -------------------------------------------------------------------

    def run_due(self, now: dt.datetime | None = None) -> Ran:
        """Close the files whose cut-off has passed, send what the issuers have not
        answered, settle what they have: each step once, whatever failed left for later."""
        ran = Ran()
        day = business_date_due(now or self.ledger.clock.now())
        for issuer in sorted(self.issuers):
            if (closed := self.close(issuer, day)) is not None:
                ran.closed.append(closed)
        with reading(self.engine) as connection:
            c = clearing_files.c
            unsent = list(
                connection.execute(
                    sa.select(c.id).where(c.report.is_(None)).order_by(c.business_date)
                ).scalars()
            )
            unsettled = list(
                connection.execute(
                    sa.select(c.id)
                    .where(c.report.is_not(None), c.settled_at.is_(None))
                    .order_by(c.business_date)
                ).scalars()
            )
        for file_id in unsent:
            try:
                self.send(file_id)
            except IssuerUnreachable as error:
                ran.waiting.append(f"{file_id}: {error}")
                continue
            ran.reported.append(file_id)
            unsettled.append(file_id)
        for file_id in unsettled:
            try:
                self.settle(file_id)
            except BankLinkError as error:
                ran.waiting.append(f"{file_id}: {error}")
                continue
            ran.settled.append(file_id)
        for waiting in ran.waiting:
            log.warning("clearing.waiting", reason=waiting)
        return ran


def _file(connection: Connection, file_id: str) -> Any:
    return connection.execute(
        sa.select(clearing_files).where(clearing_files.c.id == file_id)
    ).first()


def _presented_in(connection: Connection, issuer: str, file_id: str) -> Iterator[Any]:
    """The file's presentments in a stable order (by id), streamed: one query, its rows
    fetched ``STREAM_ROWS`` at a time from a server-side cursor (pages by keyset would
    each sort the file's rows again)."""
    p = presentments.c
    yield from connection.execute(
        sa.select(p.id, p.kind, p.rrn, p.amount, p.currency)
        .where(p.issuer == issuer, p.clearing_file_id == file_id)
        .order_by(p.id)
        .execution_options(yield_per=STREAM_ROWS)
    )


def _account_of(accounts: list[SchemeAccount], owner: str, currency: str) -> str:
    for account in accounts:
        if account.owner == owner and account.currency.upper() == currency.upper():
            return account.account_number
    raise BankLinkError(f"the bank has no {currency} settlement account for the {owner}")


def _open_accounts(book: Any, currency: Currency) -> None:
    for spec in (
        AccountSpec(
            books.cash_at_bank(currency),
            currency,
            AccountKind.ASSET,
            "The platform's account at the commercial bank",
            owner=processor_books.PARTY,
        ),
        AccountSpec(
            processor_books.scheme_receivable(currency),
            currency,
            AccountKind.ASSET,
            "Owed by the card schemes for captured payments",
            owner=processor_books.PARTY,
        ),
    ):
        book.open_account(spec)


def files(engine: Engine, limit: int = 30) -> list[Any]:
    """The latest clearing files, newest first."""
    with reading(engine) as connection:
        c = clearing_files.c
        return list(
            connection.execute(
                sa.select(clearing_files).order_by(c.business_date.desc(), c.issuer).limit(limit)
            )
        )
