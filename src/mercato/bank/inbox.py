"""Receiving a customer's payout file: read it whole, keep it, and name its processing day.

A file is read with mercato.bankfiles when it arrives, so one the bank cannot parse is
refused at once with the line or element at fault; what it asks for is done only on its
processing day (``payouts``). The same name with the same bytes is the same file (a retry);
with other bytes it is refused: a customer never overwrites a file it sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from mercato.bank import business_days, records
from mercato.bank.errors import FileNameReused, InvalidRequest, UnreadableFile
from mercato.bank.records import BankFile, Customer, Direction, FileKind, FileStatus
from mercato.bankfiles.errors import BankFileError
from mercato.bankfiles.nacha import AchFile, read_ach_file
from mercato.bankfiles.pain001 import CreditTransferInitiation, read_pain001
from mercato.gateway.ids import new_id
from mercato.ledger import Book

MAX_NAME = 200


@dataclass(frozen=True)
class Received:
    file: BankFile
    created: bool  # False: the same file was sent before


def read(content: bytes) -> AchFile | CreditTransferInitiation:
    """The file as bankfiles reads it; an XML document is a pain.001, anything else NACHA."""
    try:
        if content.lstrip()[:1] == b"<":
            return read_pain001(content)
        try:
            text = content.decode("ascii")
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                f"a NACHA file is ASCII text; byte {error.start + 1} is not"
            ) from None
        return read_ach_file(text)
    except BankFileError as error:
        raise UnreadableFile(str(error)) from None


def kind_of(parsed: AchFile | CreditTransferInitiation) -> FileKind:
    return FileKind.NACHA if isinstance(parsed, AchFile) else FileKind.PAIN001


def receive(book: Book, customer: Customer, name: str, content: bytes) -> Received:
    """Keep a payout file for its processing day; the same file again is answered as before."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or "/" in name or "\\" in name:
        raise InvalidRequest(f"a file name is 1 to {MAX_NAME} characters without slashes")
    digest = hashlib.sha256(content).hexdigest()
    existing = records.file_by_name(book.connection, customer.id, Direction.IN, name)
    if existing is None:
        parsed = read(content)
        if isinstance(parsed, AchFile):
            for _header, entry in parsed.entries():
                if not entry.detail.is_credit:
                    raise InvalidRequest(
                        f"entry {entry.detail.trace_number} is a debit: the bank takes payout "
                        "files of credit entries only"
                    )
        now = book.ledger.clock.now()
        day = business_days.processing_day_of(now)
        row = {
            "id": new_id("bf"),
            "customer_id": customer.id,
            "direction": Direction.IN.value,
            "name": name,
            "kind": kind_of(parsed).value,
            "content": content,
            "digest": digest,
            "status": FileStatus.RECEIVED.value,
            "processing_day": day,
            "applied": None,
            "returned": None,
            "created_at": now,
            "processed_at": None,
        }
        if records.claim_file(book.connection, row):
            records.note_day(book.connection, day)
            return Received(records.file(book.connection, str(row["id"])), created=True)
        existing = records.file_by_name(book.connection, customer.id, Direction.IN, name)
        assert existing is not None, "the name was taken by a file that exists"
    if existing.digest != digest:
        raise FileNameReused(
            f"a different file named {name!r} was received before; send new files under new names"
        )
    return Received(existing, created=False)


def produce(book: Book, customer_id: object, name: str, kind: FileKind, content: bytes) -> BankFile:
    """Offer a file the bank made to a customer (once per name: making it again is a no-op)."""
    now = book.ledger.clock.now()
    row = {
        "id": new_id("bf"),
        "customer_id": customer_id,
        "direction": Direction.OUT.value,
        "name": name,
        "kind": kind.value,
        "content": content,
        "digest": hashlib.sha256(content).hexdigest(),
        "status": FileStatus.AVAILABLE.value,
        "processing_day": business_days.processing_day_of(now),
        "applied": None,
        "returned": None,
        "created_at": now,
        "processed_at": None,
    }
    records.claim_file(book.connection, row)
    found = records.file_by_name(book.connection, customer_id, Direction.OUT, name)  # type: ignore[arg-type]
    assert found is not None
    return found
