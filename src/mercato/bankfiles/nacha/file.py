"""A whole NACHA file: a header, batches of entries, a control record, blocked to ten.

The control figures are computed here once, for the writers (`close_batch`, `close_file`)
and for the reader, which recomputes them and compares them with what a file claims:

- entry/addenda count: the number of 6 and 7 records;
- entry hash: the sum of the receiving DFI identifications (the first 8 digits of each
  entry's routing number), keeping the last 10 digits;
- totals: debit and credit entry amounts in cents, by transaction code;
- block count: records, padding included, divided by the blocking factor of 10. A file
  whose record count is not a multiple of 10 is padded with records of ninety-four 9s.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mercato.bankfiles.nacha.layout import (
    BLOCKING_FACTOR,
    CREDITS_ONLY,
    DEBITS_ONLY,
    MIXED,
    PADDING,
)
from mercato.bankfiles.nacha.records import (
    Addenda,
    BatchControl,
    BatchHeader,
    EntryDetail,
    FileControl,
    FileHeader,
    Totals,
)

_HASH_MODULUS = 10**10


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry detail record with the addenda records that follow it."""

    detail: EntryDetail
    addenda: tuple[Addenda, ...] = ()


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch header, its entries, and the control record that closes it."""

    header: BatchHeader
    entries: tuple[Entry, ...]
    control: BatchControl


@dataclass(frozen=True, slots=True)
class AchFile:
    """A NACHA file, as written or as read and checked."""

    header: FileHeader
    batches: tuple[Batch, ...]
    control: FileControl

    def entries(self) -> Iterator[tuple[BatchHeader, Entry]]:
        """Every entry with the header of its batch, in file order."""
        for batch in self.batches:
            for entry in batch.entries:
                yield batch.header, entry

    def records(self) -> list[str]:
        """Every record, padding included, as 94-character lines."""
        lines = [self.header.line()]
        for batch in self.batches:
            lines.append(batch.header.line())
            for entry in batch.entries:
                lines.append(entry.detail.line())
                lines.extend(addenda.line() for addenda in entry.addenda)
            lines.append(batch.control.line())
        lines.append(self.control.line())
        return lines + [PADDING] * padding_needed(len(lines))

    def text(self) -> str:
        """The file as transmitted: one record a line, each line ending in a newline."""
        return "".join(f"{line}\n" for line in self.records())


def padding_needed(record_count: int) -> int:
    """How many 9-records fill the last block of `record_count` records."""
    return -record_count % BLOCKING_FACTOR


def entry_totals(entries: Sequence[Entry]) -> Totals:
    """Counts, entry hash and debit/credit totals (cents) of some entries.

    The hash sums each entry's 8-digit receiving DFI identification and keeps the last
    10 digits, as the Rules define it.
    """
    return Totals(
        entry_addenda_count=sum(1 + len(entry.addenda) for entry in entries),
        entry_hash=sum(int(entry.detail.rdfi) for entry in entries) % _HASH_MODULUS,
        total_debit=sum(entry.detail.amount for entry in entries if not entry.detail.is_credit),
        total_credit=sum(entry.detail.amount for entry in entries if entry.detail.is_credit),
    )


def file_totals(batches: Sequence[Batch]) -> Totals:
    """The file control's figures: the sums of its batches' figures (hash: last 10 digits)."""
    return Totals(
        entry_addenda_count=sum(batch.control.totals.entry_addenda_count for batch in batches),
        entry_hash=sum(batch.control.totals.entry_hash for batch in batches) % _HASH_MODULUS,
        total_debit=sum(batch.control.totals.total_debit for batch in batches),
        total_credit=sum(batch.control.totals.total_credit for batch in batches),
    )


def service_class_for(entries: Sequence[Entry]) -> int:
    """220 for a batch of credits only, 225 for debits only, 200 for a mix."""
    credits = {entry.detail.is_credit for entry in entries}
    if credits == {True}:
        return CREDITS_ONLY
    if credits == {False}:
        return DEBITS_ONLY
    return MIXED


def block_count(batches: Sequence[Batch]) -> int:
    """Blocks of ten records the file fills, padding included."""
    records = 2 + sum(2 + batch.control.totals.entry_addenda_count for batch in batches)
    return (records + padding_needed(records)) // BLOCKING_FACTOR


def close_batch(header: BatchHeader, entries: Sequence[Entry]) -> Batch:
    """A batch with the control record its entries call for."""
    control = BatchControl(
        service_class=header.service_class,
        totals=entry_totals(entries),
        company_id=header.company_id,
        odfi=header.odfi,
        batch_number=header.batch_number,
    )
    return Batch(header=header, entries=tuple(entries), control=control)


def close_file(header: FileHeader, batches: Sequence[Batch]) -> AchFile:
    """A file with the control record its batches call for."""
    control = FileControl(
        batch_count=len(batches), block_count=block_count(batches), totals=file_totals(batches)
    )
    return AchFile(header=header, batches=tuple(batches), control=control)
