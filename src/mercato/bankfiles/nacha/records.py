"""The six NACHA record types (1, 5, 6, 7, 8, 9) as immutable values.

Each renders itself (`line`) and is read back with `parse`, which refuses a malformed record
naming its line. Only the PPD and CCD entry layouts are supported: CTX, IAT and the other
entry classes lay out their records differently. Addenda of type 05 (remittance) and 99
(return) are understood.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mercato.bankfiles.errors import BadRecord, InvalidReference
from mercato.bankfiles.nacha.layout import (
    ADDENDA_05,
    ADDENDA_99,
    BATCH_CONTROL,
    BATCH_HEADER,
    CREDIT_CODES,
    DEBIT_CODES,
    ENTRY_DETAIL,
    FILE_CONTROL,
    FILE_HEADER,
    SERVICE_CLASSES,
    FieldReader,
    SecCode,
    alpha,
    check_digit,
    numeric,
    render,
)


@dataclass(frozen=True, slots=True)
class FileHeader:
    """Record 1: who sends the file to whom, and when it was made."""

    immediate_destination: str
    immediate_origin: str
    created_at: dt.datetime
    file_id_modifier: str
    destination_name: str
    origin_name: str
    reference_code: str = ""

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("the file's creation time must be timezone-aware")
        modifier = self.file_id_modifier
        if not (len(modifier) == 1 and modifier.isascii() and modifier.isalnum()):
            raise InvalidReference(f"file ID modifier {modifier!r} is not one of A-Z, 0-9")
        if modifier.islower():
            raise InvalidReference(f"file ID modifier {modifier!r} must be upper-case")

    def line(self) -> str:
        created_at = self.created_at.astimezone(dt.UTC)
        return render(FILE_HEADER, {
            "record_type": "1", "priority_code": "01",
            "immediate_destination": self.immediate_destination.rjust(10),
            "immediate_origin": self.immediate_origin.rjust(10),
            "creation_date": created_at.strftime("%y%m%d"),
            "creation_time": created_at.strftime("%H%M"),
            "file_id_modifier": self.file_id_modifier, "record_size": "094",
            "blocking_factor": "10", "format_code": "1",
            "destination_name": alpha(self.destination_name, 23, "immediate destination name"),
            "origin_name": alpha(self.origin_name, 23, "immediate origin name"),
            "reference_code": alpha(self.reference_code, 8, "reference code"),
        })  # fmt: skip

    @classmethod
    def parse(cls, line: str, where: str) -> FileHeader:
        fields = FieldReader(FILE_HEADER, line, where)
        fields.fixed("priority_code", "01")
        fields.fixed("record_size", "094")
        fields.fixed("blocking_factor", "10")
        fields.fixed("format_code", "1")
        destination = fields.raw["immediate_destination"]
        if not (destination[0] == " " and destination[1:].isdigit()):
            raise fields.fail(f"immediate destination {destination!r} is not a blank and 9 digits")
        modifier = fields.raw["file_id_modifier"]
        if not (modifier.isascii() and modifier.isalnum() and not modifier.islower()):
            raise fields.fail(f"file ID modifier {modifier!r} is not A-Z or 0-9")
        day = fields.date("creation_date")
        time = fields.digits("creation_time")
        try:
            created = dt.datetime.combine(day, dt.time(int(time[:2]), int(time[2:])), dt.UTC)
        except ValueError:
            raise fields.fail(f"file creation time {time!r} is not HHMM") from None
        return cls(
            immediate_destination=destination.strip(),
            immediate_origin=fields.raw["immediate_origin"].strip(),
            created_at=created,
            file_id_modifier=modifier,
            destination_name=fields.text("destination_name"),
            origin_name=fields.text("origin_name"),
            reference_code=fields.text("reference_code"),
        )


@dataclass(frozen=True, slots=True)
class BatchHeader:
    """Record 5: one originator's entries of one kind, settling on one date."""

    service_class: int
    company_name: str
    company_id: str
    sec_code: SecCode
    entry_description: str
    effective_date: dt.date
    odfi: str
    batch_number: int
    discretionary_data: str = ""
    descriptive_date: str = ""

    def line(self) -> str:
        return render(BATCH_HEADER, {
            "record_type": "5", "service_class": numeric(self.service_class, 3, "service class"),
            "company_name": alpha(self.company_name, 16, "company name"),
            "discretionary_data": alpha(self.discretionary_data, 20, "discretionary data"),
            "company_id": alpha(self.company_id, 10, "company identification"),
            "sec_code": self.sec_code.value,
            "entry_description": alpha(self.entry_description, 10, "entry description"),
            "descriptive_date": alpha(self.descriptive_date, 6, "descriptive date"),
            "effective_date": self.effective_date.strftime("%y%m%d"),
            "settlement_date": "   ",  # the ACH operator fills it in
            "originator_status": "1", "odfi": alpha(self.odfi, 8, "originating DFI"),
            "batch_number": numeric(self.batch_number, 7, "batch number"),
        })  # fmt: skip

    @classmethod
    def parse(cls, line: str, where: str) -> BatchHeader:
        fields = FieldReader(BATCH_HEADER, line, where)
        service_class = fields.number("service_class")
        if service_class not in SERVICE_CLASSES:
            raise fields.fail(f"service class code {service_class} is not 200, 220 or 225")
        try:
            sec_code = SecCode(fields.raw["sec_code"])
        except ValueError:
            raise fields.fail(
                f"standard entry class {fields.raw['sec_code']!r} is not supported (PPD, CCD)"
            ) from None
        if fields.raw["originator_status"] not in {"0", "1", "2"}:
            raise fields.fail(f"originator status {fields.raw['originator_status']!r} is not 0-2")
        return cls(
            service_class=service_class,
            company_name=fields.text("company_name"),
            company_id=fields.text("company_id"),
            sec_code=sec_code,
            entry_description=fields.text("entry_description"),
            effective_date=fields.date("effective_date"),
            odfi=fields.digits("odfi"),
            batch_number=fields.number("batch_number"),
            discretionary_data=fields.text("discretionary_data"),
            descriptive_date=fields.text("descriptive_date"),
        )


