"""Reading camt.053.001.02 statements back, as the platform does to reconcile payouts.

Any document valid against the XSD is read. On top of the XSD, each statement must have
an opening (``OPBD``, or ``PRCD``) and a closing (``CLBD``) booked balance in the account's
currency, every booked entry must be in that currency, and the closing balance must be the
opening balance plus the booked entries; a transaction summary, when present, must match
the booked entries. The account is an IBAN, or an account number whose bank's ABA routing
number is given as its servicer's ``USABA`` clearing-system member id.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from mercato.bankfiles.accounts import AccountType, SepaAccount, UsBankAccount
from mercato.bankfiles.camt053.model import (
    MESSAGE,
    BankTransactionCode,
    CreditDebit,
    EntryTransaction,
    Statement,
    StatementEntry,
    StatementFile,
)
from mercato.bankfiles.errors import BadRecord, ControlMismatch, InvalidAccount
from mercato.bankfiles.iso20022 import (
    Tree,
    format_amount,
    parse,
    parse_amount,
    parse_date,
    parse_datetime,
)
from mercato.money import Currency
from mercato.money.errors import UnknownCurrency

_TREE = Tree(MESSAGE)


def read_camt053(document: bytes) -> StatementFile:
    """The statements of a camt.053.001.02 document, amounts in minor units, checked."""
    root = parse(document, MESSAGE)
    message = _TREE.find(root, "BkToCstmrStmt")
    assert message is not None  # the XSD requires it
    return StatementFile(
        message_id=_TREE.text(message, "GrpHdr/MsgId", "BkToCstmrStmt"),
        created_at=parse_datetime(
            _TREE.text(message, "GrpHdr/CreDtTm", "BkToCstmrStmt"), "GrpHdr/CreDtTm"
        ),
        statements=tuple(
            _statement(node, f"Stmt[{i}]") for i, node in enumerate(_TREE.all(message, "Stmt"), 1)
        ),
    )


def _statement(node: ET.Element, where: str) -> Statement:
    currency = _currency(node, where)
    exponent = Currency.of(currency).exponent
    balances = {}
    for balance in _TREE.all(node, "Bal"):
        code = _TREE.optional(balance, "Tp/CdOrPrtry/Cd")
        if code in {"OPBD", "PRCD", "CLBD"}:
            balances["CLBD" if code == "CLBD" else "OPBD"] = balance
    if "OPBD" not in balances or "CLBD" not in balances:
        raise BadRecord(where, "needs an opening (OPBD) and a closing (CLBD) booked balance")
    opening, opening_date = _balance(balances["OPBD"], currency, exponent, f"{where}/Bal[OPBD]")
    closing, closing_date = _balance(balances["CLBD"], currency, exponent, f"{where}/Bal[CLBD]")
    entries = []
    for i, entry in enumerate(_TREE.all(node, "Ntry"), 1):
        if _TREE.optional(entry, "Sts") == "BOOK":
            entries.append(_entry(entry, currency, exponent, f"{where}/Ntry[{i}]"))
    sequence = _TREE.optional(node, "ElctrncSeqNb")
    statement = Statement(
        statement_id=_TREE.text(node, "Id", where),
        created_at=parse_datetime(_TREE.text(node, "CreDtTm", where), f"{where}/CreDtTm"),
        account=_account(node, where),
        currency=currency,
        opening_balance=opening,
        opening_date=opening_date,
        closing_balance=closing,
        closing_date=closing_date,
        entries=tuple(entries),
        owner_name=_TREE.optional(node, "Acct/Ownr/Nm"),
        sequence_number=int(sequence) if sequence is not None else None,
    )
    if statement.closing_balance != statement.expected_closing_balance():
        raise ControlMismatch(
            f"{where}/Bal[CLBD]",
            f"the closing balance is {closing}, but the opening balance and booked entries "
            f"make it {statement.expected_closing_balance()}",
        )
    _check_summary(node, statement.entries, exponent, where)
    return statement


def _currency(node: ET.Element, where: str) -> str:
    currency = _TREE.optional(node, "Acct/Ccy")
    if currency is None:
        amount = _TREE.find(node, "Bal/Amt")
        currency = amount.get("Ccy") if amount is not None else None
    try:
        return Currency.of(currency or "").code
    except UnknownCurrency:
        raise BadRecord(f"{where}/Acct/Ccy", f"{currency!r} is not a currency") from None


def _account(node: ET.Element, where: str) -> SepaAccount | UsBankAccount:
    try:
        iban = _TREE.optional(node, "Acct/Id/IBAN")
        if iban is not None:
            return SepaAccount(iban, _TREE.optional(node, "Acct/Svcr/FinInstnId/BIC"))
        number = _TREE.text(node, "Acct/Id/Othr/Id", where)
        routing = _TREE.optional(node, "Acct/Svcr/FinInstnId/ClrSysMmbId/MmbId")
        if routing is None:
            raise BadRecord(
                f"{where}/Acct", "an account without IBAN needs its bank's ABA routing number"
            )
        savings = _TREE.optional(node, "Acct/Tp/Cd") == "SVGS"
        kind = AccountType.SAVINGS if savings else AccountType.CHECKING
        return UsBankAccount(routing, number, kind)
    except InvalidAccount as error:
        raise BadRecord(f"{where}/Acct", str(error)) from None


def _balance(node: ET.Element, currency: str, exponent: int, where: str) -> tuple[int, dt.date]:
    amount = _amount(node, "Amt", currency, exponent, where)
    sign = -1 if _TREE.text(node, "CdtDbtInd", where) == "DBIT" else 1
    day = _TREE.optional(node, "Dt/Dt")
    if day is not None:
        return sign * amount, parse_date(day, f"{where}/Dt/Dt")
    moment = parse_datetime(_TREE.text(node, "Dt/DtTm", where), f"{where}/Dt/DtTm")
    return sign * amount, moment.date()


def _entry(node: ET.Element, currency: str, exponent: int, where: str) -> StatementEntry:
    code = _TREE.find(node, "BkTxCd/Domn")
    return StatementEntry(
        amount=_amount(node, "Amt", currency, exponent, where),
        direction=CreditDebit(_TREE.text(node, "CdtDbtInd", where)),
        booking_date=_date(node, "BookgDt", where),
        value_date=_date(node, "ValDt", where),
        account_servicer_reference=_TREE.optional(node, "AcctSvcrRef") or "",
        transactions=tuple(
            _transaction(details, currency, exponent, f"{where}/NtryDtls/TxDtls[{i}]")
            for i, details in enumerate(_TREE.all(node, "NtryDtls/TxDtls"), 1)
        ),
        bank_transaction_code=(
            BankTransactionCode(
                domain=_TREE.text(code, "Cd", where),
                family=_TREE.text(code, "Fmly/Cd", where),
                subfamily=_TREE.text(code, "Fmly/SubFmlyCd", where),
            )
            if code is not None
            else None
        ),
    )


def _transaction(node: ET.Element, currency: str, exponent: int, where: str) -> EntryTransaction:
    amount = _TREE.find(node, "AmtDtls/TxAmt/Amt")
    return EntryTransaction(
        end_to_end_id=_TREE.optional(node, "Refs/EndToEndId"),
        remittance=_TREE.optional(node, "RmtInf/Ustrd"),
        counterparty_name=(
            _TREE.optional(node, "RltdPties/Dbtr/Nm") or _TREE.optional(node, "RltdPties/Cdtr/Nm")
        ),
        return_reason=_TREE.optional(node, "RtrInf/Rsn/Cd"),
        amount=(
            _amount(node, "AmtDtls/TxAmt/Amt", currency, exponent, where)
            if amount is not None
            else None
        ),
    )


def _date(node: ET.Element, path: str, where: str) -> dt.date:
    day = _TREE.optional(node, f"{path}/Dt")
    if day is not None:
        return parse_date(day, f"{where}/{path}/Dt")
    return parse_datetime(_TREE.text(node, f"{path}/DtTm", where), f"{where}/{path}").date()


def _amount(node: ET.Element, path: str, currency: str, exponent: int, where: str) -> int:
    amount = _TREE.find(node, path)
    if amount is None:
        raise BadRecord(f"{where}/{path}", "is missing")
    if amount.get("Ccy") != currency:
        raise BadRecord(
            f"{where}/{path}", f"currency {amount.get('Ccy')} is not the account's {currency}"
        )
    return parse_amount(amount.text or "", exponent, f"{where}/{path}")


def _check_summary(
    node: ET.Element, entries: tuple[StatementEntry, ...], exponent: int, where: str
) -> None:
    credits = [e.amount for e in entries if e.direction is CreditDebit.CREDIT]
    debits = [e.amount for e in entries if e.direction is CreditDebit.DEBIT]
    for path, amounts in (
        ("TxsSummry/TtlNtries", credits + debits),
        ("TxsSummry/TtlCdtNtries", credits),
        ("TxsSummry/TtlDbtNtries", debits),
    ):
        summary = _TREE.find(node, path)
        if summary is None:
            continue
        count = _TREE.optional(summary, "NbOfNtries")
        if count is not None and int(count) != len(amounts):
            raise ControlMismatch(
                f"{where}/{path}/NbOfNtries",
                f"says {count} entries, but the statement books {len(amounts)}",
            )
        total = _TREE.optional(summary, "Sum")
        if total is not None and parse_amount(total, exponent, path) != sum(amounts):
            actual = format_amount(sum(amounts), exponent)
            raise ControlMismatch(
                f"{where}/{path}/Sum", f"says {total}, but the booked entries sum to {actual}"
            )
