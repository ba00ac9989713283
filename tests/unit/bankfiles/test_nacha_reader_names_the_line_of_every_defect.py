"""The bank reads a NACHA file record by record, and says on which line a bad file goes wrong.

Each test takes a good file (four payouts, twenty lines: records 1-12 and eight padding
records) and breaks one thing in it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bankfile_examples import EFFECTIVE, NOW, ORIGINATOR, ach_payout, us_account

from mercato.bankfiles.errors import (
    BadBlocking,
    BadRecord,
    ControlMismatch,
    MalformedFile,
    RecordOutOfOrder,
)
from mercato.bankfiles.nacha import read_ach_file, write_payout_file


def good_lines() -> list[str]:
    payouts = [
        ach_payout("po_1", 12345, account=us_account("011000015")),
        ach_payout("po_2", 100, account=us_account("021000021")),
        ach_payout("po_3", 250000, account=us_account("121000358")),
        ach_payout("po_4", 1, account=us_account("026009593")),
    ]
    text = write_payout_file(
        payouts, originator=ORIGINATOR, created_at=NOW, effective_date=EFFECTIVE
    ).text
    return text.splitlines()


def put(line: str, start: int, value: str) -> str:
    """`line` with `value` written over it from position `start` (counted from 1)."""
    return line[: start - 1] + value + line[start - 1 + len(value) :]


def read(lines: list[str]) -> None:
    read_ach_file("\n".join(lines) + "\n")


def test_the_good_file_reads() -> None:
    read(good_lines())


Breakage = Callable[[list[str]], None]


def change(index: int, start: int, value: str) -> Breakage:
    def breaking(lines: list[str]) -> None:
        lines[index] = put(lines[index], start, value)

    return breaking


def swap(first: int, second: int) -> Breakage:
    def breaking(lines: list[str]) -> None:
        lines[first], lines[second] = lines[second], lines[first]

    return breaking


def replace(index: int, line: str) -> Breakage:
    def breaking(lines: list[str]) -> None:
        lines[index] = line

    return breaking


def delete(index: int, count: int = 1) -> Breakage:
    def breaking(lines: list[str]) -> None:
        del lines[index : index + count]

    return breaking


def swap_entries(lines: list[str]) -> None:
    lines[2:4], lines[4:6] = lines[4:6], lines[2:4]


CASES: list[tuple[str, Breakage, type[MalformedFile], str, str]] = [
    ("a short record", replace(2, good_lines()[2][:93]), BadRecord, "line 3", "93 characters"),
    ("a long record", replace(4, good_lines()[4] + " "), BadRecord, "line 5", "95 characters"),
    ("non-ASCII text", change(2, 55, "É"), BadRecord, "line 3", "not ASCII"),
    ("letters in an amount", change(2, 30, "00000123AB"), BadRecord, "line 3", "not numeric"),
    ("a wrong check digit", change(2, 12, "6"), BadRecord, "line 3", "check digit"),
    ("an unknown transaction code", change(2, 2, "42"), BadRecord, "line 3", "code 42"),
    ("a debit in a credit batch", change(2, 2, "27"), BadRecord, "line 3", "debit"),
    ("an unsupported entry class", change(1, 51, "WEB"), BadRecord, "line 2", "WEB"),
    ("a bad record size", change(0, 35, "095"), BadRecord, "line 1", "record size"),
    ("a bad blocking factor", change(0, 38, "20"), BadRecord, "line 1", "blocking factor"),
    ("an impossible date", change(1, 70, "261340"), BadRecord, "line 2", "YYMMDD"),
    ("an unknown addenda type", change(3, 2, "02"), BadRecord, "line 4", "addenda type"),
    ("a misnumbered addenda", change(3, 88, "0000009"), BadRecord, "line 4", "sequence"),
    ("a foreign trace number", change(2, 80, "02100002"), BadRecord, "line 3", "trace"),
    ("a missing file header", delete(0), RecordOutOfOrder, "line 1", "file header"),
    ("entries swapped", swap_entries, RecordOutOfOrder, "line 5", "trace number"),
    ("an addenda without entry", swap(2, 3), RecordOutOfOrder, "line 3", "entry detail"),
    (
        "an addenda not announced",
        change(2, 79, "0"),
        RecordOutOfOrder,
        "line 4",
        "indicator is 0",
    ),
    ("a lost addenda", delete(3), RecordOutOfOrder, "line 3", "no addenda record follows"),
    (
        "a second addenda",
        lambda lines: lines.insert(4, lines[3]),
        RecordOutOfOrder,
        "line 5",
        "one addenda at most",
    ),
    ("a missing batch control", delete(10), RecordOutOfOrder, "line 11", "batch control"),
    ("a wrong batch count", change(10, 5, "000007"), ControlMismatch, "line 11", "count"),
    ("a wrong batch hash", change(10, 11, "0017900998"), ControlMismatch, "line 11", "hash"),
    ("a wrong batch credit", change(10, 33, "000000262447"), ControlMismatch, "line 11", "credit"),
    ("a wrong batch debit", change(10, 21, "000000000001"), ControlMismatch, "line 11", "debit"),
    ("a changed amount", change(2, 30, "0000012346"), ControlMismatch, "line 11", "credit"),
    ("a wrong batch number", change(10, 88, "0000002"), ControlMismatch, "line 11", "batch number"),
    (
        "a wrong file batch count",
        change(11, 2, "000002"),
        ControlMismatch,
        "line 12",
        "batch count",
    ),
    ("a wrong block count", change(11, 8, "000003"), ControlMismatch, "line 12", "block count"),
    ("a wrong file hash", change(11, 22, "0017900990"), ControlMismatch, "line 12", "entry hash"),
    ("a wrong file credit", change(11, 44, "000000262445"), ControlMismatch, "line 12", "credit"),
    ("a wrong file count", change(11, 14, "00000009"), ControlMismatch, "line 12", "count"),
    ("no padding", delete(12, 8), BadBlocking, "file", "blocks of ten"),
    (
        "a block too many",
        lambda lines: lines.extend(["9" * 94] * 10),
        BadBlocking,
        "file",
        "18 padding",
    ),
    ("a broken padding record", change(15, 40, "0"), RecordOutOfOrder, "line 16", "padding"),
    (
        "a record after the end",
        replace(12, good_lines()[2]),
        RecordOutOfOrder,
        "line 13",
        "padding",
    ),
    ("no file control", delete(11, 9), RecordOutOfOrder, "line 12", "file control"),
]


@pytest.mark.parametrize(
    ("breakage", "error", "where", "problem"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_broken_file_is_refused_naming_where(
    breakage: Breakage, error: type[MalformedFile], where: str, problem: str
) -> None:
    lines = good_lines()
    breakage(lines)
    with pytest.raises(error) as refused:
        read(lines)
    assert refused.value.where.startswith(where), refused.value
    assert problem in refused.value.problem, refused.value
    assert isinstance(refused.value, MalformedFile)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(BadRecord, match="empty"):
        read_ach_file("")


def test_a_mistake_in_a_control_record_reads_as_that_records_line() -> None:
    lines = good_lines()
    lines[10] = put(lines[10], 33, "000000262447")
    with pytest.raises(ControlMismatch) as refused:
        read(lines)
    assert str(refused.value) == (
        "line 11 (batch control): total credit amount is 262447, but the records make it 262446"
    )
