"""The EUR payout file: ISO 20022 pain.001.001.03, SEPA credit transfers from the platform.

Written with sepaxml, then given what sepaxml would otherwise make up: the message id, the
creation time (from Mercato's clock, not the wall clock), and the payment information id.
Each transfer is asked to be booked on its own (``BtchBookg`` false) so that the bank's
statement shows one entry per payout, carrying its end-to-end id. The result is checked
against the pain.001.001.03 XSD before it is returned.

Names are transliterated into the EPC's basic Latin set and cut to 70 characters;
references (message id, end-to-end ids) must already be in that set and are never altered.
Amounts are euro cents, from 1 to 99,999,999,999 (EUR 999,999,999.99, the SEPA Credit
Transfer rulebook's maximum).

`read_pain001` is what the simulated bank ingests: the payments of a valid file, with its
transaction counts and control sums checked.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

from sepaxml import SepaTransfer  # type: ignore[import-untyped]  # sepaxml ships no type hints

from mercato.bankfiles.accounts import SepaAccount
from mercato.bankfiles.charsets import sepa_reference, sepa_text
from mercato.bankfiles.errors import (
    AmountOutOfRange,
    BadRecord,
    ControlMismatch,
    DuplicateReference,
    EmptyFile,
)
from mercato.bankfiles.iso20022 import (
    Tree,
    format_datetime,
    parse,
    parse_amount,
    parse_date,
    parse_datetime,
    serialize,
    unqualified,
)

MESSAGE = "pain.001.001.03"
MAX_AMOUNT = 999_999_999_99
"""The largest SEPA credit transfer, in euro cents: EUR 999,999,999.99."""


@dataclass(frozen=True, slots=True)
class Debtor:
    """Who pays: the platform, and the account the payouts leave from."""

    name: str
    account: SepaAccount


@dataclass(frozen=True, slots=True)
class SepaPayout:
    """One payout to pay: its end-to-end id, euro cents, and whose account receives it."""

    end_to_end_id: str
    amount: int
    name: str
    account: SepaAccount
    remittance: str | None = None


@dataclass(frozen=True, slots=True)
class SepaPayment:
    """One credit transfer as read from a pain.001 file (the IBAN is not checked here)."""

    payment_information_id: str
    end_to_end_id: str
    amount: int
    name: str
    iban: str = field(repr=False)
    bic: str | None
    remittance: str | None
    execution_date: dt.date
    debtor_iban: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class CreditTransferInitiation:
    """A pain.001 file as read: its group header's figures and every payment in it."""

    message_id: str
    created_at: dt.datetime
    initiating_party: str | None
    number_of_transactions: int
    control_sum: int | None
    payments: tuple[SepaPayment, ...]


def write_pain001(
    payouts: Sequence[SepaPayout],
    *,
    debtor: Debtor,
    message_id: str,
    created_at: dt.datetime,
    execution_date: dt.date,
) -> bytes:
    """A pain.001.001.03 document paying every payout (euro cents) on `execution_date`.

    Refuses an empty list, duplicate or ill-formed references, names without a Latin
    spelling, and amounts outside 1..99,999,999,999 cents. The document is valid against the
    XSD, or this raises `SchemaViolation`.
    """
    if not payouts:
        raise EmptyFile("a payout file needs at least one payout")
    sepa_reference(message_id, what="message id")
    config = {
        "name": sepa_text(debtor.name, 70, what="debtor name"),
        "IBAN": debtor.account.iban,
        "batch": True,
        "currency": "EUR",
    }
    if debtor.account.bic:
        config["BIC"] = debtor.account.bic
    transfer = SepaTransfer(config, schema=MESSAGE, clean=False)
    seen: set[str] = set()
    for payout in payouts:
        transfer.add_payment(_payment(payout, execution_date, seen))
    # sepaxml's own output, not outside input, so the standard library may parse it.
    root = ET.fromstring(transfer.export(validate=False))  # noqa: S314
    tree = Tree(MESSAGE)
    header = tree.find(root, "CstmrCdtTrfInitn/GrpHdr")
    assert header is not None  # sepaxml always writes a group header
    _set(tree, header, "MsgId", message_id)
    _set(tree, header, "CreDtTm", format_datetime(created_at))
    for information in tree.all(root, "CstmrCdtTrfInitn/PmtInf"):
        _set(tree, information, "PmtInfId", message_id)
        _set(tree, information, "BtchBookg", "false")
    return serialize(unqualified(root), MESSAGE)


