"""The clearing file (MCF1): the acquirer presents a day's captures and refunds to an issuer.

Authorisation (0100) only holds money; the clearing file is the financial presentment that
the issuer books from, once a day after the acquirer's cut-off. Its layout is specified in
docs/clearing.md; in short, UTF-8 text, one record a line, fields separated by ``|``:

    H|MCF1|<file id>|<acquirer id>|<issuer>|<business date>|<created at>
    D|<sequence>|SALE or REFUND|<presentment id>|<rrn of the authorisation>|<amount>|<currency>
    T|<detail count>|<currency>=<sales>,<sales total>,<refunds>,<refunds total>;...

A file names no card: each record points at its authorisation by retrieval reference
number (field 37), which the issuer already knows. Amounts are minor units of the
transaction's currency. Files are written and read a record at a time, so a file of a
million presentments never sits in memory.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from mercato.money import Currency, UnknownCurrency

FORMAT = "MCF1"
_RRN = re.compile(r"[0-9A-Z]{12}")
_ID = re.compile(r"[0-9A-Za-z_.:-]{1,64}")
_MAX_AMOUNT = 10**15


class ClearingFileError(ValueError):
    """A clearing file that breaks the format; the message names the line."""

    code = "clearing_file_invalid"


class Kind(enum.StrEnum):
    SALE = "SALE"  # the cardholder pays the merchant
    REFUND = "REFUND"  # the merchant pays the cardholder back


@dataclass(frozen=True)
class Header:
    file_id: str
    acquirer_id: str
    issuer: str
    business_date: dt.date
    created_at: dt.datetime


@dataclass(frozen=True)
class Presentment:
    """One record: ``amount`` of ``currency`` for the authorisation with ``rrn``."""

    sequence: int
    kind: Kind
    presentment_id: str
    rrn: str
    amount: int
    currency: Currency


@dataclass
class Totals:
    """Per currency: how many sales and refunds, and their sums in minor units."""

    sales: int = 0
    sales_total: int = 0
    refunds: int = 0
    refunds_total: int = 0

    def add(self, presentment: Presentment) -> None:
        if presentment.kind is Kind.SALE:
            self.sales += 1
            self.sales_total += presentment.amount
        else:
            self.refunds += 1
            self.refunds_total += presentment.amount

    @property
    def net(self) -> int:
        """What the issuer owes the acquirer for these records (negative: the other way)."""
        return self.sales_total - self.refunds_total


@dataclass
class Trailer:
    count: int = 0
    by_currency: dict[str, Totals] = field(default_factory=dict)

    def add(self, presentment: Presentment) -> None:
        self.count += 1
        self.by_currency.setdefault(presentment.currency.code, Totals()).add(presentment)


def _check_id(value: str, what: str) -> str:
    if not _ID.fullmatch(value):
        raise ClearingFileError(f"{what} {value!r} is not 1 to 64 letters, digits or _.:-")
    return value


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ClearingFileWriter:
    """Writes one file to ``out``: the header at once, a line per `add`, the trailer at
    `close`, which returns it."""

    def __init__(self, out: TextIO, header: Header) -> None:
        for value, what in (
            (header.file_id, "file id"),
            (header.acquirer_id, "acquirer id"),
            (header.issuer, "issuer"),
        ):
            _check_id(value, what)
        self._out = out
        self.trailer = Trailer()
        out.write(
            f"H|{FORMAT}|{header.file_id}|{header.acquirer_id}|{header.issuer}|"
            f"{header.business_date.isoformat()}|{_timestamp(header.created_at)}\n"
        )

    def add(
        self, kind: Kind, presentment_id: str, rrn: str, amount: int, currency: Currency
    ) -> None:
        if not _RRN.fullmatch(rrn):
            raise ClearingFileError(f"rrn {rrn!r} is not 12 letters or digits")
        if not 0 < amount < _MAX_AMOUNT:
            raise ClearingFileError(f"amount {amount} is not between 1 and {_MAX_AMOUNT - 1}")
        presentment = Presentment(
            self.trailer.count + 1, kind, _check_id(presentment_id, "id"), rrn, amount, currency
        )
        self.trailer.add(presentment)
        self._out.write(
            f"D|{presentment.sequence}|{kind.value}|{presentment_id}|{rrn}|{amount}|"
            f"{currency.code}\n"
        )

    def close(self) -> Trailer:
        totals = ";".join(
            f"{code}={t.sales},{t.sales_total},{t.refunds},{t.refunds_total}"
            for code, t in sorted(self.trailer.by_currency.items())
        )
        self._out.write(f"T|{self.trailer.count}|{totals}\n")
        return self.trailer


@dataclass
class ClearingFileReader:
    """Reads a file a line at a time: `header` first, then iterate the presentments; the
    trailer is checked against what was read when the iteration ends."""

    lines: Iterator[str]
    header: Header = dataclasses.field(init=False)
    trailer: Trailer = dataclasses.field(init=False, default_factory=Trailer)
    _line: int = 0

    def __post_init__(self) -> None:
        fields = self._next("header")
        if len(fields) != 7 or fields[0] != "H" or fields[1] != FORMAT:
            raise self._error(f"expected a header 'H|{FORMAT}|...' of 7 fields")
        try:
            date = dt.date.fromisoformat(fields[5])
            created = dt.datetime.strptime(fields[6], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            raise self._error("the business date or creation time is malformed") from None
        try:
            self.header = Header(
                _check_id(fields[2], "file id"),
                _check_id(fields[3], "acquirer id"),
                _check_id(fields[4], "issuer"),
                date,
                created,
            )
        except ClearingFileError as error:
            raise self._error(str(error)) from None

    @classmethod
    def of(cls, text: Iterable[str]) -> ClearingFileReader:
        return cls(iter(text))

    def _error(self, message: str) -> ClearingFileError:
        return ClearingFileError(f"line {self._line}: {message}")

    def _next(self, what: str) -> list[str]:
        try:
            line = next(self.lines)
        except StopIteration:
            raise self._error(f"the file ends before its {what}") from None
        self._line += 1
        return line.rstrip("\r\n").split("|")

    def __iter__(self) -> Iterator[Presentment]:
        while True:
            fields = self._next("trailer")
            if fields[0] == "T":
                self._check_trailer(fields)
                return
            yield self._presentment(fields)

    def _presentment(self, fields: list[str]) -> Presentment:
        if len(fields) != 7 or fields[0] != "D":
            raise self._error("expected a detail record 'D|...' of 7 fields, or the trailer")
        _, sequence, kind, presentment_id, rrn, amount, currency = fields
        if sequence != str(self.trailer.count + 1):
            raise self._error(f"sequence {sequence} should be {self.trailer.count + 1}")
        try:
            presentment = Presentment(
                int(sequence),
                Kind(kind),
                _check_id(presentment_id, "id"),
                rrn,
                int(amount) if amount.isdigit() else -1,
                Currency.of(currency),
            )
        except (ValueError, UnknownCurrency, ClearingFileError) as error:
            raise self._error(str(error)) from None
        if not _RRN.fullmatch(rrn):
            raise self._error(f"rrn {rrn!r} is not 12 letters or digits")
        if not 0 < presentment.amount < _MAX_AMOUNT:
            raise self._error(f"amount {amount!r} is not a whole number from 1")
        self.trailer.add(presentment)
        return presentment

    def _check_trailer(self, fields: list[str]) -> None:
        if len(fields) != 3 or fields[1] != str(self.trailer.count):
            raise self._error(
                f"the trailer should count {self.trailer.count} records: T|{self.trailer.count}|..."
            )
        expected = ";".join(
            f"{code}={t.sales},{t.sales_total},{t.refunds},{t.refunds_total}"
            for code, t in sorted(self.trailer.by_currency.items())
        )
        if fields[2] != expected:
            raise self._error(f"the trailer's totals {fields[2]!r} should be {expected!r}")
        try:
            next(self.lines)
        except StopIteration:
            return
        self._line += 1
        raise self._error("nothing may follow the trailer")
