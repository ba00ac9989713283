"""The ledger's rules, as a treasurer would state them, on SQLite and on PostgreSQL.

After every test the ``ledger`` fixture proves the books still balance.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from mercato.clock import ManualClock
from mercato.ledger import (
    AccountKind,
    AccountSpec,
    HoldStatus,
    Ledger,
    NewTransaction,
    PostHold,
    Posting,
    Reverse,
    TransactionType,
    VoidHold,
    hold,
    transfer,
)
from mercato.ledger.errors import (
    AccountClosed,
    AccountConflict,
    AccountNotEmpty,
    AccountNotFound,
    AlreadyReversed,
    BatchRejected,
    HoldAlreadyResolved,
    HoldExceeded,
    HoldExpired,
    IdempotencyConflict,
    InvalidTransaction,
    LimitExceeded,
    NonPositiveAmount,
    TooFewPostings,
    UnbalancedTransaction,
    WrongCurrency,
)
from mercato.ledger.tables import accounts, postings, transactions
from mercato.money import Currency, Money

USD = Currency.of("USD")
EUR = Currency.of("EUR")


def usd(cents: int) -> Money:
    return Money.of_minor(cents, USD)


@pytest.fixture
def books(ledger: Ledger) -> Ledger:
    """A bank's cash, two customers who may not go below zero, and a shop."""
    with ledger.begin() as book:
        book.open_account(AccountSpec("bank:cash", USD, AccountKind.ASSET))
        book.open_account(AccountSpec("bank:cash:eur", EUR, AccountKind.ASSET))
        for code in ("alice", "bob"):
            book.open_account(
                AccountSpec(code, USD, AccountKind.LIABILITY, debits_must_not_exceed_credits=True)
            )
        book.open_account(AccountSpec("shop", USD, AccountKind.LIABILITY))
        book.post(transfer("fund:alice", debit="bank:cash", credit="alice", amount=usd(100_00)))
    return ledger


def count(ledger: Ledger, table: sa.Table) -> int:
    with ledger.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_transfer_moves_money_from_one_account_to_another(books: Ledger) -> None:
    with books.begin() as book:
        book.post(transfer("t1", debit="alice", credit="bob", amount=usd(30_00)))
    with books.reading() as book:
        assert book.balance("alice").posted == usd(70_00)
        assert book.balance("bob").posted == usd(30_00)
        assert book.balance("bank:cash").posted == usd(100_00)  # an asset: debit-normal


def test_every_balance_change_bumps_the_accounts_version(books: Ledger) -> None:
    with books.reading() as book:
        before = book.balance("alice").version
    with books.begin() as book:
        book.post(transfer("t1", debit="alice", credit="bob", amount=usd(1)))
        book.post(transfer("t2", debit="alice", credit="bob", amount=usd(1)))
    with books.reading() as book:
        assert book.balance("alice").version == before + 2


def test_a_transaction_may_have_many_postings(books: Ledger) -> None:
    with books.begin() as book:
        book.post(
            NewTransaction(
                "split",
                (
                    Posting.debit("alice", usd(10_00)),
                    Posting.credit("bob", usd(7_00)),
                    Posting.credit("shop", usd(3_00)),
                ),
            )
        )
    with books.reading() as book:
        assert book.balance("shop").posted == usd(3_00)
        assert book.balance("bob").posted == usd(7_00)


