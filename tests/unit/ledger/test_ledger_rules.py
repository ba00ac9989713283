"""The ledger's rules without a database: what a transaction must be, what a limit allows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.ledger.domain import (
    AccountKind,
    AccountSpec,
    Balance,
    Counters,
    NewTransaction,
    Posting,
    Side,
    check_limits,
    counters_for,
    transfer,
)
from mercato.ledger.errors import (
    InvalidTransaction,
    LimitExceeded,
    NonPositiveAmount,
    TooFewPostings,
    UnbalancedTransaction,
)
from mercato.money import Currency, Money

USD = Currency.of("USD")
CUSTOMER = AccountSpec("customer", USD, AccountKind.LIABILITY, debits_must_not_exceed_credits=True)
CASH = AccountSpec("cash", USD, AccountKind.ASSET, credits_must_not_exceed_debits=True)


def usd(cents: int) -> Money:
    return Money.of_minor(cents, USD)


@pytest.mark.parametrize(
    ("kind", "side"),
    [
        (AccountKind.ASSET, Side.DEBIT),
        (AccountKind.EXPENSE, Side.DEBIT),
        (AccountKind.LIABILITY, Side.CREDIT),
        (AccountKind.EQUITY, Side.CREDIT),
        (AccountKind.REVENUE, Side.CREDIT),
    ],
)
def test_the_kind_of_an_account_decides_its_normal_side(kind: AccountKind, side: Side) -> None:
    assert kind.normal_side is side


def test_a_transfer_debits_one_account_and_credits_another() -> None:
    request = transfer("k", debit="a", credit="b", amount=usd(5))
    assert [(p.account, p.signed_minor) for p in request.postings] == [("a", 5), ("b", -5)]
    request.validate()


def test_an_unbalanced_transaction_says_by_how_much() -> None:
    request = NewTransaction("k", (Posting.debit("a", usd(500)), Posting.credit("b", usd(499))))
    with pytest.raises(UnbalancedTransaction, match=r"USD off by \+1 minor units"):
        request.validate()


def test_a_single_posting_is_not_a_transaction() -> None:
    with pytest.raises(TooFewPostings):
        NewTransaction("k", (Posting.debit("a", usd(5)),)).validate()


def test_a_posting_of_nothing_is_refused() -> None:
    with pytest.raises(NonPositiveAmount):
        transfer("k", debit="a", credit="b", amount=usd(0)).validate()


def test_only_a_hold_can_expire() -> None:
    import datetime as dt

    request = NewTransaction(
        "k",
        transfer("k", debit="a", credit="b", amount=usd(5)).postings,
        expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    with pytest.raises(InvalidTransaction, match="only a pending"):
        request.validate()


def test_retries_are_recognised_by_content_not_by_object() -> None:
    first = transfer("k", debit="a", credit="b", amount=usd(5), metadata={"order": "7"})
    same = transfer("k", debit="a", credit="b", amount=usd(5), metadata={"order": "7"})
    other = transfer("k", debit="a", credit="b", amount=usd(6), metadata={"order": "7"})
    assert first.content_hash() == same.content_hash()
    assert first.content_hash() != other.content_hash()


def test_a_customer_cannot_spend_more_than_they_have_including_holds() -> None:
    funded = Counters(credits_posted=100, debits_pending=30)
    check_limits(CUSTOMER, funded, counters_for(70, pending=False))
    with pytest.raises(LimitExceeded, match=r"overdrawn by \$0\.01|overdrawn by 0\.01"):
        check_limits(CUSTOMER, funded, counters_for(71, pending=False))


def test_money_coming_in_is_never_refused_even_beyond_the_limit() -> None:
    overdrawn = Counters(debits_posted=500, credits_posted=100)
    check_limits(CUSTOMER, overdrawn, counters_for(-50, pending=False))


def test_an_asset_account_limited_by_its_debits() -> None:
    with pytest.raises(LimitExceeded):
        check_limits(CASH, Counters(debits_posted=10), counters_for(-11, pending=False))


def test_available_balance_subtracts_outgoing_holds_but_ignores_incoming_ones() -> None:
    customer = Balance(
        CUSTOMER, Counters(credits_posted=100, debits_pending=30, credits_pending=50), 3
    )
    assert customer.posted == usd(100)
    assert customer.available == usd(70)
    assert customer.pending == usd(20)
    cash = Balance(CASH, Counters(debits_posted=100, credits_pending=40, debits_pending=5), 1)
    assert cash.available == usd(60)


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10**12), min_size=1, max_size=20),
    split=st.integers(min_value=0, max_value=19),
)
def test_any_transfer_split_into_postings_balances(amounts: list[int], split: int) -> None:
    """However a payment is split between credit lines, one matching debit balances it."""
    credits = tuple(Posting.credit(f"c{n}", usd(a)) for n, a in enumerate(amounts))
    request = NewTransaction("k", (Posting.debit("d", usd(sum(amounts))), *credits))
    request.validate()
    assert sum(p.signed_minor for p in request.postings) == 0
    if len(amounts) > 1:
        smaller = list(credits)
        smaller.pop(split % len(smaller))
        with pytest.raises(UnbalancedTransaction):
            NewTransaction("k", (Posting.debit("d", usd(sum(amounts))), *smaller)).validate()


@given(st.lists(st.tuples(st.integers(-(10**9), 10**9).filter(bool), st.booleans()), max_size=30))
def test_counters_add_up_to_the_postings(lines: list[tuple[int, bool]]) -> None:
    total = Counters()
    for signed, pending in lines:
        total.add(counters_for(signed, pending=pending))
    assert total.debits_posted - total.credits_posted == sum(s for s, p in lines if not p)
    assert total.debits_pending - total.credits_pending == sum(s for s, p in lines if p)
    assert min(vars_of(total)) >= 0


def vars_of(counters: Counters) -> list[int]:
    return [
        counters.debits_pending,
        counters.credits_pending,
        counters.debits_posted,
        counters.credits_posted,
    ]
