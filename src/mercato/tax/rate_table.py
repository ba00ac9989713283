"""Date-effective rate tables, read from the CSV files kept in `mercato/tax/data/`.

A table holds periods: (jurisdiction, category, percent, valid_from, valid_to). Exactly one
period, or none, covers a given jurisdiction, category and day; the loader refuses a file
whose periods overlap, so a rate change is a new row, never an edit of history. Each file
starts with `# key: value` lines naming its source, the day it was compiled and the first
day it covers.

    >>> import datetime as dt
    >>> from mercato.tax import TaxCategory, eu_vat_rates
    >>> str(eu_vat_rates().rate("EE", TaxCategory.STANDARD, dt.date(2025, 7, 1)).percent)
    '24'
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.resources
import io
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mercato.tax.categories import TaxCategory
from mercato.tax.errors import InvalidRateTable, NoRateOnDate

_PLAIN_PERCENT = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,4})?", re.ASCII)
_JURISDICTION = re.compile(r"[A-Z]{2}", re.ASCII)
_COLUMNS = ("category", "rate", "valid_from", "valid_to", "note")


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """One rate of one jurisdiction and category, from `valid_from` to `valid_to` inclusive.

    `percent` is exact: `Decimal("25.5")` is 25.5%. `valid_to` None: until further notice.
    """

    jurisdiction: str
    category: TaxCategory
    percent: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    note: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class AppliedRate:
    """The rate a table gives for a category on a day, and which bracket it came from.

    `applied_category` differs from `category` where the jurisdiction has no such bracket
    and the next higher one was used (see `TaxCategory.fallbacks`).
    """

    jurisdiction: str
    category: TaxCategory
    applied_category: TaxCategory
    percent: Decimal
    period: RatePeriod | None  # None for EXEMPT, which no table holds


@dataclass(frozen=True, slots=True)
class TableInfo:
    """Where a table's figures come from: shown in docs, receipts' footers and the API."""

    name: str
    source: str
    compiled: dt.date
    coverage_from: dt.date


class RateTable:
    """The periods of one table, looked up by jurisdiction, category and day."""

    def __init__(self, periods: Iterable[RatePeriod], info: TableInfo) -> None:
        self.info = info
        by_key: dict[tuple[str, TaxCategory], list[RatePeriod]] = defaultdict(list)
        for period in periods:
            by_key[(period.jurisdiction, period.category)].append(period)
        for key, group in by_key.items():
            group.sort(key=lambda period: period.valid_from)
            _refuse_overlaps(key, group, info.name)
        self._periods = {key: tuple(group) for key, group in by_key.items()}
        self.jurisdictions: frozenset[str] = frozenset(j for j, _ in self._periods)

    @property
    def periods(self) -> tuple[RatePeriod, ...]:
        """Every period, by jurisdiction, category and start date."""
        return tuple(period for key in sorted(self._periods) for period in self._periods[key])

    def period(self, jurisdiction: str, category: TaxCategory, day: dt.date) -> RatePeriod | None:
        """The period of exactly this bracket covering `day`, or None. No fallback."""
        _require_date(day)
        for period in self._periods.get((jurisdiction, category), ()):
            if period.covers(day):
                return period
        return None

    def rate(self, jurisdiction: str, category: TaxCategory, day: dt.date) -> AppliedRate:
        """The rate for `category` in `jurisdiction` on `day`.

        Where the jurisdiction has no such bracket on that day, the next higher bracket's
        rate is used (super-reduced, second reduced, reduced, standard). `EXEMPT` is 0
        everywhere. Raises `NoRateOnDate` when the table covers neither the jurisdiction
        nor the day.
        """
        _require_date(day)
        if not isinstance(category, TaxCategory):
            raise TypeError(f"category must be a TaxCategory, not {category!r}")
        if category is TaxCategory.EXEMPT:
            return AppliedRate(jurisdiction, category, category, Decimal(0), None)
        if jurisdiction not in self.jurisdictions:
            raise NoRateOnDate(f"the {self.info.name} table has no rates for {jurisdiction}")
        for bracket in category.fallbacks:
            period = self.period(jurisdiction, bracket, day)
            if period is not None:
                return AppliedRate(jurisdiction, category, bracket, period.percent, period)
        raise NoRateOnDate(
            f"the {self.info.name} table has no {category.value} rate for {jurisdiction} on "
            f"{day.isoformat()} (it covers {self.info.coverage_from.isoformat()} onwards, "
            f"compiled {self.info.compiled.isoformat()})"
        )

    @classmethod
    def from_csv(cls, text: str, *, name: str, key_column: str) -> RateTable:
        """A table from CSV text: `# key: value` header lines, then a header row naming
        `key_column` and category, rate, valid_from, valid_to, note. Raises `InvalidRateTable`.
        """
        meta: dict[str, str] = {}
        body: list[str] = []
        for line in text.splitlines():
            if line.startswith("#"):
                key, colon, value = line[1:].partition(":")
                if colon and key.strip().isidentifier():
                    meta[key.strip()] = value.strip()
                continue
            if line.strip():
                body.append(line)
        info = TableInfo(
            name=name,
            source=_required(meta, "source", name),
            compiled=_parse_date(_required(meta, "compiled", name), f"{name}: compiled"),
            coverage_from=_parse_date(_required(meta, "coverage", name), f"{name}: coverage"),
        )
        reader = csv.DictReader(io.StringIO("\n".join(body)))
        expected = (key_column, *_COLUMNS)
        if tuple(reader.fieldnames or ()) != expected:
            raise InvalidRateTable(f"{name}: the columns must be {', '.join(expected)}")
        periods = [
            _period(row, key_column, info, line_number)
            for line_number, row in enumerate(reader, start=2)
        ]
        return cls(periods, info)


@functools.cache
def eu_vat_rates() -> RateTable:
    """The EU VAT table kept in the repository (`data/eu_vat_rates.csv`), loaded once."""
    return RateTable.from_csv(_data("eu_vat_rates.csv"), name="EU VAT", key_column="country")


@functools.cache
def us_sales_tax_rates() -> RateTable:
    """The US state sales tax table (`data/us_sales_tax_rates.csv`), loaded once."""
    return RateTable.from_csv(
        _data("us_sales_tax_rates.csv"), name="US sales tax", key_column="state"
    )


def _data(filename: str) -> str:
    return importlib.resources.files("mercato.tax").joinpath("data", filename).read_text("utf-8")


def _period(row: dict[str, str], key_column: str, info: TableInfo, line: int) -> RatePeriod:
    where = f"{info.name}, row {line}"
    jurisdiction = row[key_column]
    if not _JURISDICTION.fullmatch(jurisdiction or ""):
        raise InvalidRateTable(f"{where}: {jurisdiction!r} is not a two-letter code")
    try:
        category = TaxCategory(row["category"])
    except ValueError:
        raise InvalidRateTable(f"{where}: unknown category {row['category']!r}") from None
    if category is TaxCategory.EXEMPT:
        raise InvalidRateTable(f"{where}: exempt is never in a table")
    if not _PLAIN_PERCENT.fullmatch(row["rate"] or ""):
        raise InvalidRateTable(f"{where}: {row['rate']!r} is not a percentage such as 25.5")
    try:
        percent = Decimal(row["rate"])
    except InvalidOperation:  # pragma: no cover - the pattern above admits only decimals
        raise InvalidRateTable(f"{where}: {row['rate']!r} is not a number") from None
    valid_from = _parse_date(row["valid_from"], where)
    valid_to = _parse_date(row["valid_to"], where) if row["valid_to"] else None
    if valid_to is not None and valid_to < valid_from:
        raise InvalidRateTable(f"{where}: valid_to is before valid_from")
    if valid_from < info.coverage_from:
        raise InvalidRateTable(f"{where}: starts before the table's coverage")
    return RatePeriod(jurisdiction, category, percent, valid_from, valid_to, row["note"] or "")


def _refuse_overlaps(key: tuple[str, TaxCategory], group: list[RatePeriod], name: str) -> None:
    for earlier, later in itertools.pairwise(group):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            raise InvalidRateTable(
                f"{name}: two {key[1].value} rates of {key[0]} overlap "
                f"({earlier.valid_from.isoformat()} and {later.valid_from.isoformat()})"
            )


def _required(meta: dict[str, str], key: str, name: str) -> str:
    value = meta.get(key, "")
    if not value:
        raise InvalidRateTable(f"{name}: the file must say its {key} in a '# {key}:' line")
    return value


def _parse_date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise InvalidRateTable(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def _require_date(day: object) -> None:
    # A datetime is a date too, but tax is due by the calendar day of supply in the shop's
    # time zone: the caller must decide which day that is, not this module.
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"a rate is looked up by a date (the day of supply), not {day!r}")
