"""The issuer takes a clearing file: it books each presentment against its cardholder's
account, and answers with a report of what it booked, what differed, and what it owes.

For each sale, by the authorisation its retrieval reference number names:

* completed (the 0220 came): posted then; the presentment confirms it. An amount other
  than the completed one is reported (``amount_differs``); the issuer owes what it posted.
* approved, its hold still open (the 0220 never came): the hold is posted now, for the
  presented amount; the rest is released. More than was held is posted up to the hold and
  reported.
* its hold expired or reversed: presented late. The amount is taken from the account, if
  the account has it (``late_presentment``, booked); otherwise nothing is booked
  (``insufficient_funds``) and the acquirer is not paid for it.
* unknown, or declined: ``unknown_transaction``, nothing booked.

A refund credits the cardholder's account from the bank's ``network-payable``. Then the net
per currency (sales booked less refunds) moves from ``network-payable`` to the bank's
``settlement`` account: what it pays the acquirer at interbank settlement.

Every posting's idempotency key is the presentment's id, and the report is kept by file
id: a file taken twice is answered with the first report and books nothing more.
Records are read a chunk at a time; a million never sit in memory.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from mercato.issuer import books, records, tables
from mercato.issuer.domain import fx
from mercato.issuer.records import Authorisation, AuthorisationStatus
from mercato.ledger import Book, Ledger, PostHold, transfer
from mercato.ledger.errors import HoldAlreadyResolved, HoldExpired, LimitExceeded
from mercato.money import Currency, Money
from mercato.network.clearing import ClearingFileReader, Kind, Presentment

CHUNK = 2_000


@dataclass(frozen=True)
class Difference:
    """A presentment the issuer did not book as presented, and why."""

    sequence: int
    presentment_id: str
    code: str
    message: str


@dataclass
class Report:
    """The issuer's answer to one clearing file."""

    file_id: str
    records: int = 0
    booked: int = 0
    differences: list[Difference] = field(default_factory=list)
    net: dict[str, int] = field(default_factory=dict)  # minor units owed to the acquirer

    def to_json(self) -> dict[str, Any]:
        return {
            "object": "clearing_report",
            "file_id": self.file_id,
            "records": self.records,
            "booked": self.booked,
            "differences": [asdict(d) for d in self.differences],
            "net": dict(sorted(self.net.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(
            data["file_id"],
            data["records"],
            data["booked"],
            [Difference(**d) for d in data["differences"]],
            dict(data["net"]),
        )


def _chunks(items: Iterator[Presentment]) -> Iterator[list[Presentment]]:
    while chunk := list(itertools.islice(items, CHUNK)):
        yield chunk


def ingest(ledger: Ledger, lines: Iterable[str]) -> Report:
    """Book a clearing file (raises ``ClearingFileError`` for one that breaks the format,
    before anything is booked only if the header is bad: a defect further on is raised
    when reached, and the file taken again later books what the first try did not)."""
    reader = ClearingFileReader.of(lines)
    header = reader.header
    with ledger.reading() as book:
        kept = _kept_report(book.connection, header.file_id)
    if kept is not None:
        for _ in reader:  # still read to the end: a file must be whole to be answered
            pass
        return kept
    report = Report(header.file_id)
    for chunk in _chunks(iter(reader)):
        _book_chunk(ledger, header.acquirer_id, chunk, report)
    with ledger.begin() as book:
        kept = _kept_report(book.connection, header.file_id)
        if kept is not None:  # another taker of the same file finished first
            return kept
        _settle(book, header.file_id, report)
        book.connection.execute(
            sa.insert(tables.clearing_files).values(
                file_id=header.file_id,
                acquirer_id=header.acquirer_id,
                business_date=header.business_date,
                records=report.records,
                report=report.to_json(),
                received_at=ledger.clock.now(),
            )
        )
    return report


def _kept_report(connection: Connection, file_id: str) -> Report | None:
    c = tables.clearing_files.c
    found = connection.execute(sa.select(c.report).where(c.file_id == file_id)).scalar()
    return None if found is None else Report.from_json(found)


def _rrn_among(connection: Connection, rrns: list[str]) -> sa.ColumnElement[bool]:
    """``rrn IN (...)`` for a chunk of a file: on PostgreSQL one array parameter
    (``= ANY($1)``), not thousands of placeholders to build, send and parse for each
    chunk (a third of an ingest's time before)."""
    c = tables.authorisations.c
    if connection.dialect.name == "postgresql":
        return c.rrn == sa.any_(sa.bindparam("rrns", rrns, type_=postgresql.ARRAY(sa.String)))
    return c.rrn.in_(rrns)


def _authorisations(
    connection: Connection, acquirer_id: str, rrns: list[str]
) -> dict[str, Authorisation]:
    c = tables.authorisations.c
    rows = connection.execute(
        sa.select(tables.authorisations).where(
            c.acquirer_id == acquirer_id, _rrn_among(connection, rrns)
        )
    ).mappings()
    return {row["rrn"]: records.authorisation_from_row(row) for row in rows}


def _completed(
    connection: Connection, acquirer_id: str, rrns: list[str]
) -> dict[str, tuple[str, int]]:
    """Of these authorisations, the completed ones (the 0220 came: nothing left to book, a
    sale presented for them is only confirmed): their currency and completed amount. The
    usual case, read without the rest of the row."""
    c = tables.authorisations.c
    rows = connection.execute(
        sa.select(c.rrn, c.currency, c.completed_amount).where(
            c.acquirer_id == acquirer_id,
            _rrn_among(connection, rrns),
            c.status == AuthorisationStatus.COMPLETED.value,
            c.account_id.is_not(None),
            c.completed_amount.is_not(None),
        )
    )
    return {rrn: (currency, completed) for rrn, currency, completed in rows}


def _book_chunk(ledger: Ledger, acquirer_id: str, chunk: list[Presentment], report: Report) -> None:
    with ledger.reading() as book:
        completed = _completed(book.connection, acquirer_id, sorted({p.rrn for p in chunk}))
        confirmed = {
            p.presentment_id
            for p in chunk
            if p.kind is Kind.SALE
            and p.rrn in completed
            and Currency.of(completed[p.rrn][0]) is p.currency
        }
        others = sorted({p.rrn for p in chunk if p.presentment_id not in confirmed})
        found = _authorisations(book.connection, acquirer_id, others) if others else {}
    for presentment in chunk:
        report.records += 1
        if presentment.presentment_id in confirmed:
            _confirmed(presentment, completed[presentment.rrn][1], report)
            continue
        authorisation = found.get(presentment.rrn)
        if authorisation is None or authorisation.account_id is None:
            _differ(report, presentment, "unknown_transaction", "no approved authorisation")
            continue
        if authorisation.amount.currency != presentment.currency:
            _differ(
                report,
                presentment,
                "currency_differs",
                f"authorised in {authorisation.amount.currency.code}, "
                f"presented in {presentment.currency.code}",
            )
            continue
        if presentment.kind is Kind.REFUND:
            _refund(ledger, authorisation, presentment, report)
        else:
            _sale(ledger, authorisation, presentment, report)


def _differ(report: Report, presentment: Presentment, code: str, message: str) -> None:
    report.differences.append(
        Difference(presentment.sequence, presentment.presentment_id, code, message)
    )


def _owed(report: Report, amount: Money) -> None:
    report.net[amount.currency.code] = report.net.get(amount.currency.code, 0) + amount.minor


def _in_account_currency(authorisation: Authorisation, amount: int) -> Money:
    """``amount`` of the presentment (the transaction's currency) as booked on the account:
    at the rate the authorisation was held at."""
    if authorisation.held is None or authorisation.held.currency == authorisation.amount.currency:
        return Money.of_minor(amount, authorisation.amount.currency)
    if amount <= authorisation.amount.minor:
        return fx.proportion(authorisation.held, amount, authorisation.amount.minor)
    return fx.convert(
        Money.of_minor(amount, authorisation.amount.currency), authorisation.held.currency
    )


def _sale(ledger: Ledger, auth: Authorisation, presentment: Presentment, report: Report) -> None:
    presented = Money.of_minor(presentment.amount, presentment.currency)
    if auth.status is AuthorisationStatus.COMPLETED and auth.completed_amount is not None:
        _confirmed(presentment, auth.completed_amount.minor, report)
        return
    if auth.status is AuthorisationStatus.APPROVED and auth.hold_id is not None:
        posted = min(presented.minor, auth.amount.minor)
        if posted < presented.minor:
            _differ(
                report,
                presentment,
                "amount_differs",
                f"presented {presented.format()}, authorised {auth.amount.format()}",
            )
        if _post_hold(ledger, auth, presentment, posted):
            report.booked += 1
            _owed(report, Money.of_minor(posted, presented.currency))
            return
    _late(ledger, auth, presentment, presented, report)


def _confirmed(presentment: Presentment, completed: int, report: Report) -> None:
    """A sale whose authorisation was completed: posted then; the issuer owes what it
    posted, and reports a presented amount that differs."""
    if completed != presentment.amount:
        presented = Money.of_minor(presentment.amount, presentment.currency)
        _differ(
            report,
            presentment,
            "amount_differs",
            f"presented {presented.format()}, "
            f"completed {Money.of_minor(completed, presentment.currency).format()}",
        )
    report.booked += 1
    code = presentment.currency.code
    report.net[code] = report.net.get(code, 0) + completed


def _post_hold(ledger: Ledger, auth: Authorisation, presentment: Presentment, amount: int) -> bool:
    """Post the open hold for ``amount``; False if it ran out meanwhile."""
    assert auth.hold_id is not None
    try:
        with ledger.begin() as book:
            posted = book.post(
                PostHold(
                    f"issuer:clearing:{presentment.presentment_id}",
                    auth.hold_id,
                    amount=_in_account_currency(auth, amount),
                    description=f"card purchase at {auth.merchant_name}",
                    metadata={"authorisation": str(auth.id), "rrn": auth.rrn},
                )
            )
            records.update_authorisation(
                book.connection,
                auth.id,
                ledger.clock.now(),
                status=AuthorisationStatus.COMPLETED.value,
                completed_amount=amount,
                resolution_id=posted.id,
            )
    except (HoldExpired, HoldAlreadyResolved):
        return False
    return True


def _late(
    ledger: Ledger, auth: Authorisation, presentment: Presentment, presented: Money, report: Report
) -> None:
    """A sale presented after its hold was gone: taken from the account if it can pay."""
    assert auth.account_id is not None
    try:
        with ledger.begin() as book:
            account = records.account(book.connection, auth.account_id)
            assert account is not None
            booked = _in_account_currency(auth, presented.minor)
            book.post(
                transfer(
                    f"issuer:clearing:{presentment.presentment_id}",
                    debit=account.ledger_code,
                    credit=books.network_payable(booked.currency),
                    amount=booked,
                    description=f"card purchase at {auth.merchant_name} (presented late)",
                    metadata={"authorisation": str(auth.id), "rrn": auth.rrn},
                )
            )
    except LimitExceeded:
        _differ(report, presentment, "insufficient_funds", "the hold was gone and so is the money")
        return
    _differ(report, presentment, "late_presentment", f"the hold was {auth.status.value}")
    report.booked += 1
    _owed(report, presented)


def _refund(ledger: Ledger, auth: Authorisation, presentment: Presentment, report: Report) -> None:
    assert auth.account_id is not None
    presented = Money.of_minor(presentment.amount, presentment.currency)
    with ledger.begin() as book:
        account = records.account(book.connection, auth.account_id)
        assert account is not None
        booked = _in_account_currency(auth, presented.minor)
        books.open_house_accounts(book, booked.currency)
        book.post(
            transfer(
                f"issuer:clearing:{presentment.presentment_id}",
                debit=books.network_payable(booked.currency),
                credit=account.ledger_code,
                amount=booked,
                description=f"refund from {auth.merchant_name}",
                metadata={"authorisation": str(auth.id), "rrn": auth.rrn},
            )
        )
    report.booked += 1
    _owed(report, -presented)


def _settle(book: Book, file_id: str, report: Report) -> None:
    """What the file made the bank owe the network, moved to its settlement account."""
    requests = []
    for code, net in sorted(report.net.items()):
        if net == 0:
            continue
        currency = Currency.of(code)
        books.open_house_accounts(book, currency)
        payable, settlement = books.network_payable(currency), books.settlement(currency)
        requests.append(
            transfer(
                f"issuer:clearing:{file_id}:settlement:{code}",
                debit=payable if net > 0 else settlement,
                credit=settlement if net > 0 else payable,
                amount=Money.of_minor(abs(net), currency),
                description=f"interbank settlement of clearing file {file_id}",
                metadata={"clearing_file": file_id},
            )
        )
    if requests:
        book.post_batch(requests)


def received(connection: Connection, since: dt.date | None = None) -> list[dict[str, Any]]:
    """The clearing files taken, newest first, with their reports."""
    c = tables.clearing_files.c
    query = sa.select(tables.clearing_files).order_by(c.received_at.desc())
    if since is not None:
        query = query.where(c.business_date >= since)
    return [dict(row) for row in connection.execute(query).mappings()]
