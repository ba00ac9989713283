"""Payouts (Stripe's ``payout``): money from a merchant's available balance to its bank.

    pending ──(its file sent to the bank)──> in_transit ──(the bank's day passed)──> paid
       │                                          │                                  │
       └──> canceled (only before its file)       └──────> failed <──(a return)──────┘

Each step is one database transaction with its ledger movement (``settlement.books``,
keyed by the payout's id), its balance transaction and its event (``payout.created``,
``.updated``, ``.paid``, ``.failed``, ``.canceled``). A payout first locks the merchant's
schedule row, then reads the available balance and refuses to go beyond it: two payouts
of one merchant never both spend one balance. (A refund may take the balance below zero
at any time; that is the carried negative balance, not a race.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import events
from mercato.gateway.ids import new_id
from mercato.ledger import Ledger
from mercato.money import Currency, Money
from mercato.settlement import bank_accounts, books, schedule, transactions
from mercato.settlement.errors import BalanceInsufficient, NoExternalAccount, PayoutNotCancelable
from mercato.settlement.tables import balance_transactions, payouts, unpaid_rows

PENDING, IN_TRANSIT, PAID, FAILED, CANCELED = (
    "pending",
    "in_transit",
    "paid",
    "failed",
    "canceled",
)

FAILURES = {
    "account_closed": "The bank account has been closed.",
    "account_frozen": "The bank account has been frozen.",
    "bank_account_restricted": "The bank account has restrictions on payouts.",
    "could_not_process": "The bank could not process this payout.",
    "declined": "The bank has declined this transfer.",
    "invalid_account_number": "The routing number seems correct, but the account number is "
    "invalid.",
    "no_account": "The bank account details on file are probably incorrect. No bank account "
    "could be located with those details.",
}
"""Stripe's payout failure codes, with its messages."""


def arrival_after(moment: dt.datetime) -> dt.datetime:
    """The bank's next processing day after ``moment``: the start of the next UTC day."""
    return schedule.available_on(moment, 1)


def create(
    connection: Connection,
    *,
    merchant_id: str,
    amount: int,
    currency: str,
    ledger: Ledger,
    clock: Clock,
    description: str | None = None,
    metadata: dict[str, Any] | None = None,
    statement_descriptor: str | None = None,
    idempotency_key: str | None = None,
) -> Any:
    """A payout of ``amount`` from the available balance to the default bank account of
    ``currency``. Returns its row."""
    currency = currency.lower()
    schedule.lock(connection, merchant_id, clock.now())
    destination = bank_accounts.default_for(connection, merchant_id, currency)
    if destination is None:
        raise NoExternalAccount(
            f"You don't have any external accounts in that currency ({currency}).",
            param="currency",
        )
    available = available_balance(connection, ledger, merchant_id, currency)
    if amount > available:
        money = Currency.of(currency.upper())
        raise BalanceInsufficient(
            "You have insufficient funds in your Mercato account for this payout "
            f"({Money.of_minor(available, money).format()} available).",
            param="amount",
        )
    return issue(
        connection,
        merchant_id=merchant_id,
        amount=amount,
        currency=currency,
        destination_id=destination.id,
        ledger=ledger,
        clock=clock,
        description=description,
        metadata=metadata,
        statement_descriptor=statement_descriptor,
        idempotency_key=idempotency_key,
    )


def available_balance(
    connection: Connection, ledger: Ledger, merchant_id: str, currency: str
) -> int:
    """The merchant's available balance in ``currency``, in minor units (lock its schedule
    row first to act on it: ``schedule.lock``)."""
    money = Currency.of(currency.upper())
    book = ledger.book(connection)
    books.open_accounts(book, merchant_id, money)
    return book.balance(books.merchant_available(merchant_id, money)).posted.minor