@pytest.mark.parametrize(
    ("postings_", "error"),
    [
        ((Posting.debit("alice", usd(5)), Posting.credit("bob", usd(4))), UnbalancedTransaction),
        ((Posting.debit("alice", usd(5)),), TooFewPostings),
        ((Posting.debit("alice", usd(0)), Posting.credit("bob", usd(0))), NonPositiveAmount),
        ((Posting.debit("alice", usd(-5)), Posting.credit("bob", usd(-5))), NonPositiveAmount),
        (
            (Posting.debit("alice", usd(5)), Posting.credit("bob", Money.of_minor(5, EUR))),
            UnbalancedTransaction,
        ),
        (
            (
                Posting.debit("bank:cash:eur", Money.of_minor(5, EUR)),
                Posting.credit("bob", Money.of_minor(5, EUR)),
            ),
            WrongCurrency,
        ),
        ((Posting.debit("alice", usd(5)), Posting.credit("nobody", usd(5))), AccountNotFound),
    ],
    ids=[
        "unbalanced",
        "one-posting",
        "zero",
        "negative",
        "mixed-currencies",
        "wrong-currency",
        "unknown-account",
    ],
)
def test_a_wrong_transaction_is_refused_and_leaves_no_trace(
    books: Ledger, postings_: tuple[Posting, ...], error: type[Exception]
) -> None:
    before = (count(books, transactions), count(books, postings))
    with pytest.raises(error), books.begin() as book:
        book.post(NewTransaction("bad", postings_))
    assert (count(books, transactions), count(books, postings)) == before
    with books.reading() as book:
        assert book.balance("alice").posted == usd(100_00)
        assert book.balance("bob").version == 0


def test_a_balanced_multi_currency_transaction_balances_per_currency(books: Ledger) -> None:
    with books.begin() as book:
        book.open_account(AccountSpec("fx:usd", USD, AccountKind.ASSET))
        book.open_account(AccountSpec("fx:eur", EUR, AccountKind.ASSET))
        book.open_account(AccountSpec("carol:eur", EUR, AccountKind.LIABILITY))
        book.post(
            NewTransaction(
                "fx",
                (
                    Posting.debit("alice", usd(11_00)),
                    Posting.credit("fx:usd", usd(11_00)),
                    Posting.debit("fx:eur", Money.of_minor(10_00, EUR)),
                    Posting.credit("carol:eur", Money.of_minor(10_00, EUR)),
                ),
            )
        )
    with books.reading() as book:
        assert book.balance("carol:eur").posted == Money.of_minor(10_00, EUR)


def test_a_limited_account_cannot_be_overdrawn(books: Ledger) -> None:
    with (
        pytest.raises(LimitExceeded, match=r"alice would be overdrawn by 0\.01"),
        books.begin() as book,
    ):
        book.post(transfer("too-much", debit="alice", credit="bob", amount=usd(100_01)))
    with books.begin() as book:
        book.post(transfer("all-of-it", debit="alice", credit="bob", amount=usd(100_00)))
    with books.reading() as book:
        assert book.balance("alice").posted == usd(0)


def test_an_unlimited_account_may_go_negative(books: Ledger) -> None:
    with books.begin() as book:
        book.post(transfer("refund", debit="shop", credit="bob", amount=usd(5_00)))
    with books.reading() as book:
        assert book.balance("shop").posted == usd(-5_00)


def test_a_closed_account_takes_no_more_postings(books: Ledger) -> None:
    with books.begin() as book:
        book.close_account("bob")
    with pytest.raises(AccountClosed), books.begin() as book:
        book.post(transfer("late", debit="alice", credit="bob", amount=usd(1)))


def test_an_account_with_money_in_it_cannot_be_closed(books: Ledger) -> None:
    with pytest.raises(AccountNotEmpty, match=r"100\.00"), books.begin() as book:
        book.close_account("alice")


def test_opening_an_account_again_is_harmless_but_redefining_it_is_refused(books: Ledger) -> None:
    spec = AccountSpec("shop", USD, AccountKind.LIABILITY)
    with books.begin() as book:
        assert book.open_account(spec) == spec
    with pytest.raises(AccountConflict), books.begin() as book:
        book.open_account(AccountSpec("shop", EUR, AccountKind.LIABILITY))


def test_a_retried_request_is_recorded_once(books: Ledger) -> None:
    request = transfer("pay:1", debit="alice", credit="shop", amount=usd(20_00))
    with books.begin() as book:
        first = book.post(request)
    with books.begin() as book:
        again = book.post(request)
    assert again.id == first.id
    with books.reading() as book:
        assert book.balance("alice").posted == usd(80_00)
        assert book.transaction_by_key("pay:1").id == first.id


def test_reusing_an_idempotency_key_for_other_content_is_refused(books: Ledger) -> None:
    with books.begin() as book:
        book.post(transfer("pay:1", debit="alice", credit="shop", amount=usd(20_00)))
    with pytest.raises(IdempotencyConflict), books.begin() as book:
        book.post(transfer("pay:1", debit="alice", credit="shop", amount=usd(20_01)))
    with books.reading() as book:
        assert book.balance("shop").posted == usd(20_00)


