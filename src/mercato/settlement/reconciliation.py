"""Reconciliation: does every movement of money agree with its counterpart elsewhere?

Three matches, each listing what does not match and why (``Unmatched``):

1. **The bank's statements to the platform's books.** Every entry of the camt.053
   statements of the platform's own accounts at the commercial bank is matched: a debit to
   the payout it paid (by the payout id in its remittance or end-to-end id, and the
   amount), a credit to the
   interbank settlement of a clearing file (``clearing <file id>`` in its remittance, the
   report's net for the currency). A payout the books say was paid must appear on a
   statement once the bank's day that applied it has a statement.
2. **Payouts to their balance transactions.** Each payout's balance transaction takes
   exactly its amount from the balance; a failed payout's failure gives it back.
3. **Clearing reports to captures.** Every capture and refund made before the last cut-off
   is in a clearing file; every file is answered and settled; every record the issuer did
   not book as presented is listed with the issuer's reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.bankfiles.camt053 import CreditDebit, Statement, read_camt053
from mercato.database.engine import reading
from mercato.money import Money
from mercato.processor.tables import clearing_files, presentments
from mercato.settlement.bank_link import BankLink
from mercato.settlement.clearing import business_date_due, cutoff_of
from mercato.settlement.errors import BankLinkError
from mercato.settlement.files import payout_id_of
from mercato.settlement.tables import balance_transactions, payouts

STATEMENTS = "camt.053"


@dataclass(frozen=True)
class Unmatched:
    """Something without its counterpart: which match, what, and why."""

    match: str  # "statement", "payout", "clearing"
    item: str
    reason: str


@dataclass(frozen=True)
class Arrival:
    """A payout seen leaving the platform's account on a statement of the bank."""

    payout_id: str
    statement_id: str
    booked_on: dt.date


@dataclass
class Reconciliation:
    matched: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unmatched: list[Unmatched] = field(default_factory=list)
    statements: int = 0
    arrivals: dict[str, Arrival] = field(default_factory=dict)
    """Each payout matched to a statement's debit, by payout id (its first statement)."""

    @property
    def clean(self) -> bool:
        return not self.unmatched

    def miss(self, match: str, item: str, reason: str) -> None:
        self.unmatched.append(Unmatched(match, item, reason))


def reconcile(engine: Engine, bank: BankLink | None, now: dt.datetime) -> Reconciliation:
    """Reconcile everything up to ``now`` (the statements: whatever the bank has made)."""
    found = Reconciliation()
    with reading(engine) as connection:
        _payouts_against_balance(connection, found)
        _clearing_against_captures(connection, found, now)
        if bank is None:
            found.miss("statement", "the commercial bank", "no link to the bank's statements")
        else:
            try:
                statements = list(_statements(bank))
            except BankLinkError as error:
                found.miss("statement", "the commercial bank", str(error))
            else:
                _statements_against_books(connection, statements, found)
    return found


def _statements(bank: BankLink) -> Iterable[Statement]:
    for listed in bank.files_after(None):
        if listed.kind == STATEMENTS:
            yield from read_camt053(bank.fetch(listed.id)).statements


