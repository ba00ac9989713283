"""Returned entries: a receiving bank sending back credits it could not apply.

A return is an entry of its own, sent by the receiving bank (RDFI) back to the originating
bank (ODFI): the same account, amount and names as the original, transaction code 21 for a
returned checking credit (31 savings; 26 and 36 for debits), and an addenda record of type
99 carrying the reason code (R01-R85), the original entry's trace number and the original
receiving DFI. The simulated bank writes returns with `write_returns_file`; the platform
reads any returns file with `read_ach_file` and lists what came back with `returns_in`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from mercato.bankfiles.charsets import nacha_text
from mercato.bankfiles.errors import EmptyFile, InvalidReference
from mercato.bankfiles.nacha.file import (
    AchFile,
    Batch,
    Entry,
    close_batch,
    close_file,
    service_class_for,
)
from mercato.bankfiles.nacha.layout import CREDIT_CODES, RETURN_CODES, check_digit
from mercato.bankfiles.nacha.records import (
    BatchHeader,
    EntryDetail,
    FileHeader,
    ReturnAddenda,
)


class ReturnReason(StrEnum):
    """The return reason codes the simulated bank uses (NACHA Operating Rules, Appendix 4)."""

    INSUFFICIENT_FUNDS = "R01"
    ACCOUNT_CLOSED = "R02"
    NO_ACCOUNT = "R03"
    INVALID_ACCOUNT_NUMBER = "R04"
    ACCOUNT_FROZEN = "R16"
    NON_TRANSACTION_ACCOUNT = "R20"
    CREDIT_REFUSED = "R23"

    @property
    def description(self) -> str:
        return RETURN_REASONS[self.value]


RETURN_REASONS = {
    "R01": "Insufficient funds",
    "R02": "Account closed",
    "R03": "No account/unable to locate account",
    "R04": "Invalid account number structure",
    "R05": "Unauthorized debit to consumer account using corporate SEC code",
    "R06": "Returned per ODFI's request",
    "R07": "Authorization revoked by customer",
    "R08": "Payment stopped",
    "R09": "Uncollected funds",
    "R10": "Customer advises originator is not known or not authorized",
    "R11": "Customer advises entry not in accordance with the terms of the authorization",
    "R12": "Account sold to another DFI",
    "R13": "Invalid ACH routing number",
    "R14": "Representative payee deceased or unable to continue in that capacity",
    "R15": "Beneficiary or account holder deceased",
    "R16": "Account frozen/entry returned per OFAC instruction",
    "R17": "File record edit criteria",
    "R20": "Non-transaction account",
    "R21": "Invalid company identification",
    "R22": "Invalid individual ID number",
    "R23": "Credit entry refused by receiver",
    "R24": "Duplicate entry",
    "R29": "Corporate customer advises not authorized",
}
"""What the commonest reason codes mean; a reader keeps any well-formed code it meets."""


def describe_return_reason(code: str) -> str:
    """The meaning of a return reason code, or a plain statement that it is not listed here."""
    return RETURN_REASONS.get(code, f"return reason {code}")


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    """An entry the receiving bank cannot apply, with the batch it came in, and why."""

    batch: BatchHeader
    entry: EntryDetail
    reason: ReturnReason


@dataclass(frozen=True, slots=True)
class AchReturn:
    """One returned entry as the originator reads it."""

    original_trace_number: str
    reason_code: str
    amount: int
    name: str
    identification: str
    account_last4: str
    return_trace_number: str

    @property
    def reason(self) -> str:
        return describe_return_reason(self.reason_code)


def write_returns_file(
    returns: Sequence[ReturnRequest],
    *,
    returning_bank_routing_number: str,
    returning_bank_name: str,
    destination_name: str,
    created_at: dt.datetime,
    effective_date: dt.date,
    file_id_modifier: str = "A",
) -> AchFile:
    """A returns file sending every requested entry back to its originating bank.

    One return batch per original batch, keeping its company, entry class and description;
    each return's trace number starts with the returning bank's 8-digit DFI identification.
    All the returns must go back to one originating bank (one file per destination).
    """
    if not returns:
        raise EmptyFile("a returns file needs at least one returned entry")
    destinations = {request.batch.odfi for request in returns}
    if len(destinations) != 1:
        raise InvalidReference(
            f"returns to {len(destinations)} originating banks need one file each"
        )
    (odfi,) = destinations
    rdfi = returning_bank_routing_number[:8]
    header = FileHeader(
        immediate_destination=odfi + check_digit(odfi),
        immediate_origin=returning_bank_routing_number,
        created_at=created_at,
        file_id_modifier=file_id_modifier,
        destination_name=nacha_text(destination_name, 23, what="destination name"),
        origin_name=nacha_text(returning_bank_name, 23, what="origin name"),
    )
    grouped: dict[BatchHeader, list[Entry]] = {}
    for sequence, request in enumerate(returns, 1):
        grouped.setdefault(request.batch, []).append(
            _return_entry(request, f"{rdfi}{sequence:07d}")
        )
    batches: list[Batch] = []
    for original, entries in grouped.items():
        batch_header = BatchHeader(
            service_class=service_class_for(entries),
            company_name=original.company_name,
            company_id=original.company_id,
            sec_code=original.sec_code,
            entry_description=original.entry_description,
            effective_date=effective_date,
            odfi=rdfi,
            batch_number=len(batches) + 1,
            discretionary_data=original.discretionary_data,
        )
        batches.append(close_batch(batch_header, entries))
    return close_file(header, batches)


def returns_in(ach_file: AchFile) -> list[AchReturn]:
    """Every returned entry (an entry with a type 99 addenda) in a file, in file order."""
    found = []
    for _header, entry in ach_file.entries():
        for addenda in entry.addenda:
            if isinstance(addenda, ReturnAddenda):
                found.append(
                    AchReturn(
                        original_trace_number=addenda.original_trace_number,
                        reason_code=addenda.reason_code,
                        amount=entry.detail.amount,
                        name=entry.detail.name,
                        identification=entry.detail.identification,
                        account_last4=entry.detail.account_number[-4:],
                        return_trace_number=entry.detail.trace_number,
                    )
                )
    return found


def _return_entry(request: ReturnRequest, trace: str) -> Entry:
    original = request.entry
    if original.transaction_code in RETURN_CODES:
        raise InvalidReference(f"entry {original.trace_number} is a return; it cannot be returned")
    family = original.transaction_code // 10 * 10
    code = family + (1 if original.transaction_code in CREDIT_CODES else 6)
    detail = EntryDetail(
        transaction_code=code,
        routing_number=request.batch.odfi + check_digit(request.batch.odfi),
        account_number=original.account_number,
        amount=original.amount,
        identification=original.identification,
        name=original.name,
        has_addenda=True,
        trace_number=trace,
        discretionary_data=original.discretionary_data,
    )
    addenda = ReturnAddenda(
        reason_code=request.reason.value,
        original_trace_number=original.trace_number,
        original_rdfi=original.rdfi,
        trace_number=trace,
    )
    return Entry(detail=detail, addenda=(addenda,))