def read_pain001(document: bytes) -> CreditTransferInitiation:
    """The payments of a pain.001.001.03 document, its counts and control sums checked."""
    root = parse(document, MESSAGE)
    tree = Tree(MESSAGE)
    initiation = tree.find(root, "CstmrCdtTrfInitn")
    assert initiation is not None  # the XSD requires it
    where = "GrpHdr"
    header = tree.find(initiation, where)
    assert header is not None  # the XSD requires it
    payments: list[SepaPayment] = []
    for i, information in enumerate(tree.all(initiation, "PmtInf"), 1):
        payments.extend(_read_information(tree, information, f"PmtInf[{i}]"))
    count = int(tree.text(header, "NbOfTxs", where))
    _check(f"{where}/NbOfTxs", "number of transactions", count, len(payments))
    control_sum = tree.optional(header, "CtrlSum")
    total = parse_amount(control_sum, 2, f"{where}/CtrlSum") if control_sum else None
    if total is not None:
        _check(f"{where}/CtrlSum", "control sum", total, sum(p.amount for p in payments))
    return CreditTransferInitiation(
        message_id=tree.text(header, "MsgId", where),
        created_at=parse_datetime(tree.text(header, "CreDtTm", where), f"{where}/CreDtTm"),
        initiating_party=tree.optional(header, "InitgPty/Nm"),
        number_of_transactions=count,
        control_sum=total,
        payments=tuple(payments),
    )


def _payment(payout: SepaPayout, execution_date: dt.date, seen: set[str]) -> dict[str, object]:
    """The payment as sepaxml takes it, after Mercato's own checks."""
    end_to_end_id = sepa_reference(payout.end_to_end_id, what="end-to-end id")
    if end_to_end_id in seen:
        raise DuplicateReference(f"end-to-end id {end_to_end_id!r} appears twice")
    seen.add(end_to_end_id)
    if isinstance(payout.amount, bool) or not isinstance(payout.amount, int):
        raise TypeError(f"payout {end_to_end_id}: the amount must be an int of cents")
    if not 0 < payout.amount <= MAX_AMOUNT:
        raise AmountOutOfRange(
            f"payout {end_to_end_id}: {payout.amount} cents is not between 1 and {MAX_AMOUNT}"
        )
    payment: dict[str, object] = {
        "name": sepa_text(payout.name, 70, what=f"payout {end_to_end_id}'s creditor name"),
        "IBAN": payout.account.iban,
        "amount": payout.amount,
        "execution_date": execution_date,
        "description": sepa_text(
            payout.remittance or end_to_end_id, 140, what=f"payout {end_to_end_id}'s remittance"
        ),
        "endtoend_id": end_to_end_id,
    }
    if payout.account.bic:
        payment["BIC"] = payout.account.bic
    return payment


def _read_information(tree: Tree, information: ET.Element, where: str) -> list[SepaPayment]:
    """The payments of one payment information block, its own count and sum checked."""
    information_id = tree.text(information, "PmtInfId", where)
    execution_date = parse_date(
        tree.text(information, "ReqdExctnDt", where), f"{where}/ReqdExctnDt"
    )
    debtor_iban = tree.text(information, "DbtrAcct/Id/IBAN", where)
    payments = []
    for j, transaction in enumerate(tree.all(information, "CdtTrfTxInf"), 1):
        here = f"{where}/CdtTrfTxInf[{j}]"
        amount = tree.find(transaction, "Amt/InstdAmt")
        if amount is None:
            raise BadRecord(here, "has no instructed amount (Amt/InstdAmt)")
        if amount.get("Ccy") != "EUR":
            raise BadRecord(f"{here}/Amt/InstdAmt", f"currency {amount.get('Ccy')} is not EUR")
        payments.append(
            SepaPayment(
                payment_information_id=information_id,
                end_to_end_id=tree.text(transaction, "PmtId/EndToEndId", here),
                amount=parse_amount(amount.text or "", 2, f"{here}/Amt/InstdAmt"),
                name=tree.text(transaction, "Cdtr/Nm", here),
                iban=tree.text(transaction, "CdtrAcct/Id/IBAN", here),
                bic=tree.optional(transaction, "CdtrAgt/FinInstnId/BIC"),
                remittance=tree.optional(transaction, "RmtInf/Ustrd"),
                execution_date=execution_date,
                debtor_iban=debtor_iban,
            )
        )
    count = tree.optional(information, "NbOfTxs")
    if count is not None:
        _check(f"{where}/NbOfTxs", "number of transactions", int(count), len(payments))
    control_sum = tree.optional(information, "CtrlSum")
    if control_sum is not None:
        claimed = parse_amount(control_sum, 2, f"{where}/CtrlSum")
        _check(f"{where}/CtrlSum", "control sum", claimed, sum(p.amount for p in payments))
    return payments


def _set(tree: Tree, parent: ET.Element, tag: str, text: str) -> None:
    found = tree.find(parent, tag)
    assert found is not None, tag  # sepaxml always writes it
    found.text = text


def _check(where: str, what: str, claimed: int, actual: int) -> None:
    if claimed != actual:
        raise ControlMismatch(where, f"{what} is {claimed}, but the payments make it {actual}")