def issue(
    connection: Connection,
    *,
    merchant_id: str,
    amount: int,
    currency: str,
    destination_id: str,
    ledger: Ledger,
    clock: Clock,
    description: str | None = None,
    metadata: dict[str, Any] | None = None,
    statement_descriptor: str | None = None,
    schedule_key: str | None = None,
    idempotency_key: str | None = None,
) -> Any:
    """The payout itself, once checked: the caller holds the merchant's schedule row
    (``schedule.lock``) and has found ``amount`` available and the bank account
    ``destination_id``. ``schedule_key`` makes it automatic. Returns its row."""
    now = clock.now()
    currency = currency.lower()
    money = Currency.of(currency.upper())
    payout_id = new_id("po")
    transaction_id = transactions.record(
        connection,
        merchant_id=merchant_id,
        type="payout",
        amount=-amount,
        fee=0,
        currency=currency,
        source_id=payout_id,
        description=description or "MERCATO PAYOUT",
        created=now,
        available_on=now,
        status=transactions.AVAILABLE,
    )
    connection.execute(
        sa.insert(payouts).values(
            id=payout_id,
            merchant_id=merchant_id,
            amount=amount,
            currency=currency,
            status=PENDING,
            automatic=schedule_key is not None,
            schedule_key=schedule_key,
            destination_id=destination_id,
            description=description or "MERCATO PAYOUT",
            statement_descriptor=statement_descriptor,
            metadata=dict(metadata or {}),
            balance_transaction_id=transaction_id,
            paid=False,
            arrival_date=arrival_after(now),
            created_at=now,
            updated_at=now,
        )
    )
    if schedule_key is not None:
        # Stripe's ``payout`` filter of balance transactions: what an automatic payout paid.
        t = balance_transactions.c
        connection.execute(
            sa.update(balance_transactions)
            .where(t.merchant_id == merchant_id, t.currency == currency, unpaid_rows)
            .values(payout_id=payout_id)
        )
    book = ledger.book(connection)
    books.open_accounts(book, merchant_id, money)
    book.post(books.payout(payout_id, merchant_id, Money.of_minor(amount, money)))
    found = row(connection, payout_id)
    announce(connection, found, "payout.created", clock, idempotency_key=idempotency_key)
    return found


def row(connection: Connection, payout_id: str, *, lock: bool = False) -> Any:
    query = sa.select(payouts).where(payouts.c.id == payout_id)
    return connection.execute(query.with_for_update() if lock else query).one()


def cancel(connection: Connection, found: Any, *, ledger: Ledger, clock: Clock) -> Any:
    """Cancel a payout not yet in a file for the bank: its money back to available."""
    found = row(connection, found.id, lock=True)
    if found.status != PENDING or found.file_id is not None:
        raise PayoutNotCancelable(
            f"Payout {found.id} can no longer be canceled: it is {found.status}"
            + (" and already in a file for the bank." if found.status == PENDING else "."),
            param="id",
        )
    return _return_money(connection, found, "canceled", ledger=ledger, clock=clock)


def fail(
    connection: Connection,
    payout_id: str,
    failure_code: str,
    *,
    ledger: Ledger,
    clock: Clock,
) -> Any | None:
    """The bank returned a payout: failed, its money back to available, the account marked
    errored. A payout already failed or canceled is left as it is (None)."""
    found = row(connection, payout_id, lock=True)
    if found.status in (FAILED, CANCELED):
        return None
    if failure_code in ("no_account", "account_closed", "invalid_account_number"):
        bank_accounts.mark_errored(connection, found.destination_id)
    return _return_money(
        connection, found, "failed", ledger=ledger, clock=clock, failure_code=failure_code
    )


def _return_money(
    connection: Connection,
    found: Any,
    how: str,
    *,
    ledger: Ledger,
    clock: Clock,
    failure_code: str | None = None,
) -> Any:
    now = clock.now()
    money = Money.of_minor(found.amount, Currency.of(found.currency.upper()))
    kind = "payout_failure" if how == "failed" else "payout_cancel"
    transaction_id = transactions.record(
        connection,
        merchant_id=found.merchant_id,
        type=kind,
        amount=found.amount,
        fee=0,
        currency=found.currency,
        source_id=found.id,
        description=f"Payout {how}",
        created=now,
        available_on=now,
        status=transactions.AVAILABLE,
    )
    status = FAILED if how == "failed" else CANCELED
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if how == "failed":
        values.update(
            failure_balance_transaction_id=transaction_id,
            failure_code=failure_code,
            failure_message=FAILURES.get(failure_code or "", FAILURES["could_not_process"]),
        )
    connection.execute(sa.update(payouts).where(payouts.c.id == found.id).values(**values))
    book = ledger.book(connection)
    books.open_accounts(book, found.merchant_id, money.currency)
    book.post(
        books.payout_returned(found.id, found.merchant_id, money, how=how, was_paid=found.paid)
    )
    changed = row(connection, found.id)
    announce(connection, changed, f"payout.{status}", clock, previous={"status": found.status})
    return changed


