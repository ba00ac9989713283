"""How a NACHA record is laid out: 94 characters, fields at fixed positions.

Positions below are 1-based and inclusive, as the NACHA Operating Rules print them. Numeric
fields are zero-filled on the left; alphanumeric fields are left-justified and blank-filled.
Amounts are in cents without a decimal point: ``0000012345`` is $123.45. A value wider than
its field is refused, never truncated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum

from stdnum.us import rtn

from mercato.bankfiles.errors import AmountOutOfRange, BadRecord, InvalidReference, UnwritableFile

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
PADDING = "9" * RECORD_LENGTH

CHECKING_CREDIT = 22
SAVINGS_CREDIT = 32
CHECKING_CREDIT_RETURN = 21
SAVINGS_CREDIT_RETURN = 31
CREDIT_CODES = frozenset({21, 22, 23, 24, 31, 32, 33, 34})
DEBIT_CODES = frozenset({26, 27, 28, 29, 36, 37, 38, 39})
RETURN_CODES = frozenset({21, 26, 31, 36})

MIXED, CREDITS_ONLY, DEBITS_ONLY = 200, 220, 225
SERVICE_CLASSES = frozenset({MIXED, CREDITS_ONLY, DEBITS_ONLY})


class SecCode(StrEnum):
    """Standard Entry Class: CCD pays a company's account, PPD a person's."""

    CCD = "CCD"
    PPD = "PPD"


Layout = tuple[tuple[str, int, int], ...]

FILE_HEADER: Layout = (
    ("record_type", 1, 1), ("priority_code", 2, 3), ("immediate_destination", 4, 13),
    ("immediate_origin", 14, 23), ("creation_date", 24, 29), ("creation_time", 30, 33),
    ("file_id_modifier", 34, 34), ("record_size", 35, 37), ("blocking_factor", 38, 39),
    ("format_code", 40, 40), ("destination_name", 41, 63), ("origin_name", 64, 86),
    ("reference_code", 87, 94),
)  # fmt: skip
BATCH_HEADER: Layout = (
    ("record_type", 1, 1), ("service_class", 2, 4), ("company_name", 5, 20),
    ("discretionary_data", 21, 40), ("company_id", 41, 50), ("sec_code", 51, 53),
    ("entry_description", 54, 63), ("descriptive_date", 64, 69), ("effective_date", 70, 75),
    ("settlement_date", 76, 78), ("originator_status", 79, 79), ("odfi", 80, 87),
    ("batch_number", 88, 94),
)  # fmt: skip
ENTRY_DETAIL: Layout = (
    ("record_type", 1, 1), ("transaction_code", 2, 3), ("rdfi", 4, 11), ("check_digit", 12, 12),
    ("account_number", 13, 29), ("amount", 30, 39), ("identification", 40, 54),
    ("name", 55, 76), ("discretionary_data", 77, 78), ("addenda_indicator", 79, 79),
    ("trace_number", 80, 94),
)  # fmt: skip
ADDENDA_05: Layout = (
    ("record_type", 1, 1), ("addenda_type", 2, 3), ("payment_information", 4, 83),
    ("sequence", 84, 87), ("entry_sequence", 88, 94),
)  # fmt: skip
ADDENDA_99: Layout = (
    ("record_type", 1, 1), ("addenda_type", 2, 3), ("reason_code", 4, 6),
    ("original_trace", 7, 21), ("date_of_death", 22, 27), ("original_rdfi", 28, 35),
    ("information", 36, 79), ("trace_number", 80, 94),
)  # fmt: skip
BATCH_CONTROL: Layout = (
    ("record_type", 1, 1), ("service_class", 2, 4), ("entry_addenda_count", 5, 10),
    ("entry_hash", 11, 20), ("total_debit", 21, 32), ("total_credit", 33, 44),
    ("company_id", 45, 54), ("authentication_code", 55, 73), ("reserved", 74, 79),
    ("odfi", 80, 87), ("batch_number", 88, 94),
)  # fmt: skip
FILE_CONTROL: Layout = (
    ("record_type", 1, 1), ("batch_count", 2, 7), ("block_count", 8, 13),
    ("entry_addenda_count", 14, 21), ("entry_hash", 22, 31), ("total_debit", 32, 43),
    ("total_credit", 44, 55), ("reserved", 56, 94),
)  # fmt: skip


def numeric(value: int, width: int, what: str, *, money: bool = False) -> str:
    """`value` zero-filled to `width` digits; refused (never truncated) when it does not fit.

    A sum of money that does not fit is `AmountOutOfRange`; any other number, `UnwritableFile`.
    """
    text = str(value)
    if value < 0 or len(text) > width:
        error = AmountOutOfRange if money else UnwritableFile
        raise error(f"{what} {value} does not fit a {width}-digit NACHA field")
    return text.zfill(width)


def alpha(text: str, width: int, what: str) -> str:
    """`text` left-justified and blank-filled to `width`; refused when longer."""
    if len(text) > width or not all(" " <= char <= "~" for char in text):
        raise InvalidReference(f"{what} {text!r} does not fit a {width}-character NACHA field")
    return text.ljust(width)


def render(layout: Layout, fields: Mapping[str, str]) -> str:
    """Join already-formatted fields in layout order into one 94-character record."""
    line = "".join(fields[name] for name, _start, _end in layout)
    assert len(line) == RECORD_LENGTH, (layout[0], len(line))  # a bug in a layout, not input
    return line


def cut(layout: Layout, line: str) -> dict[str, str]:
    """Split a 94-character record into its fields, by position."""
    return {name: line[start - 1 : end] for name, start, end in layout}


def check_digit(first8: str) -> str:
    """The ABA check digit completing an 8-digit DFI identification to a routing number."""
    return str(rtn.calc_check_digit(first8))


class FieldReader:
    """Typed reading of one record's fields, naming the line and field on any defect."""

    def __init__(self, layout: Layout, line: str, where: str) -> None:
        self.where = where
        self.raw = cut(layout, line)

    def fail(self, problem: str) -> BadRecord:
        return BadRecord(self.where, problem)

    def text(self, name: str) -> str:
        return self.raw[name].rstrip()

    def digits(self, name: str) -> str:
        value = self.raw[name]
        if not value.isdigit() or not value.isascii():
            raise self.fail(f"{name.replace('_', ' ')} {value!r} is not numeric")
        return value

    def number(self, name: str) -> int:
        return int(self.digits(name))

    def fixed(self, name: str, expected: str) -> None:
        if self.raw[name] != expected:
            raise self.fail(f"{name.replace('_', ' ')} is {self.raw[name]!r}, not {expected!r}")

    def date(self, name: str) -> dt.date:
        value = self.digits(name)
        try:
            return dt.date(2000 + int(value[:2]), int(value[2:4]), int(value[4:]))
        except ValueError:
            raise self.fail(f"{name.replace('_', ' ')} {value!r} is not a YYMMDD date") from None