@dataclass(frozen=True, slots=True)
class EntryDetail:
    """Record 6: one payment to one account."""

    transaction_code: int
    routing_number: str
    account_number: str = field(repr=False)  # never in logs whole
    amount: int
    identification: str
    name: str
    has_addenda: bool
    trace_number: str
    discretionary_data: str = ""

    @property
    def rdfi(self) -> str:
        """The receiving bank's DFI identification: its routing number's first 8 digits."""
        return self.routing_number[:8]

    @property
    def is_credit(self) -> bool:
        return self.transaction_code in CREDIT_CODES

    def line(self) -> str:
        return render(ENTRY_DETAIL, {
            "record_type": "6",
            "transaction_code": numeric(self.transaction_code, 2, "transaction code"),
            "rdfi": self.routing_number[:8], "check_digit": self.routing_number[8],
            "account_number": alpha(self.account_number, 17, "DFI account number"),
            "amount": numeric(self.amount, 10, "entry amount", money=True),
            "identification": alpha(self.identification, 15, "identification number"),
            "name": alpha(self.name, 22, "receiver name"),
            "discretionary_data": alpha(self.discretionary_data, 2, "discretionary data"),
            "addenda_indicator": "1" if self.has_addenda else "0",
            "trace_number": numeric(int(self.trace_number), 15, "trace number"),
        })  # fmt: skip

    @classmethod
    def parse(cls, line: str, where: str) -> EntryDetail:
        fields = FieldReader(ENTRY_DETAIL, line, where)
        code = fields.number("transaction_code")
        if code not in CREDIT_CODES | DEBIT_CODES:
            raise fields.fail(f"transaction code {code:02d} is not a checking or savings code")
        rdfi = fields.digits("rdfi")
        if fields.raw["check_digit"] != check_digit(rdfi):
            raise fields.fail(
                f"check digit {fields.raw['check_digit']!r} is wrong for DFI {rdfi}: "
                f"expected {check_digit(rdfi)}"
            )
        account = fields.text("account_number")
        if not account:
            raise fields.fail("DFI account number is blank")
        if fields.raw["addenda_indicator"] not in {"0", "1"}:
            raise fields.fail(f"addenda indicator {fields.raw['addenda_indicator']!r} is not 0/1")
        return cls(
            transaction_code=code,
            routing_number=rdfi + fields.raw["check_digit"],
            account_number=account,
            amount=fields.number("amount"),
            identification=fields.text("identification"),
            name=fields.text("name"),
            has_addenda=fields.raw["addenda_indicator"] == "1",
            trace_number=fields.digits("trace_number"),
            discretionary_data=fields.text("discretionary_data"),
        )


@dataclass(frozen=True, slots=True)
class RemittanceAddenda:
    """Record 7, type 05: free text about the entry (Mercato puts the payout's id here)."""

    payment_information: str
    sequence: int
    entry_sequence: str

    def line(self) -> str:
        return render(ADDENDA_05, {
            "record_type": "7", "addenda_type": "05",
            "payment_information": alpha(self.payment_information, 80, "payment information"),
            "sequence": numeric(self.sequence, 4, "addenda sequence number"),
            "entry_sequence": self.entry_sequence,
        })  # fmt: skip

    @classmethod
    def parse(cls, line: str, where: str) -> RemittanceAddenda:
        fields = FieldReader(ADDENDA_05, line, where)
        return cls(
            payment_information=fields.text("payment_information"),
            sequence=fields.number("sequence"),
            entry_sequence=fields.digits("entry_sequence"),
        )