def test_a_hold_reserves_money_until_it_is_captured(books: Ledger, clock: ManualClock) -> None:
    with books.begin() as book:
        held = book.post(
            hold(
                "auth",
                debit="alice",
                credit="shop",
                amount=usd(60_00),
                expires_at=clock.now() + dt.timedelta(days=7),
            )
        )
    with books.reading() as book:
        alice = book.balance("alice")
        assert (alice.posted, alice.available) == (usd(100_00), usd(40_00))
        assert book.balance("shop").posted == usd(0)
        assert book.hold(held.id).status is HoldStatus.PENDING
    with pytest.raises(LimitExceeded), books.begin() as book:
        book.post(transfer("spend", debit="alice", credit="bob", amount=usd(40_01)))


def test_capturing_part_of_a_hold_releases_the_rest(books: Ledger) -> None:
    with books.begin() as book:
        held = book.post(hold("auth", debit="alice", credit="shop", amount=usd(60_00)))
        captured = book.post(PostHold("capture", held.id, usd(45_00)))
    assert captured.type is TransactionType.POST_PENDING
    with books.reading() as book:
        alice = book.balance("alice")
        assert (alice.posted, alice.available, alice.pending) == (usd(55_00), usd(55_00), usd(0))
        assert book.balance("shop").posted == usd(45_00)
        assert book.hold(held.id).status is HoldStatus.POSTED


def test_capturing_more_than_the_hold_is_refused(books: Ledger) -> None:
    with books.begin() as book:
        held = book.post(hold("auth", debit="alice", credit="shop", amount=usd(60_00)))
    with pytest.raises(HoldExceeded), books.begin() as book:
        book.post(PostHold("capture", held.id, usd(60_01)))
    with books.reading() as book:
        assert book.hold(held.id).status is HoldStatus.PENDING


def test_a_hold_is_resolved_once(books: Ledger) -> None:
    with books.begin() as book:
        held = book.post(hold("auth", debit="alice", credit="shop", amount=usd(10_00)))
        book.post(PostHold("capture", held.id))
    with pytest.raises(HoldAlreadyResolved), books.begin() as book:
        book.post(VoidHold("void", held.id))
    with pytest.raises(HoldAlreadyResolved), books.begin() as book:
        book.post(PostHold("capture-again", held.id))


def test_a_retried_capture_is_replayed_not_refused(books: Ledger) -> None:
    with books.begin() as book:
        held = book.post(hold("auth", debit="alice", credit="shop", amount=usd(10_00)))
        first = book.post(PostHold("capture", held.id, usd(4_00)))
    with books.begin() as book:
        assert book.post(PostHold("capture", held.id, usd(4_00))).id == first.id
    with books.reading() as book:
        assert book.balance("shop").posted == usd(4_00)


def test_voiding_a_hold_gives_the_money_back(books: Ledger) -> None:
    with books.begin() as book:
        held = book.post(hold("auth", debit="alice", credit="shop", amount=usd(60_00)))
        book.post(VoidHold("cancel", held.id))
    with books.reading() as book:
        assert book.balance("alice").available == usd(100_00)
        assert book.hold(held.id).status is HoldStatus.VOIDED


def test_an_expired_hold_cannot_be_captured_and_is_released_by_the_expiry_run(
    books: Ledger, clock: ManualClock
) -> None:
    with books.begin() as book:
        held = book.post(
            hold(
                "auth",
                debit="alice",
                credit="shop",
                amount=usd(60_00),
                expires_at=clock.now() + dt.timedelta(days=7),
            )
        )
        book.post(hold("long", debit="alice", credit="shop", amount=usd(1_00)))
    assert books.expire_holds() == 0
    clock.advance(dt.timedelta(days=7))
    with pytest.raises(HoldExpired), books.begin() as book:
        book.post(PostHold("capture", held.id))
    assert books.expire_holds() == 1
    assert books.expire_holds() == 0
    with books.reading() as book:
        assert book.hold(held.id).status is HoldStatus.EXPIRED
        assert book.balance("alice").available == usd(99_00)


