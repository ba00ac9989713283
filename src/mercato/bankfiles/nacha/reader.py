"""Reading a NACHA file back, checking it record by record as a receiving bank would.

`read_ach_file` accepts records one a line (``\\n`` or ``\\r\\n``) or run together without
line breaks, and refuses, naming the line (1-based), any file that breaks the format:

- a record not 94 printable ASCII characters, or with a field out of its format (a
  non-numeric amount, a wrong routing check digit, an unknown transaction code);
- records out of order: the file header first, then batches (5, entries 6 each followed by
  its 7s, 8), then the file control, then only padding;
- an addenda indicator that does not match the addenda that follow, trace numbers not
  ascending within a batch or not starting with the batch's originating DFI;
- control records whose counts, entry hash, debit or credit totals, batch numbers or
  company ids disagree with what they close;
- a record count that is not a multiple of ten, or padding that is not ninety-four 9s.
"""

from __future__ import annotations

from mercato.bankfiles.errors import (
    BadBlocking,
    BadRecord,
    ControlMismatch,
    RecordOutOfOrder,
)
from mercato.bankfiles.nacha.file import (
    AchFile,
    Batch,
    Entry,
    block_count,
    entry_totals,
    file_totals,
    padding_needed,
)
from mercato.bankfiles.nacha.layout import (
    BLOCKING_FACTOR,
    CREDITS_ONLY,
    DEBITS_ONLY,
    PADDING,
    RECORD_LENGTH,
)
from mercato.bankfiles.nacha.records import (
    Addenda,
    BatchControl,
    BatchHeader,
    EntryDetail,
    FileControl,
    FileHeader,
    RemittanceAddenda,
    ReturnAddenda,
    Totals,
    parse_addenda,
)

_NAMES = {
    "1": "file header",
    "5": "batch header",
    "6": "entry detail",
    "7": "addenda",
    "8": "batch control",
    "9": "file control",
}


def read_ach_file(text: str) -> AchFile:
    """Parse and check a NACHA file; `MalformedFile` (a subclass) names the first defect."""
    lines = _split(text)
    cursor = _Cursor(lines)
    header = FileHeader.parse(cursor.expect("1"), cursor.where)
    batches: list[Batch] = []
    while cursor.peek() == "5":
        batches.append(_read_batch(cursor, previous=batches[-1] if batches else None))
    control = FileControl.parse(cursor.expect("9"), cursor.where)
    control_line = cursor.number
    padding = lines[cursor.number :]
    for offset, line in enumerate(padding, cursor.number + 1):
        if line != PADDING:
            raise RecordOutOfOrder(
                f"line {offset} ({_NAMES.get(line[0], 'unknown record')})",
                "nothing but padding (all 9s) may follow the file control record",
            )
    if len(lines) % BLOCKING_FACTOR or len(padding) != padding_needed(control_line):
        raise BadBlocking(
            "file",
            f"{control_line} records and {len(padding)} padding records: "
            f"expected {padding_needed(control_line)} padding records to fill blocks of ten",
        )
    where = f"line {control_line} (file control)"
    _compare(where, "batch count", control.batch_count, len(batches))
    _compare(where, "block count", control.block_count, block_count(batches))
    _compare_totals(where, control.totals, file_totals(batches))
    return AchFile(header=header, batches=tuple(batches), control=control)


def _read_batch(cursor: _Cursor, previous: Batch | None) -> Batch:
    header = BatchHeader.parse(cursor.expect("5"), cursor.where)
    if previous is not None and header.batch_number <= previous.header.batch_number:
        raise RecordOutOfOrder(
            cursor.where,
            f"batch number {header.batch_number} does not follow {previous.header.batch_number}",
        )
    entries: list[Entry] = []
    while cursor.peek() == "6":
        entry = _read_entry(cursor, header)
        if entries and entry.detail.trace_number <= entries[-1].detail.trace_number:
            raise RecordOutOfOrder(
                cursor.entry_where,
                f"trace number {entry.detail.trace_number} is not above the previous one",
            )
        entries.append(entry)
    if cursor.peek() == "7":
        cursor.expect("7")
        raise RecordOutOfOrder(cursor.where, "an addenda record must follow its entry detail")
    control = BatchControl.parse(cursor.expect("8"), cursor.where)
    where = cursor.where
    _compare(where, "service class code", control.service_class, header.service_class)
    _compare(where, "company identification", control.company_id, header.company_id)
    _compare(where, "originating DFI", control.odfi, header.odfi)
    _compare(where, "batch number", control.batch_number, header.batch_number)
    _compare_totals(where, control.totals, entry_totals(entries))
    return Batch(header=header, entries=tuple(entries), control=control)


