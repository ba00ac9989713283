"""The ledger's values: accounts, postings, transactions, holds and balances.

Pure Python: no database and no web framework. The rules that decide whether a write is
allowed live here, and the database layer (``book.py``) applies them.

Sign convention: a debit is positive and a credit negative, so the postings of every
balanced transaction sum to zero per currency. An account keeps four counters, as
TigerBeetle does: debits and credits, each pending (held) and posted.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mercato.ledger.errors import (
    InvalidTransaction,
    LimitExceeded,
    NonPositiveAmount,
    TooFewPostings,
    UnbalancedTransaction,
)
from mercato.money import Currency, Money


class Side(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class AccountKind(enum.StrEnum):
    """The five kinds of account; the kind decides which side is the account's normal side."""

    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"

    @property
    def normal_side(self) -> Side:
        """Debit-normal (assets, expenses) or credit-normal (liabilities, equity, revenue)."""
        return Side.DEBIT if self in (AccountKind.ASSET, AccountKind.EXPENSE) else Side.CREDIT


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """What an account is. ``code`` names it uniquely within one party's ledger.

    ``debits_must_not_exceed_credits`` keeps a credit-normal account (a customer's balance,
    say) from going below zero; ``credits_must_not_exceed_debits`` does the same for a
    debit-normal one. Pending debits (holds) count against the limit.
    """

    code: str
    currency: Currency
    kind: AccountKind
    name: str = ""
    owner: str | None = None
    debits_must_not_exceed_credits: bool = False
    credits_must_not_exceed_debits: bool = False
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def normal_side(self) -> Side:
        return self.kind.normal_side


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a transaction: ``amount`` (positive) on one ``side`` of ``account``."""

    account: str
    side: Side
    amount: Money

    @classmethod
    def debit(cls, account: str, amount: Money) -> Posting:
        return cls(account, Side.DEBIT, amount)

    @classmethod
    def credit(cls, account: str, amount: Money) -> Posting:
        return cls(account, Side.CREDIT, amount)

    @property
    def signed_minor(self) -> int:
        """Minor units with the ledger's sign: debits positive, credits negative."""
        return self.amount.minor if self.side is Side.DEBIT else -self.amount.minor


def _canonical_hash(document: Mapping[str, Any]) -> str:
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _postings_document(postings: Sequence[Posting]) -> list[list[Any]]:
    return [[p.account, p.side.value, p.amount.minor, p.amount.currency.code] for p in postings]