@dataclass(frozen=True, slots=True)
class ReturnAddenda:
    """Record 7, type 99: why the receiving bank sent an entry back, and which entry it was."""

    reason_code: str
    original_trace_number: str
    original_rdfi: str
    trace_number: str
    information: str = ""

    def line(self) -> str:
        return render(ADDENDA_99, {
            "record_type": "7", "addenda_type": "99", "reason_code": self.reason_code,
            "original_trace": self.original_trace_number, "date_of_death": " " * 6,
            "original_rdfi": self.original_rdfi,
            "information": alpha(self.information, 44, "addenda information"),
            "trace_number": self.trace_number,
        })  # fmt: skip

    @classmethod
    def parse(cls, line: str, where: str) -> ReturnAddenda:
        fields = FieldReader(ADDENDA_99, line, where)
        reason = fields.raw["reason_code"]
        if not (reason[0] == "R" and reason[1:].isdigit()):
            raise fields.fail(f"return reason code {reason!r} is not R and two digits")
        return cls(
            reason_code=reason,
            original_trace_number=fields.digits("original_trace"),
            original_rdfi=fields.digits("original_rdfi"),
            trace_number=fields.digits("trace_number"),
            information=fields.text("information"),
        )


Addenda = RemittanceAddenda | ReturnAddenda


def parse_addenda(line: str, where: str) -> Addenda:
    """Record 7 of either supported type (05 remittance, 99 return)."""
    kind = line[1:3]
    if kind == "05":
        return RemittanceAddenda.parse(line, where)
    if kind == "99":
        return ReturnAddenda.parse(line, where)
    raise BadRecord(where, f"addenda type {kind!r} is not supported (05, 99)")


@dataclass(frozen=True, slots=True)
class Totals:
    """What a control record (8 or 9) sums up: counts, hash, and dollar totals in cents."""

    entry_addenda_count: int
    entry_hash: int
    total_debit: int
    total_credit: int


@dataclass(frozen=True, slots=True)
class BatchControl:
    """Record 8: closes a batch with its counts, hash and totals."""

    service_class: int
    totals: Totals
    company_id: str
    odfi: str
    batch_number: int

    def line(self) -> str:
        return render(BATCH_CONTROL, {
            "record_type": "8", "service_class": numeric(self.service_class, 3, "service class"),
            "entry_addenda_count": numeric(self.totals.entry_addenda_count, 6, "entry count"),
            "entry_hash": numeric(self.totals.entry_hash, 10, "entry hash"),
            "total_debit": numeric(self.totals.total_debit, 12, "batch total debit", money=True),
            "total_credit": numeric(self.totals.total_credit, 12, "batch total credit", money=True),
            "company_id": alpha(self.company_id, 10, "company identification"),
            "authentication_code": " " * 19, "reserved": " " * 6,
            "odfi": self.odfi, "batch_number": numeric(self.batch_number, 7, "batch number"),
        })  # fmt: skip

    @classmethod
    def parse(cls, line: str, where: str) -> BatchControl:
        fields = FieldReader(BATCH_CONTROL, line, where)
        return cls(
            service_class=fields.number("service_class"),
            totals=Totals(
                entry_addenda_count=fields.number("entry_addenda_count"),
                entry_hash=fields.number("entry_hash"),
                total_debit=fields.number("total_debit"),
                total_credit=fields.number("total_credit"),
            ),
            company_id=fields.text("company_id"),
            odfi=fields.digits("odfi"),
            batch_number=fields.number("batch_number"),
        )


@dataclass(frozen=True, slots=True)
class FileControl:
    """Record 9: closes the file with its batch and block counts, hash and totals."""

    batch_count: int
    block_count: int
    totals: Totals

    def line(self) -> str:
        return render(FILE_CONTROL, {
            "record_type": "9", "batch_count": numeric(self.batch_count, 6, "batch count"),
            "block_count": numeric(self.block_count, 6, "block count"),
            "entry_addenda_count": numeric(self.totals.entry_addenda_count, 8, "entry count"),
            "entry_hash": numeric(self.totals.entry_hash, 10, "entry hash"),
            "total_debit": numeric(self.totals.total_debit, 12, "file total debit", money=True),
            "total_credit": numeric(self.totals.total_credit, 12, "file total credit", money=True),
            "reserved": " " * 39,
        })  # fmt: skip

    @classmethod
    def parse(cls, line: str, where: str) -> FileControl:
        fields = FieldReader(FILE_CONTROL, line, where)
        if fields.raw["reserved"].strip():
            raise fields.fail("reserved positions 56-94 are not blank")
        return cls(
            batch_count=fields.number("batch_count"),
            block_count=fields.number("block_count"),
            totals=Totals(
                entry_addenda_count=fields.number("entry_addenda_count"),
                entry_hash=fields.number("entry_hash"),
                total_debit=fields.number("total_debit"),
                total_credit=fields.number("total_credit"),
            ),
        )
