"""Applying a payout file on its processing day: credit each payee, debit the originator.

Each credit the bank can apply moves money from the originator's account (the platform's)
to the account it names, all of a file's credits in one ledger batch, keyed by the file and
the entry (``bank:file:<id>:<n>``) so that applying a file again changes nothing. A credit
the bank cannot apply is not booked at all (the originator is not debited) and goes back:

============================  ==========  ========
why                           NACHA       pain.002
============================  ==========  ========
no such account here          R03         AC01
not a well-formed number      R04         AC01
account closed                R02         AC04
not enough money to pay it    R01         MS03 (*)
originator's account unusable R16         AG01
============================  ==========  ========

(*) bankfiles' ``StatusReason`` has no AM04 (insufficient funds) yet.

A NACHA credit to another bank's routing number is returned R03 too: the simulated bank
does not forward entries to an ACH operator. The ledger judges the originator's funds in
the same atomic step that books the batch; a refused credit is taken out and the batch
tried again without it, inside a savepoint, so nothing of a refused attempt remains.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from mercato.bank import business_days, identity, inbox, records
from mercato.bank.customers import entry_row
from mercato.bank.records import Account, BankFile, FileKind
from mercato.bankfiles.nacha import AchFile, ReturnReason, ReturnRequest, write_returns_file
from mercato.bankfiles.nacha.records import BatchHeader, EntryDetail, RemittanceAddenda
from mercato.bankfiles.pain001 import CreditTransferInitiation, SepaPayment
from mercato.bankfiles.pain002 import Rejection, StatusReason, write_pain002
from mercato.ledger import Book, transfer
from mercato.ledger.errors import BatchRejected, LimitExceeded
from mercato.money import Money


@dataclass(frozen=True)
class Credit:
    """One credit the bank will try to book."""

    key: str
    amount: int
    payee: Account
    end_to_end_id: str
    remittance: str | None
    payee_name: str
    payer_name: str


@dataclass
class Outcome:
    applied: int = 0
    returned: int = 0


def process(book: Book, bank_file: BankFile, day: dt.date) -> Outcome:
    """Apply ``bank_file`` as of ``day`` and offer what comes back to its sender."""
    content = records.file_content(book.connection, bank_file.id)
    parsed = inbox.read(content)
    if isinstance(parsed, AchFile):
        outcome = _process_nacha(book, bank_file, parsed, day)
    else:
        outcome = _process_pain001(book, bank_file, parsed, day)
    records.mark_processed(
        book.connection,
        bank_file.id,
        applied=outcome.applied,
        returned=outcome.returned,
        at=book.ledger.clock.now(),
    )
    return outcome


def _originator_account(book: Book, bank_file: BankFile, currency: str) -> Account | None:
    """The sender's first open account in the file's currency: what a NACHA file debits."""
    for account in records.accounts(book.connection, bank_file.customer_id):
        if account.is_open and account.currency.code == currency:
            return account
    return None


def _payee(book: Book, account_number: str | None) -> tuple[Account | None, str]:
    """The account a credit names, or why it cannot be credited: 'malformed', 'unknown',
    'closed'."""
    if account_number is None:
        return None, "unknown"
    if not identity.is_well_formed(account_number):
        return None, "malformed"
    account = records.account_by_number(book.connection, account_number)
    if account is None:
        return None, "unknown"
    if not account.is_open:
        return None, "closed"
    return account, ""


def _book(
    book: Book, payer: Account, credits: list[Credit], day: dt.date, kind: str
) -> list[Credit]:
    """Book every credit it can in one ledger batch; returns the credits refused for funds."""
    refused: list[Credit] = []
    pending = list(credits)
    while pending:
        requests = [
            transfer(
                credit.key,
                debit=payer.ledger_code,
                credit=credit.payee.ledger_code,
                amount=Money.of_minor(credit.amount, payer.currency),
                description=f"{kind} {credit.end_to_end_id} to {credit.payee_name}",
                occurred_at=business_days.booked_at(day),
            )
            for credit in pending
        ]
        try:
            with book.connection.begin_nested():
                book.post_batch(requests)
        except BatchRejected as rejected:
            if not isinstance(rejected.cause, LimitExceeded):
                raise
            refused.append(pending.pop(rejected.index))
            continue
        break
    now = book.ledger.clock.now()
    rows = []
    for credit in pending:
        rows.append(
            entry_row(
                payer,
                day,
                direction="DBIT",
                amount=credit.amount,
                kind=kind,
                ledger_key=credit.key,
                at=now,
                end_to_end_id=credit.end_to_end_id,
                remittance=credit.remittance,
                counterparty=credit.payee_name,
            )
        )
        rows.append(
            entry_row(
                credit.payee,
                day,
                direction="CRDT",
                amount=credit.amount,
                kind=kind,
                ledger_key=credit.key,
                at=now,
                end_to_end_id=credit.end_to_end_id,
                remittance=credit.remittance,
                counterparty=credit.payer_name,
            )
        )
    records.add_entries(book.connection, rows)
    return refused


# NACHA -------------------------------------------------------------------------------------

_NACHA_REASONS = {
    "malformed": ReturnReason.INVALID_ACCOUNT_NUMBER,
    "unknown": ReturnReason.NO_ACCOUNT,
    "closed": ReturnReason.ACCOUNT_CLOSED,
}


def _process_nacha(book: Book, bank_file: BankFile, ach: AchFile, day: dt.date) -> Outcome:
    payer = _originator_account(book, bank_file, "USD")
    returns: list[ReturnRequest] = []
    credits: list[Credit] = []
    sources: dict[str, tuple[BatchHeader, EntryDetail]] = {}
    for n, (header, entry) in enumerate(ach.entries(), 1):
        detail = entry.detail
        remittance = next(
            (a.payment_information for a in entry.addenda if isinstance(a, RemittanceAddenda)),
            detail.identification,
        )
        number = detail.account_number.strip()
        if payer is None:
            returns.append(ReturnRequest(header, detail, ReturnReason.ACCOUNT_FROZEN))
            continue
        on_us = detail.routing_number == identity.ROUTING_NUMBER
        payee, why = _payee(book, number if on_us else None)
        if payee is None or payee.currency.code != "USD":
            reason = _NACHA_REASONS[why or "unknown"]
            returns.append(ReturnRequest(header, detail, reason))
            continue
        key = f"bank:file:{bank_file.id}:{n}"
        sources[key] = (header, detail)
        credits.append(
            Credit(
                key=key,
                amount=detail.amount,
                payee=payee,
                end_to_end_id=detail.trace_number,
                remittance=(remittance or "").strip()[:140] or None,
                payee_name=detail.name.strip(),
                payer_name=header.company_name.strip(),
            )
        )
    if payer is not None and credits:
        for refused in _book(book, payer, credits, day, "ach-credit"):
            header, detail = sources[refused.key]
            returns.append(ReturnRequest(header, detail, ReturnReason.INSUFFICIENT_FUNDS))
    if returns:
        _offer_returns(book, bank_file, ach, returns, day)
    return Outcome(
        applied=len(credits) - _count(returns, ReturnReason.INSUFFICIENT_FUNDS),
        returned=len(returns),
    )


def _count(returns: list[ReturnRequest], reason: ReturnReason) -> int:
    return sum(1 for request in returns if request.reason is reason)


def _offer_returns(
    book: Book, bank_file: BankFile, ach: AchFile, returns: list[ReturnRequest], day: dt.date
) -> None:
    by_odfi: dict[str, list[ReturnRequest]] = {}
    for request in returns:
        by_odfi.setdefault(request.batch.odfi, []).append(request)
    for number, (odfi, requests) in enumerate(sorted(by_odfi.items()), 1):
        written = write_returns_file(
            requests,
            returning_bank_routing_number=identity.ROUTING_NUMBER,
            returning_bank_name=identity.NAME,
            destination_name=ach.header.origin_name.strip() or odfi,
            created_at=business_days.cutoff(day),
            effective_date=day,
        )
        suffix = f"-{number}" if len(by_odfi) > 1 else ""
        inbox.produce(
            book,
            bank_file.customer_id,
            f"returns-{day:%Y%m%d}-{bank_file.id}{suffix}.ach",
            FileKind.NACHA_RETURNS,
            written.text().encode("ascii"),
        )


# SEPA --------------------------------------------------------------------------------------

_SEPA_REASONS = {
    "malformed": StatusReason.INCORRECT_ACCOUNT_NUMBER,
    "unknown": StatusReason.INCORRECT_ACCOUNT_NUMBER,
    "closed": StatusReason.CLOSED_ACCOUNT,
}


def _process_pain001(
    book: Book, bank_file: BankFile, message: CreditTransferInitiation, day: dt.date
) -> Outcome:
    rejections: list[Rejection] = []
    by_payer: dict[str, tuple[Account, list[Credit]]] = {}
    sources: dict[str, SepaPayment] = {}
    payer_of: Callable[[str], Account | None] = _sepa_payer(book, bank_file)
    for n, payment in enumerate(message.payments, 1):
        payer = payer_of(payment.debtor_iban)
        if payer is None:
            rejections.append(Rejection(payment, StatusReason.TRANSACTION_FORBIDDEN))
            continue
        payee, why = _payee(book, identity.account_number_in(payment.iban))
        if payee is None or payee.currency.code != "EUR":
            rejections.append(Rejection(payment, _SEPA_REASONS[why or "unknown"]))
            continue
        key = f"bank:file:{bank_file.id}:{n}"
        sources[key] = payment
        by_payer.setdefault(payer.iban, (payer, []))[1].append(
            Credit(
                key=key,
                amount=payment.amount,
                payee=payee,
                end_to_end_id=payment.end_to_end_id,
                remittance=payment.remittance,
                payee_name=payment.name,
                payer_name=message.initiating_party or payer.name,
            )
        )
    applied = 0
    for payer, credits in by_payer.values():
        refused = _book(book, payer, credits, day, "sepa-credit")
        applied += len(credits) - len(refused)
        rejections.extend(Rejection(sources[c.key], StatusReason.NOT_SPECIFIED) for c in refused)
    document = write_pain002(
        message,
        rejections,
        message_id=f"STS-{bank_file.id.removeprefix('bf_')}",
        created_at=business_days.cutoff(day),
    )
    inbox.produce(
        book,
        bank_file.customer_id,
        f"pain002-{day:%Y%m%d}-{bank_file.id}.xml",
        FileKind.PAIN002,
        document,
    )
    return Outcome(applied=applied, returned=len(rejections))


def _sepa_payer(book: Book, bank_file: BankFile) -> Callable[[str], Account | None]:
    """The sender's open EUR account with a given IBAN, or None (not the sender's to debit)."""

    def payer(iban: str) -> Account | None:
        number = identity.account_number_in(iban)
        account = records.account_by_number(book.connection, number) if number else None
        if (
            account is None
            or account.customer_id != bank_file.customer_id
            or not account.is_open
            or account.currency.code != "EUR"
        ):
            return None
        return account

    return payer