def test_a_reversal_mirrors_the_original_and_links_to_it(books: Ledger) -> None:
    with books.begin() as book:
        paid = book.post(transfer("pay", debit="alice", credit="shop", amount=usd(25_00)))
        reversal = book.post(Reverse("undo", paid.id, "customer changed their mind"))
    assert reversal.reverses_id == paid.id
    assert [(p.account, p.side) for p in reversal.postings] == [
        ("alice", "credit"),
        ("shop", "debit"),
    ]
    with books.reading() as book:
        assert book.balance("alice").posted == usd(100_00)
        assert book.balance("shop").posted == usd(0)
    with pytest.raises(AlreadyReversed), books.begin() as book:
        book.post(Reverse("undo-again", paid.id))


def test_a_hold_is_voided_not_reversed(books: Ledger) -> None:
    with books.begin() as book:
        held = book.post(hold("auth", debit="alice", credit="shop", amount=usd(1_00)))
    with pytest.raises(InvalidTransaction, match="voided"), books.begin() as book:
        book.post(Reverse("undo", held.id))


def test_a_batch_is_recorded_whole(books: Ledger) -> None:
    requests = [
        transfer(f"b{n}", debit="alice", credit="bob", amount=usd(10_00)) for n in range(10)
    ]
    with books.begin() as book:
        recorded = book.post_batch(requests)
    assert [t.idempotency_key for t in recorded] == [f"b{n}" for n in range(10)]
    with books.reading() as book:
        assert book.balance("alice").posted == usd(0)
        assert book.balance("alice").version == 11


def test_a_batch_with_one_bad_request_leaves_nothing(books: Ledger) -> None:
    # Each request alone would fit; the eleventh overdraws alice after the ten before it.
    requests = [
        transfer(f"b{n}", debit="alice", credit="bob", amount=usd(10_00)) for n in range(11)
    ]
    before = count(books, transactions)
    with pytest.raises(BatchRejected) as refused, books.begin() as book:
        book.post_batch(requests)
    assert refused.value.index == 10
    assert isinstance(refused.value.cause, LimitExceeded)
    assert count(books, transactions) == before
    with books.reading() as book:
        assert book.balance("bob").posted == usd(0)


def test_a_batch_may_capture_holds(books: Ledger) -> None:
    with books.begin() as book:
        holds = [
            book.post(hold(f"auth{n}", debit="alice", credit="shop", amount=usd(10_00)))
            for n in range(3)
        ]
    with books.begin() as book:
        book.post_batch([PostHold(f"cap{n}", h.id, usd(5_00)) for n, h in enumerate(holds)])
    with books.reading() as book:
        assert book.balance("shop").posted == usd(15_00)
        assert book.balance("alice").available == usd(85_00)


def test_a_retried_batch_is_replayed(books: Ledger) -> None:
    requests = [transfer(f"b{n}", debit="alice", credit="bob", amount=usd(1_00)) for n in range(5)]
    with books.begin() as book:
        first = book.post_batch(requests)
    with books.begin() as book:
        again = book.post_batch(
            [*requests, transfer("b5", debit="alice", credit="bob", amount=usd(1_00))]
        )
    assert [t.id for t in again[:5]] == [t.id for t in first]
    with books.reading() as book:
        assert book.balance("bob").posted == usd(6_00)


def test_the_balance_at_a_past_time_counts_only_what_had_happened(
    books: Ledger, clock: ManualClock
) -> None:
    monday = clock.now()
    clock.advance(dt.timedelta(days=1))
    with books.begin() as book:
        book.post(transfer("tue", debit="alice", credit="bob", amount=usd(10_00)))
    clock.advance(dt.timedelta(days=1))
    wednesday = clock.now()
    # Recorded on Wednesday, but it happened on Monday: a back-dated entry.
    with books.begin() as book:
        book.post(
            transfer("late", debit="alice", credit="bob", amount=usd(1_00), occurred_at=monday)
        )
        assert book.balance_at("bob", monday) == usd(1_00)
        assert book.balance_at("bob", monday, known_at=wednesday - dt.timedelta(seconds=1)) == usd(
            0
        )
        assert book.balance_at("bob", wednesday) == usd(11_00)


