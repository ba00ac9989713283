"""The payout file: ACH credits from the platform to merchants' US bank accounts.

One file per run. Entries to companies' accounts go in a CCD batch and entries to people's
accounts in a PPD batch (the Rules' entry classes for each), each with transaction code 22
(checking credit) or 32 (savings credit). Every entry carries one addenda record (type 05)
holding the payout's id in full, so the bank's answers can be matched to it; the entry's
15-character identification number holds the id's first 15 characters, for people reading
a statement. NACHA text is upper-case, so the id comes back upper-cased: compare ids
without regard to case, or match by trace number (the writer says which entry got which).

The file's creation time is passed in (Mercato reads time from its clock) and written in
UTC. Nothing is truncated except names: an amount, a total or an id that does not fit its
field is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from stdnum.exceptions import ValidationError
from stdnum.us import rtn

from mercato.bankfiles.accounts import AccountType, HolderType, UsBankAccount
from mercato.bankfiles.charsets import nacha_text
from mercato.bankfiles.errors import (
    AmountOutOfRange,
    DuplicateReference,
    EmptyFile,
    InvalidReference,
    InvalidRoutingNumber,
    UnsupportedText,
)
from mercato.bankfiles.nacha.file import AchFile, Batch, Entry, close_batch, close_file
from mercato.bankfiles.nacha.layout import (
    CHECKING_CREDIT,
    CREDITS_ONLY,
    SAVINGS_CREDIT,
    SecCode,
)
from mercato.bankfiles.nacha.records import (
    BatchHeader,
    EntryDetail,
    FileHeader,
    RemittanceAddenda,
)

MAX_ENTRY_AMOUNT = 99_999_999_99
"""The largest amount, in cents, a 10-digit entry amount field holds: $99,999,999.99."""

_SEC_FOR_HOLDER = {HolderType.COMPANY: SecCode.CCD, HolderType.INDIVIDUAL: SecCode.PPD}
_CODE_FOR_ACCOUNT = {AccountType.CHECKING: CHECKING_CREDIT, AccountType.SAVINGS: SAVINGS_CREDIT}


@dataclass(frozen=True, slots=True)
class Originator:
    """Who sends the credits, through which bank, and how the file is addressed.

    `company_id` is the 10-character Company Identification (often ``1`` and the tax id);
    `odfi_routing_number` is the originating bank's, whose first 8 digits start every trace
    number; the file goes to `destination_routing_number` (that bank, or its ACH operator)
    from `origin` (10 characters: a routing number or the company id).
    """

    company_name: str
    company_id: str
    odfi_routing_number: str
    destination_routing_number: str
    destination_name: str
    origin: str
    origin_name: str
    entry_description: str = "PAYOUT"

    def __post_init__(self) -> None:
        for what, number in (
            ("originating DFI", self.odfi_routing_number),
            ("immediate destination", self.destination_routing_number),
        ):
            try:
                rtn.validate(number)
            except ValidationError as error:
                raise InvalidRoutingNumber(f"{what} {number!r}: {error}") from None
        for what, value in (("immediate origin", self.origin), ("company id", self.company_id)):
            if not (0 < len(value) <= 10 and value.isascii() and value.isalnum()):
                raise InvalidReference(f"{what} {value!r} is not 1-10 letters and digits")


@dataclass(frozen=True, slots=True)
class AchPayout:
    """One payout to pay: its id, the amount in cents, and whose account receives it."""

    payout_id: str
    amount: int
    name: str
    account: UsBankAccount


@dataclass(frozen=True, slots=True)
class WrittenAchFile:
    """The file's text, its parsed form, and the trace number each payout's entry got."""

    text: str
    file: AchFile
    trace_numbers: Mapping[str, str]


def write_payout_file(
    payouts: Sequence[AchPayout],
    *,
    originator: Originator,
    created_at: dt.datetime,
    effective_date: dt.date,
    file_id_modifier: str = "A",
) -> WrittenAchFile:
    """A NACHA file crediting every payout's amount (cents) to its account.

    Refuses an empty list, a duplicate or unwritable payout id, a name with no Latin
    spelling, and any amount that is not positive or exceeds $99,999,999.99. `created_at`
    must be timezone-aware; `file_id_modifier` (A-Z, 0-9) tells apart files made the same
    day for the same destination.
    """
    if not payouts:
        raise EmptyFile("a payout file needs at least one payout")
    odfi = originator.odfi_routing_number[:8]
    header = FileHeader(
        immediate_destination=originator.destination_routing_number,
        immediate_origin=originator.origin,
        created_at=created_at,
        file_id_modifier=file_id_modifier,
        destination_name=nacha_text(originator.destination_name, 23, what="destination name"),
        origin_name=nacha_text(originator.origin_name, 23, what="origin name"),
    )
    references = _references(payouts)
    by_class: dict[SecCode, list[Entry]] = {SecCode.CCD: [], SecCode.PPD: []}
    trace_numbers: dict[str, str] = {}
    for sequence, (payout, reference) in enumerate(zip(payouts, references, strict=True), 1):
        trace = f"{odfi}{sequence:07d}"
        by_class[_SEC_FOR_HOLDER[payout.account.holder_type]].append(
            _entry(payout, reference, trace)
        )
        trace_numbers[payout.payout_id] = trace
    batches: list[Batch] = []
    for sec_code, entries in by_class.items():
        if entries:
            batch_header = BatchHeader(
                service_class=CREDITS_ONLY,
                company_name=nacha_text(originator.company_name, 16, what="company name"),
                company_id=originator.company_id,
                sec_code=sec_code,
                entry_description=nacha_text(originator.entry_description, 10, what="entry"),
                effective_date=effective_date,
                odfi=odfi,
                batch_number=len(batches) + 1,
            )
            batches.append(close_batch(batch_header, entries))
    ach_file = close_file(header, batches)
    return WrittenAchFile(text=ach_file.text(), file=ach_file, trace_numbers=trace_numbers)


def _entry(payout: AchPayout, reference: str, trace: str) -> Entry:
    """The entry detail and remittance addenda paying one payout."""
    if isinstance(payout.amount, bool) or not isinstance(payout.amount, int):
        raise TypeError(f"payout {payout.payout_id}: the amount must be an int of cents")
    if not 0 < payout.amount <= MAX_ENTRY_AMOUNT:
        raise AmountOutOfRange(
            f"payout {payout.payout_id}: {payout.amount} cents is not between 1 and "
            f"{MAX_ENTRY_AMOUNT} (an entry's 10-digit amount field)"
        )
    name = nacha_text(payout.name, 22, what=f"payout {payout.payout_id}'s receiver name")
    if not name:
        raise UnsupportedText(f"payout {payout.payout_id}: the receiver name is empty")
    detail = EntryDetail(
        transaction_code=_CODE_FOR_ACCOUNT[payout.account.account_type],
        routing_number=payout.account.routing_number,
        account_number=payout.account.account_number,
        amount=payout.amount,
        identification=reference[:15],
        name=name,
        has_addenda=True,
        trace_number=trace,
    )
    addenda = RemittanceAddenda(
        payment_information=reference, sequence=1, entry_sequence=trace[-7:]
    )
    return Entry(detail=detail, addenda=(addenda,))


def _references(payouts: Sequence[AchPayout]) -> list[str]:
    """Each payout's id as NACHA carries it (upper-case ASCII), refused if not unique."""
    seen: set[str] = set()
    references = []
    for payout in payouts:
        reference = payout.payout_id.upper()
        if not reference or len(reference) > 80 or not all(" " < c <= "~" for c in reference):
            raise InvalidReference(
                f"payout id {payout.payout_id!r} is not 1-80 printable ASCII characters"
            )
        if reference in seen:
            raise DuplicateReference(f"payout id {payout.payout_id!r} appears twice")
        seen.add(reference)
        references.append(reference)
    return references