@dataclass(frozen=True)
class NewTransaction:
    """A request to record a transaction: posted now, or ``pending`` (a hold) until resolved.

    ``occurred_at`` is when it happened in the world (default: when it is recorded);
    the ledger stamps ``recorded_at`` itself. A pending transaction may carry ``expires_at``.
    """

    idempotency_key: str
    postings: tuple[Posting, ...]
    description: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    occurred_at: dt.datetime | None = None
    pending: bool = False
    expires_at: dt.datetime | None = None

    def validate(self) -> None:
        """Refuse a transaction that could never be right, whatever the accounts hold."""
        if len(self.postings) < 2:
            raise TooFewPostings(
                f"a transaction needs two or more postings, not {len(self.postings)}"
            )
        totals: dict[str, int] = defaultdict(int)
        for posting in self.postings:
            if posting.amount.minor <= 0:
                raise NonPositiveAmount(
                    f"posting to {posting.account} must be above zero, not {posting.amount}"
                )
            totals[posting.amount.currency.code] += posting.signed_minor
        unbalanced = {code: total for code, total in totals.items() if total != 0}
        if unbalanced:
            detail = ", ".join(
                f"{code} off by {total:+d} minor units" for code, total in unbalanced.items()
            )
            raise UnbalancedTransaction(f"debits and credits differ: {detail}")
        if self.expires_at is not None and not self.pending:
            raise InvalidTransaction("only a pending transaction (a hold) can expire")

    def content_hash(self) -> str:
        """What an idempotent retry must repeat exactly (the key aside)."""
        return _canonical_hash(
            {
                "type": "pending" if self.pending else "posted",
                "postings": _postings_document(self.postings),
                "description": self.description,
                "metadata": dict(self.metadata),
                "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            }
        )


def transfer(
    idempotency_key: str,
    *,
    debit: str,
    credit: str,
    amount: Money,
    description: str = "",
    metadata: Mapping[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> NewTransaction:
    """A posted transaction of two postings: ``amount`` from ``credit`` to ``debit``."""
    return NewTransaction(
        idempotency_key,
        (Posting.debit(debit, amount), Posting.credit(credit, amount)),
        description=description,
        metadata=metadata or {},
        occurred_at=occurred_at,
    )


def hold(
    idempotency_key: str,
    *,
    debit: str,
    credit: str,
    amount: Money,
    expires_at: dt.datetime | None = None,
    description: str = "",
    metadata: Mapping[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> NewTransaction:
    """A pending two-posting transaction: ``amount`` reserved until posted, voided or expired."""
    return NewTransaction(
        idempotency_key,
        (Posting.debit(debit, amount), Posting.credit(credit, amount)),
        description=description,
        metadata=metadata or {},
        occurred_at=occurred_at,
        pending=True,
        expires_at=expires_at,
    )


@dataclass(frozen=True)
class PostHold:
    """Post a hold, whole (``amount`` None) or in part; the part not posted is released."""

    idempotency_key: str
    hold_id: uuid.UUID
    amount: Money | None = None
    description: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def content_hash(self) -> str:
        return _canonical_hash(
            {
                "type": "post_pending",
                "hold": str(self.hold_id),
                "amount": [self.amount.minor, self.amount.currency.code] if self.amount else None,
                "description": self.description,
                "metadata": dict(self.metadata),
            }
        )


@dataclass(frozen=True)
class VoidHold:
    """Release a hold entirely; nothing is posted."""

    idempotency_key: str
    hold_id: uuid.UUID
    description: str = ""

    def content_hash(self) -> str:
        return _canonical_hash(
            {"type": "void_pending", "hold": str(self.hold_id), "description": self.description}
        )


@dataclass(frozen=True)
class Reverse:
    """Undo a posted transaction with its mirror image, linked to it. Records never change."""

    idempotency_key: str
    transaction_id: uuid.UUID
    description: str = ""

    def content_hash(self) -> str:
        return _canonical_hash(
            {"type": "reversal", "of": str(self.transaction_id), "description": self.description}
        )


@dataclass(frozen=True)
class ExpireHold:
    """Release a hold whose time ran out (the ledger's expiry run makes these)."""

    idempotency_key: str
    hold_id: uuid.UUID

    def content_hash(self) -> str:
        return _canonical_hash({"type": "expire_pending", "hold": str(self.hold_id)})


Request = NewTransaction | PostHold | VoidHold | ExpireHold | Reverse
"""Anything the ledger can be asked to write."""


class TransactionType(enum.StrEnum):
    POSTED = "posted"
    PENDING = "pending"
    POST_PENDING = "post_pending"
    VOID_PENDING = "void_pending"
    EXPIRE_PENDING = "expire_pending"
    REVERSAL = "reversal"


class HoldStatus(enum.StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class RecordedPosting:
    account: str
    side: Side
    amount: Money
    pending: bool


@dataclass(frozen=True)
class Transaction:
    """A transaction as the books hold it."""

    id: uuid.UUID
    idempotency_key: str
    type: TransactionType
    postings: tuple[RecordedPosting, ...]
    description: str
    metadata: Mapping[str, Any]
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    pending_id: uuid.UUID | None = None
    reverses_id: uuid.UUID | None = None
    expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class Hold:
    """A pending transaction and what became of it."""

    transaction: Transaction
    status: HoldStatus
    resolved_by: uuid.UUID | None

    @property
    def id(self) -> uuid.UUID:
        return self.transaction.id


@dataclass(slots=True)
class Counters:
    """An account's four counters, in minor units (all of them zero or above)."""

    debits_pending: int = 0
    credits_pending: int = 0
    debits_posted: int = 0
    credits_posted: int = 0

    def negated(self) -> Counters:
        return Counters(
            -self.debits_pending, -self.credits_pending, -self.debits_posted, -self.credits_posted
        )

    def add(self, other: Counters) -> None:
        self.debits_pending += other.debits_pending
        self.credits_pending += other.credits_pending
        self.debits_posted += other.debits_posted
        self.credits_posted += other.credits_posted


def counters_for(signed_minor: int, *, pending: bool) -> Counters:
    """The change one posting makes to its account's counters."""
    debit, credit = (signed_minor, 0) if signed_minor > 0 else (0, -signed_minor)
    if pending:
        return Counters(debits_pending=debit, credits_pending=credit)
    return Counters(debits_posted=debit, credits_posted=credit)


def check_limits(account: AccountSpec, before: Counters, change: Counters) -> None:
    """Refuse ``change`` if it would overdraw ``account`` (pending debits count).

    Only a change that adds to the limited side is checked, so a hold's release or a
    payment into an account already beyond its limit is always allowed.
    """
    after = Counters()
    after.add(before)
    after.add(change)
    if (
        account.debits_must_not_exceed_credits
        and change.debits_pending + change.debits_posted > 0
        and after.debits_pending + after.debits_posted > after.credits_posted
    ):
        short = after.debits_pending + after.debits_posted - after.credits_posted
        raise LimitExceeded(
            f"{account.code} would be overdrawn by {Money.of_minor(short, account.currency)}"
        )
    if (
        account.credits_must_not_exceed_debits
        and change.credits_pending + change.credits_posted > 0
        and after.credits_pending + after.credits_posted > after.debits_posted
    ):
        short = after.credits_pending + after.credits_posted - after.debits_posted
        raise LimitExceeded(
            f"{account.code} would be overdrawn by {Money.of_minor(short, account.currency)}"
        )


@dataclass(frozen=True)
class Balance:
    """An account's balance, signed towards its normal side (a positive liability is owed)."""

    account: AccountSpec
    counters: Counters
    version: int

    def _normal(self, debits: int, credits: int) -> Money:
        value = debits - credits if self.account.normal_side is Side.DEBIT else credits - debits
        return Money.of_minor(value, self.account.currency)

    @property
    def posted(self) -> Money:
        """What has settled on the account."""
        return self._normal(self.counters.debits_posted, self.counters.credits_posted)

    @property
    def pending(self) -> Money:
        """The net of the holds still open on the account."""
        return self._normal(self.counters.debits_pending, self.counters.credits_pending)

    @property
    def available(self) -> Money:
        """Posted, less the holds taking money out (holds bringing money in don't count yet)."""
        c = self.counters
        if self.account.normal_side is Side.DEBIT:
            return self._normal(c.debits_posted, c.credits_posted + c.credits_pending)
        return self._normal(c.debits_posted + c.debits_pending, c.credits_posted)


@dataclass(frozen=True)
class StatementLine:
    """One posting on an account statement, with the balance after it."""

    transaction_id: uuid.UUID
    occurred_at: dt.datetime
    description: str
    side: Side
    amount: Money
    balance: Money


@dataclass(frozen=True)
class Statement:
    account: AccountSpec
    start: dt.datetime | None
    end: dt.datetime | None
    opening: Money
    lines: tuple[StatementLine, ...]
    closing: Money
