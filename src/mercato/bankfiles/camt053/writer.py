"""Writing camt.053.001.02 statements, as the simulated bank does at the end of each day.

Mercato writes its own (no maintained Python library writes camt.053), element by element
in the order the XSD's sequences require, and checks the result against the XSD. A
statement whose closing balance is not its opening balance plus its entries is refused
(`InconsistentStatement`), as is an entry whose transactions do not add up to it.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from mercato.bankfiles.accounts import AccountType, SepaAccount
from mercato.bankfiles.camt053.model import (
    MESSAGE,
    CreditDebit,
    EntryTransaction,
    Statement,
    StatementEntry,
)
from mercato.bankfiles.errors import (
    AmountOutOfRange,
    EmptyFile,
    InconsistentStatement,
    InvalidReference,
    UnsupportedText,
)
from mercato.bankfiles.iso20022 import element, format_amount, format_datetime, serialize
from mercato.money import Currency


def write_camt053(
    statements: Sequence[Statement], *, message_id: str, created_at: dt.datetime
) -> bytes:
    """A camt.053.001.02 document carrying `statements`, valid against the XSD."""
    if not statements:
        raise EmptyFile("a statement file needs at least one statement")
    root = ET.Element("Document")
    message = element(root, "BkToCstmrStmt")
    header = element(message, "GrpHdr")
    element(header, "MsgId", _reference(message_id, "message id"))
    element(header, "CreDtTm", format_datetime(created_at))
    for statement in statements:
        _statement(message, statement)
    return serialize(root, MESSAGE)


def _statement(parent: ET.Element, statement: Statement) -> None:
    expected = statement.expected_closing_balance()
    if statement.closing_balance != expected:
        raise InconsistentStatement(
            f"statement {statement.statement_id}: the closing balance is "
            f"{statement.closing_balance}, but the opening balance and entries make {expected}"
        )
    exponent = Currency.of(statement.currency).exponent
    node = element(parent, "Stmt")
    element(node, "Id", _reference(statement.statement_id, "statement id"))
    if statement.sequence_number is not None:
        element(node, "ElctrncSeqNb", str(statement.sequence_number))
    element(node, "CreDtTm", format_datetime(statement.created_at))
    _account(node, statement)
    for code, amount, day in (
        ("OPBD", statement.opening_balance, statement.opening_date),
        ("CLBD", statement.closing_balance, statement.closing_date),
    ):
        balance = element(node, "Bal")
        element(element(element(balance, "Tp"), "CdOrPrtry"), "Cd", code)
        element(balance, "Amt", format_amount(abs(amount), exponent), Ccy=statement.currency)
        element(balance, "CdtDbtInd", "DBIT" if amount < 0 else "CRDT")
        element(element(balance, "Dt"), "Dt", day.isoformat())
    _summary(node, statement.entries, exponent)
    for entry in statement.entries:
        _entry(node, entry, statement.currency, exponent)


def _account(parent: ET.Element, statement: Statement) -> None:
    account = statement.account
    node = element(parent, "Acct")
    identification = element(node, "Id")
    if isinstance(account, SepaAccount):
        element(identification, "IBAN", account.iban)
        kind = "CACC"
    else:
        element(element(identification, "Othr"), "Id", account.account_number)
        kind = "SVGS" if account.account_type is AccountType.SAVINGS else "CACC"
    element(element(node, "Tp"), "Cd", kind)
    element(node, "Ccy", statement.currency)
    if statement.owner_name:
        element(element(node, "Ownr"), "Nm", _text(statement.owner_name, 140, "owner name"))
    if isinstance(account, SepaAccount):
        if account.bic:
            element(element(element(node, "Svcr"), "FinInstnId"), "BIC", account.bic)
    else:
        member = element(element(element(node, "Svcr"), "FinInstnId"), "ClrSysMmbId")
        element(element(member, "ClrSysId"), "Cd", "USABA")
        element(member, "MmbId", account.routing_number)


def _summary(parent: ET.Element, entries: Sequence[StatementEntry], exponent: int) -> None:
    credits = [entry.amount for entry in entries if entry.direction is CreditDebit.CREDIT]
    debits = [entry.amount for entry in entries if entry.direction is CreditDebit.DEBIT]
    net = sum(credits) - sum(debits)
    summary = element(parent, "TxsSummry")
    total = element(summary, "TtlNtries")
    element(total, "NbOfNtries", str(len(entries)))
    element(total, "Sum", format_amount(sum(credits) + sum(debits), exponent))
    element(total, "TtlNetNtryAmt", format_amount(abs(net), exponent))
    element(total, "CdtDbtInd", "DBIT" if net < 0 else "CRDT")
    for tag, amounts in (("TtlCdtNtries", credits), ("TtlDbtNtries", debits)):
        subtotal = element(summary, tag)
        element(subtotal, "NbOfNtries", str(len(amounts)))
        element(subtotal, "Sum", format_amount(sum(amounts), exponent))


def _entry(parent: ET.Element, entry: StatementEntry, currency: str, exponent: int) -> None:
    if entry.amount <= 0:
        raise AmountOutOfRange(
            f"entry {entry.account_servicer_reference}: an entry's amount is positive, "
            f"not {entry.amount}; its direction says credit or debit"
        )
    if len(entry.transactions) > 1:
        amounts = [transaction.amount for transaction in entry.transactions]
        if None in amounts or sum(a for a in amounts if a is not None) != entry.amount:
            raise InconsistentStatement(
                f"entry {entry.account_servicer_reference}: the amounts of its "
                f"{len(amounts)} transactions do not add up to {entry.amount}"
            )
    node = element(parent, "Ntry")
    element(node, "Amt", format_amount(entry.amount, exponent), Ccy=currency)
    element(node, "CdtDbtInd", entry.direction.value)
    element(node, "Sts", "BOOK")
    element(element(node, "BookgDt"), "Dt", entry.booking_date.isoformat())
    element(element(node, "ValDt"), "Dt", entry.value_date.isoformat())
    element(node, "AcctSvcrRef", _reference(entry.account_servicer_reference, "reference"))
    code = element(node, "BkTxCd")
    if entry.bank_transaction_code is not None:
        domain = element(code, "Domn")
        element(domain, "Cd", entry.bank_transaction_code.domain)
        family = element(domain, "Fmly")
        element(family, "Cd", entry.bank_transaction_code.family)
        element(family, "SubFmlyCd", entry.bank_transaction_code.subfamily)
    if entry.transactions:
        details = element(node, "NtryDtls")
        for transaction in entry.transactions:
            _transaction(details, transaction, entry.direction, currency, exponent)


def _transaction(
    parent: ET.Element,
    transaction: EntryTransaction,
    direction: CreditDebit,
    currency: str,
    exponent: int,
) -> None:
    node = element(parent, "TxDtls")
    if transaction.end_to_end_id is not None:
        element(
            element(node, "Refs"),
            "EndToEndId",
            _reference(transaction.end_to_end_id, "end-to-end id"),
        )
    if transaction.amount is not None:
        amount = format_amount(transaction.amount, exponent)
        element(element(element(node, "AmtDtls"), "TxAmt"), "Amt", amount, Ccy=currency)
    if transaction.counterparty_name:
        # The other party: who paid a credit in, or who received a debit.
        role = "Dbtr" if direction is CreditDebit.CREDIT else "Cdtr"
        name = _text(transaction.counterparty_name, 140, "counterparty name")
        element(element(element(node, "RltdPties"), role), "Nm", name)
    if transaction.remittance:
        remittance = _text(transaction.remittance, 140, "remittance")
        element(element(node, "RmtInf"), "Ustrd", remittance)
    if transaction.return_reason:
        code = _reference(transaction.return_reason, "return reason")
        if len(code) > 4:
            raise InvalidReference(f"return reason {code!r} is longer than 4 characters")
        element(element(element(node, "RtrInf"), "Rsn"), "Cd", code)


def _reference(value: str, what: str) -> str:
    """A reference is carried whole (1-35 characters) or not at all."""
    if not 0 < len(value) <= 35 or " ".join(value.split()) != value:
        raise InvalidReference(f"{what} {value!r} is not 1-35 characters without extra spaces")
    return _text(value, 35, what)


def _text(value: str, max_length: int, what: str) -> str:
    """Text as XML can carry it, cut to `max_length`; control characters are refused."""
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        raise UnsupportedText(f"{what} has a control character")
    text = " ".join(value.split())[:max_length].rstrip()
    if not text:
        raise UnsupportedText(f"{what} is blank")
    return text