def _read_entry(cursor: _Cursor, header: BatchHeader) -> Entry:
    detail = EntryDetail.parse(cursor.expect("6"), cursor.where)
    cursor.entry_where = cursor.where
    if not detail.trace_number.startswith(header.odfi):
        raise BadRecord(
            cursor.where,
            f"trace number {detail.trace_number} does not start with the batch's "
            f"originating DFI {header.odfi}",
        )
    if header.service_class == CREDITS_ONLY and not detail.is_credit:
        raise BadRecord(cursor.where, "a debit in a batch of credits only (service class 220)")
    if header.service_class == DEBITS_ONLY and detail.is_credit:
        raise BadRecord(cursor.where, "a credit in a batch of debits only (service class 225)")
    addenda: list[Addenda] = []
    while cursor.peek() == "7":
        line = cursor.expect("7")
        if not detail.has_addenda:
            raise RecordOutOfOrder(cursor.where, "addenda after an entry whose indicator is 0")
        if addenda:
            raise RecordOutOfOrder(cursor.where, "a PPD or CCD entry carries one addenda at most")
        addenda.append(_checked_addenda(parse_addenda(line, cursor.where), detail, cursor.where))
    if detail.has_addenda and not addenda:
        raise RecordOutOfOrder(
            cursor.entry_where, "the addenda indicator is 1 but no addenda record follows"
        )
    return Entry(detail=detail, addenda=tuple(addenda))


def _checked_addenda(addenda: Addenda, detail: EntryDetail, where: str) -> Addenda:
    if isinstance(addenda, RemittanceAddenda):
        _compare(where, "addenda sequence number", addenda.sequence, 1, error=BadRecord)
        _compare(
            where, "entry detail sequence number", addenda.entry_sequence,
            detail.trace_number[-7:], error=BadRecord,
        )  # fmt: skip
    if isinstance(addenda, ReturnAddenda):
        _compare(where, "trace number", addenda.trace_number, detail.trace_number, error=BadRecord)
    return addenda


def _split(text: str) -> list[str]:
    if "\n" in text:
        lines = text.splitlines()
    elif text and len(text) % RECORD_LENGTH == 0:
        lines = [text[i : i + RECORD_LENGTH] for i in range(0, len(text), RECORD_LENGTH)]
    else:
        lines = [text] if text else []
    while lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise BadRecord("line 1", "the file is empty")
    for number, line in enumerate(lines, 1):
        name = _NAMES.get(line[:1], "unknown record")
        if len(line) != RECORD_LENGTH:
            raise BadRecord(f"line {number} ({name})", f"is {len(line)} characters, not 94")
        if not all(" " <= char <= "~" for char in line):
            raise BadRecord(f"line {number} ({name})", "has a character that is not ASCII text")
    return lines


class _Cursor:
    """Walks the records in order, saying where each one is for error messages."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.number = 0
        self.where = "line 0"
        self.entry_where = "line 0"

    def peek(self) -> str | None:
        return self.lines[self.number][0] if self.number < len(self.lines) else None

    def expect(self, record_type: str) -> str:
        """The next record, which must be of `record_type`."""
        if self.number >= len(self.lines):
            raise RecordOutOfOrder(
                f"line {self.number + 1}", f"the file ends where a {_NAMES[record_type]} belongs"
            )
        line = self.lines[self.number]
        self.number += 1
        self.where = f"line {self.number} ({_NAMES.get(line[0], 'unknown record')})"
        if line[0] != record_type:
            raise RecordOutOfOrder(self.where, f"expected a {_NAMES[record_type]} record here")
        return line


def _compare(
    where: str,
    what: str,
    claimed: object,
    actual: object,
    *,
    error: type[BadRecord] | type[ControlMismatch] = ControlMismatch,
) -> None:
    if claimed != actual:
        raise error(where, f"{what} is {claimed}, but the records make it {actual}")


def _compare_totals(where: str, claimed: Totals, actual: Totals) -> None:
    _compare(where, "entry/addenda count", claimed.entry_addenda_count, actual.entry_addenda_count)
    _compare(where, "entry hash", claimed.entry_hash, actual.entry_hash)
    _compare(where, "total debit amount", claimed.total_debit, actual.total_debit)
    _compare(where, "total credit amount", claimed.total_credit, actual.total_credit)
