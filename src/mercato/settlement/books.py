"""The platform's books for merchants' balances and payouts (beside ``processor.books``).

A merchant's money in one currency is two liability accounts of the platform:

* ``merchant:<acct>:balance:<CUR>`` (``processor.books.merchant_balance``): the *pending*
  part. Captures are credited to it and their fees debited, as the processor books them.
* ``merchant:<acct>:available:<CUR>``: the *available* part, what may be paid out. It may
  go below zero (a refund larger than what is available): the debt is carried, and the
  next funds to become available pay it back before anything can be paid out.

Per currency, the platform's own:

* ``platform:payouts-in-transit:<CUR>`` (liability): payouts taken from merchants'
  balances and not yet applied by the bank;
* ``platform:cash-at-bank:<CUR>`` (asset): the platform's account at the commercial bank,
  which a payout leaves once the bank has applied it (interbank settlement of the day's
  clearing pays into it: settlement/clearing.py).

The movements, each with a key from the domain:

* balance transactions become available, in batches: per merchant and currency in a batch,
  the sum of their nets from pending to available (a negative sum, refunds, the other way
  round) (``balance_batch:<batch id>:<acct>:<CUR>:available``; the batch id is on each of
  its rows, ``available_batch``: ADR 0019);
* a payout: available to in transit (``payout:<id>``); paid: in transit to the cash at the
  bank (``payout:<id>:paid``); failed: back to available, from in transit or, if it was
  paid already, from the cash the bank returned (``payout:<id>:failed``); canceled: in
  transit back to available (``payout:<id>:canceled``).
"""

from __future__ import annotations

from mercato.ledger import AccountKind, AccountSpec, Book, NewTransaction, transfer
from mercato.money import Currency, Money
from mercato.processor.books import PARTY, merchant_balance


def merchant_available(merchant_id: str, currency: Currency) -> str:
    return f"merchant:{merchant_id}:available:{currency.code}"


def payouts_in_transit(currency: Currency) -> str:
    return f"platform:payouts-in-transit:{currency.code}"


def cash_at_bank(currency: Currency) -> str:
    return f"platform:cash-at-bank:{currency.code}"


def open_accounts(book: Book, merchant_id: str, currency: Currency) -> None:
    """The accounts a merchant's balance and payouts in ``currency`` move (opening them
    again changes nothing; opening takes no lock)."""
    for spec in (
        AccountSpec(
            merchant_balance(merchant_id, currency),
            currency,
            AccountKind.LIABILITY,
            "Merchant balance",
            owner=merchant_id,
        ),
        AccountSpec(
            merchant_available(merchant_id, currency),
            currency,
            AccountKind.LIABILITY,
            "Merchant balance, available",
            owner=merchant_id,
        ),
        AccountSpec(
            payouts_in_transit(currency),
            currency,
            AccountKind.LIABILITY,
            "Payouts on their way to merchants' banks",
            owner=PARTY,
        ),
        AccountSpec(
            cash_at_bank(currency),
            currency,
            AccountKind.ASSET,
            "The platform's account at the commercial bank",
            owner=PARTY,
        ),
    ):
        book.open_account(spec)


def made_available(
    batch_id: str, merchant_id: str, net: Money, count: int
) -> NewTransaction | None:
    """A merchant's part of an availability batch: the sum of the nets of its ``count``
    balance transactions in one currency from pending to available (None: a sum of zero
    moves nothing). Keyed by the batch, the merchant and the currency."""
    if net.is_zero:
        return None
    pending = merchant_balance(merchant_id, net.currency)
    available = merchant_available(merchant_id, net.currency)
    debit, credit = (pending, available) if net.is_positive else (available, pending)
    return transfer(
        f"balance_batch:{batch_id}:{merchant_id}:{net.currency.code}:available",
        debit=debit,
        credit=credit,
        amount=abs(net),
        description=f"{count} balance transactions available (batch {batch_id})",
        metadata={"availability_batch": batch_id, "merchant": merchant_id, "count": count},
    )


def payout(payout_id: str, merchant_id: str, amount: Money) -> NewTransaction:
    return transfer(
        f"payout:{payout_id}",
        debit=merchant_available(merchant_id, amount.currency),
        credit=payouts_in_transit(amount.currency),
        amount=amount,
        description=f"payout {payout_id}",
        metadata={"payout": payout_id},
    )


def payout_paid(payout_id: str, amount: Money) -> NewTransaction:
    return transfer(
        f"payout:{payout_id}:paid",
        debit=payouts_in_transit(amount.currency),
        credit=cash_at_bank(amount.currency),
        amount=amount,
        description=f"payout {payout_id} applied by the bank",
        metadata={"payout": payout_id},
    )


def payout_returned(
    payout_id: str, merchant_id: str, amount: Money, *, how: str, was_paid: bool
) -> NewTransaction:
    """A failed (``how="failed"``) or canceled payout's money back to available."""
    source = cash_at_bank(amount.currency) if was_paid else payouts_in_transit(amount.currency)
    return transfer(
        f"payout:{payout_id}:{how}",
        debit=source,
        credit=merchant_available(merchant_id, amount.currency),
        amount=amount,
        description=f"payout {payout_id} {how}",
        metadata={"payout": payout_id},
    )