def test_a_statement_shows_each_entry_with_the_running_balance(
    books: Ledger, clock: ManualClock
) -> None:
    start = clock.now() + dt.timedelta(hours=1)
    clock.advance(dt.timedelta(hours=2))
    with books.begin() as book:
        book.post(
            transfer(
                "in", debit="bank:cash", credit="alice", amount=usd(5_00), occurred_at=clock.now()
            )
        )
        book.post(
            transfer(
                "out",
                debit="alice",
                credit="bob",
                amount=usd(30_00),
                occurred_at=clock.now() + dt.timedelta(minutes=1),
            )
        )
        statement = book.statement("alice", start=start)
    assert statement.opening == usd(100_00)
    assert [(line.side, line.amount, line.balance) for line in statement.lines] == [
        ("credit", usd(5_00), usd(105_00)),
        ("debit", usd(30_00), usd(75_00)),
    ]
    assert statement.closing == usd(75_00)


@pytest.mark.books_tampered
def test_verify_names_a_balance_changed_behind_the_ledgers_back(books: Ledger) -> None:
    from mercato.ledger import verify

    with books.engine.begin() as connection:
        connection.execute(
            sa.update(accounts).where(accounts.c.code == "alice").values(credits_posted=999)
        )
    with books.engine.connect() as connection:
        report = verify(connection, "platform")
    assert [(f.check, f.detail) for f in report.findings] == [
        ("balance", "alice: credits_posted is 999, its postings say 10000")
    ]


@pytest.mark.books_tampered
def test_verify_names_an_unbalanced_transaction(books: Ledger) -> None:
    from mercato.ledger import verify

    with books.reading() as book:
        paid = book.transaction_by_key("fund:alice")
    with books.engine.begin() as connection:
        connection.execute(
            sa.update(postings)
            .where(postings.c.transaction_id == paid.id, postings.c.amount > 0)
            .values(amount=10001)
        )
    with books.engine.connect() as connection:
        checks = {f.check for f in verify(connection, "platform").findings}
    assert checks == {"unbalanced", "balance"}


def test_an_account_opened_in_a_rolled_back_transaction_does_not_exist(books: Ledger) -> None:
    def open_then_fail() -> None:
        with books.begin() as book:
            book.open_account(AccountSpec("ghost", USD, AccountKind.LIABILITY))
            raise RuntimeError("the use case failed after opening the account")

    with pytest.raises(RuntimeError):
        open_then_fail()
    with pytest.raises(AccountNotFound, match="ghost"), books.begin() as book:
        book.post(transfer("t", debit="alice", credit="ghost", amount=usd(1)))


def test_the_expiry_run_releases_every_due_hold_however_many_rounds_it_takes(
    books: Ledger, clock: ManualClock
) -> None:
    soon = clock.now() + dt.timedelta(hours=1)
    with books.begin() as book:
        held = [
            book.post(
                hold(f"a{n}", debit="alice", credit="shop", amount=usd(1_00), expires_at=soon)
            )
            for n in range(5)
        ]
        book.post(VoidHold("void", held[0].id))
    clock.advance(dt.timedelta(hours=1))
    assert books.expire_holds(limit=2) == 4
    with books.reading() as book:
        assert book.balance("alice").available == usd(100_00)
        assert [book.hold(h.id).status for h in held] == [HoldStatus.VOIDED] + [
            HoldStatus.EXPIRED
        ] * 4


@pytest.mark.books_tampered
def test_verify_names_an_open_hold_missing_from_the_work_list(books: Ledger) -> None:
    from mercato.ledger import verify
    from mercato.ledger.tables import open_holds

    with books.begin() as book:
        held = book.post(hold("auth", debit="alice", credit="shop", amount=usd(1_00)))
    with books.engine.begin() as connection:
        connection.execute(sa.delete(open_holds))
    with books.engine.connect() as connection:
        report = verify(connection, "platform")
    assert report.open_holds == 1
    assert [f.detail for f in report.findings] == [
        f"open hold {held.id} is missing from the open-holds list"
    ]
