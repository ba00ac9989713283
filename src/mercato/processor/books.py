"""The platform's books for card payments, in the platform's ledger.

Per currency:

* ``platform:scheme-receivable:<CUR>`` (asset): what the card schemes, and through them the
  issuers, owe the platform for the payments it captured. Clearing (later) brings it back
  to zero as the money arrives.
* ``platform:processing-fees:<CUR>`` (revenue): the processor's fees.

Per merchant and currency, ``merchant:<acct>:balance:<CUR>`` (liability): what the platform
owes the merchant. (Issue 5 splits it into pending and available.)

The movements, each one ``post`` or ``post_batch`` call, with a key from the domain:

* authorisation approved: a hold from the receivable to the merchant's balance, expiring
  when the issuer's hold does (``charge:<id>:authorisation``);
* capture: the hold posted, whole or in part, the rest released (``charge:<id>:capture``),
  and the fee from the balance to the fees (``charge:<id>:fee``), in one batch; a payment
  captured at once has no hold: the capture is a transfer;
* cancel: the hold voided (``charge:<id>:void``);
* refund: the balance back to the receivable (``refund:<id>``); the fee is kept, as Stripe
  keeps it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from mercato.ledger import (
    AccountKind,
    AccountSpec,
    Book,
    ExpireHold,
    NewTransaction,
    PostHold,
    Request,
    VoidHold,
    hold,
    transfer,
)
from mercato.money import Currency, Money

PARTY = "platform"


def scheme_receivable(currency: Currency) -> str:
    return f"platform:scheme-receivable:{currency.code}"


def processing_fees(currency: Currency) -> str:
    return f"platform:processing-fees:{currency.code}"


def merchant_balance(merchant_id: str, currency: Currency) -> str:
    return f"merchant:{merchant_id}:balance:{currency.code}"


def open_accounts(book: Book, merchant_id: str, currency: Currency) -> None:
    """The accounts a card payment of ``merchant_id`` in ``currency`` moves (opening them
    again changes nothing). Opening is not posting: it takes no account lock."""
    for spec in (
        AccountSpec(
            scheme_receivable(currency),
            currency,
            AccountKind.ASSET,
            "Owed by the card schemes for captured payments",
            owner=PARTY,
        ),
        AccountSpec(
            processing_fees(currency),
            currency,
            AccountKind.REVENUE,
            "Card processing fees",
            owner=PARTY,
        ),
        AccountSpec(
            merchant_balance(merchant_id, currency),
            currency,
            AccountKind.LIABILITY,
            "Merchant balance",
            owner=merchant_id,
        ),
    ):
        book.open_account(spec)


def authorisation_hold(
    charge_id: str, merchant_id: str, amount: Money, expires_at: dt.datetime
) -> NewTransaction:
    return hold(
        f"charge:{charge_id}:authorisation",
        debit=scheme_receivable(amount.currency),
        credit=merchant_balance(merchant_id, amount.currency),
        amount=amount,
        expires_at=expires_at,
        description=f"card authorisation {charge_id}",
        metadata={"charge": charge_id},
    )


def capture(
    charge_id: str, merchant_id: str, hold_id: uuid.UUID | None, amount: Money, fee: Money
) -> list[Request]:
    """The capture of ``amount`` and its ``fee``, for one ``post_batch``."""
    captured: Request
    if hold_id is None:
        captured = transfer(
            f"charge:{charge_id}:capture",
            debit=scheme_receivable(amount.currency),
            credit=merchant_balance(merchant_id, amount.currency),
            amount=amount,
            description=f"card payment {charge_id}",
            metadata={"charge": charge_id},
        )
    else:
        captured = PostHold(
            f"charge:{charge_id}:capture",
            hold_id,
            amount=amount,
            description=f"card payment {charge_id}",
            metadata={"charge": charge_id},
        )
    requests: list[Request] = [captured]
    if fee.is_positive:
        requests.append(
            transfer(
                f"charge:{charge_id}:fee",
                debit=merchant_balance(merchant_id, fee.currency),
                credit=processing_fees(fee.currency),
                amount=fee,
                description=f"processing fee for {charge_id}",
                metadata={"charge": charge_id},
            )
        )
    return requests


def release(charge_id: str, hold_id: uuid.UUID) -> VoidHold:
    return VoidHold(f"charge:{charge_id}:void", hold_id, description="authorisation canceled")


def expiry(charge_id: str, hold_id: uuid.UUID) -> ExpireHold:
    return ExpireHold(f"charge:{charge_id}:expired", hold_id)


def refund(refund_id: str, charge_id: str, merchant_id: str, amount: Money) -> NewTransaction:
    return transfer(
        f"refund:{refund_id}",
        debit=merchant_balance(merchant_id, amount.currency),
        credit=scheme_receivable(amount.currency),
        amount=amount,
        description=f"refund {refund_id} of {charge_id}",
        metadata={"charge": charge_id, "refund": refund_id},
    )