def mark_in_transit(connection: Connection, file_id: str, clock: Clock) -> int:
    """The payouts of a file the bank accepted: on their way, arriving on its next day."""
    now = clock.now()
    sent = connection.execute(
        sa.select(payouts).where(payouts.c.file_id == file_id, payouts.c.status == PENDING)
    ).all()
    for found in sent:
        connection.execute(
            sa.update(payouts)
            .where(payouts.c.id == found.id)
            .values(status=IN_TRANSIT, arrival_date=arrival_after(now), updated_at=now)
        )
        announce(
            connection,
            row(connection, found.id),
            "payout.updated",
            clock,
            previous={"status": PENDING},
        )
    return len(sent)


def mark_paid(engine: Any, ledger: Ledger, clock: Clock, *, batch: int = 200) -> int:
    """The duty ``payouts.mark_paid``: payouts in transit whose arrival date has passed are
    paid (the bank has applied them; a return may still fail one later). Batches of rows,
    each one transaction with one ``post_batch``."""
    from mercato.database.engine import writing

    done = 0
    while True:
        now = clock.now()
        with writing(engine) as connection:
            due = connection.execute(
                sa.select(payouts)
                .where(payouts.c.status == IN_TRANSIT, payouts.c.arrival_date <= now)
                .order_by(payouts.c.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
            if not due:
                return done
            book = ledger.book(connection)
            for found in due:
                books.open_accounts(book, found.merchant_id, Currency.of(found.currency.upper()))
            book.post_batch(
                [
                    books.payout_paid(
                        found.id, Money.of_minor(found.amount, found.currency.upper())
                    )
                    for found in due
                ]
            )
            for found in due:
                connection.execute(
                    sa.update(payouts)
                    .where(payouts.c.id == found.id)
                    .values(status=PAID, paid=True, updated_at=now)
                )
                announce(
                    connection,
                    row(connection, found.id),
                    "payout.paid",
                    clock,
                    previous={"status": IN_TRANSIT},
                )
        done += len(due)
        if len(due) < batch:
            return done


def announce(
    connection: Connection,
    found: Any,
    type: str,
    clock: Clock,
    *,
    previous: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> None:
    events.record(
        connection,
        merchant_id=found.merchant_id,
        type=type,
        data_object=to_object(found),
        previous_attributes=previous,
        idempotency_key=idempotency_key,
        clock=clock,
    )


def to_object(found: Any) -> dict[str, Any]:
    """The payout as the API shows it."""
    return {
        "id": found.id,
        "object": "payout",
        "amount": found.amount,
        "application_fee": None,
        "application_fee_amount": None,
        "arrival_date": int(found.arrival_date.timestamp()),
        "automatic": found.automatic,
        "balance_transaction": found.balance_transaction_id,
        "created": int(found.created_at.timestamp()),
        "currency": found.currency,
        "description": found.description,
        "destination": found.destination_id,
        "failure_balance_transaction": found.failure_balance_transaction_id,
        "failure_code": found.failure_code,
        "failure_message": found.failure_message,
        "livemode": False,
        "metadata": found.metadata,
        "method": "standard",
        "original_payout": None,
        "reconciliation_status": "completed" if found.status == PAID else "not_applicable",
        "reversed_by": None,
        "source_type": "card",
        "statement_descriptor": found.statement_descriptor,
        "status": found.status,
        "trace_id": {
            "status": "supported" if found.trace_number else "pending",
            "value": found.trace_number,
        },
        "type": "bank_account",
    }