def _statements_against_books(
    connection: Connection, statements: list[Statement], found: Reconciliation
) -> None:
    p = payouts.c
    by_id = {
        row.id.upper(): row
        for row in connection.execute(
            sa.select(p.id, p.amount, p.currency, p.status, p.paid, p.arrival_date)
        )
    }
    c = clearing_files.c
    settled = {
        f"clearing {row.id}": row.report
        for row in connection.execute(sa.select(c.id, c.report).where(c.settled_at.is_not(None)))
    }
    seen_payouts: set[str] = set()
    covered_until: dt.date | None = None
    for statement in statements:
        found.statements += 1
        covered_until = max(covered_until or statement.closing_date, statement.closing_date)
        for entry in statement.entries:
            for txn in entry.transactions or ():
                amount = txn.amount if txn.amount is not None else entry.amount
                where = f"{statement.statement_id} {entry.account_servicer_reference}"
                remittance = (txn.remittance or "").strip()
                currency = statement.currency.upper()
                if entry.direction is CreditDebit.DEBIT:
                    # NACHA: the payout id is in the addenda (remittance), upper-cased;
                    # SEPA: it is the end-to-end id, with a hyphen for its underscore.
                    named = by_id.get(remittance.upper()) or by_id.get(
                        payout_id_of(txn.end_to_end_id or "").upper()
                    )
                    why = _match_payout(named, amount, currency)
                    if why is not None:
                        found.miss("statement", where, why)
                    elif named is not None:
                        seen_payouts.add(named.id)
                        found.matched["statement entries to payouts"] += 1
                        found.arrivals.setdefault(
                            named.id,
                            Arrival(named.id, statement.statement_id, entry.booking_date),
                        )
                    continue
                owed = (settled.get(remittance) or {}).get("net", {}).get(currency)
                if owed is None:
                    found.miss("statement", where, f"a credit of {amount} names no settlement")
                elif abs(owed) != amount:
                    found.miss("statement", where, f"the report's net is {owed}, not {amount}")
                else:
                    found.matched["statement entries to clearing settlements"] += 1
    if covered_until is None:
        return
    for payout in by_id.values():
        arrived = payout.arrival_date.date() <= covered_until
        if payout.status == "paid" and arrived and payout.id not in seen_payouts:
            found.miss("statement", payout.id, "paid in the books, on no statement of the bank")


def _match_payout(payout: Any, amount: int, currency: str) -> str | None:
    """Why a statement's debit is not the payout its remittance names (None: it is)."""
    if payout is None:
        return f"a debit of {amount} names no payout"
    if payout.amount != amount or payout.currency.upper() != currency:
        return f"payout {payout.id} is {payout.amount} {payout.currency.upper()}"
    return None


def _payouts_against_balance(connection: Connection, found: Reconciliation) -> None:
    p, b = payouts.c, balance_transactions.c
    rows = connection.execute(
        sa.select(
            p.id,
            p.amount,
            p.status,
            p.failure_balance_transaction_id,
            b.amount.label("taken"),
        ).join(balance_transactions, b.id == p.balance_transaction_id, isouter=True)
    )
    for row in rows:
        if row.taken is None:
            found.miss("payout", row.id, "no balance transaction took its amount")
        elif row.taken != -row.amount:
            found.miss("payout", row.id, f"its balance transaction took {-row.taken}")
        elif row.status == "failed" and row.failure_balance_transaction_id is None:
            found.miss("payout", row.id, "failed, and nothing gave its amount back")
        else:
            found.matched["payouts to balance transactions"] += 1


def _clearing_against_captures(
    connection: Connection, found: Reconciliation, now: dt.datetime
) -> None:
    s = presentments.c
    cutoff = cutoff_of(business_date_due(now))
    for row in connection.execute(
        sa.select(s.reference, s.amount, s.currency).where(
            s.clearing_file_id.is_(None), s.created_at < cutoff
        )
    ):
        money = Money.of_minor(row.amount, row.currency).format()
        found.miss("clearing", row.reference, f"{money} made before the cut-off, in no file")
    c = clearing_files.c
    for row in connection.execute(sa.select(clearing_files).order_by(c.business_date)):
        if row.report is None:
            found.miss("clearing", row.id, "not yet answered by the issuer")
            continue
        report: dict[str, Any] = row.report
        for difference in report.get("differences", []):
            found.miss(
                "clearing",
                f"{row.id} record {difference['sequence']}",
                f"{difference['code']}: {difference['message']}",
            )
        if report.get("records") != row.records:
            found.miss("clearing", row.id, f"the issuer read {report.get('records')} records")
        if row.settled_at is None:
            found.miss("clearing", row.id, "its net is not settled between the banks")
        found.matched["clearing records booked by the issuer"] += int(report.get("booked", 0))
