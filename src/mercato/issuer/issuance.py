"""Issuing cards and moving cardholders' money: the bank's use cases outside the card network.

Each function is one unit of work in the caller's ``Book`` (one database transaction, one
``post`` or ``post_batch`` call). A card number goes to the bank's vault and nowhere else;
the issuer's rows refer to the vault's id.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from mercato.ids import uuid7
from mercato.issuer import books, records, tables
from mercato.issuer.domain.cards import AccountKind, CardStatus, Expiry, Fault
from mercato.issuer.domain.secrets import BankKeys, cvc_length, derive_cvc
from mercato.issuer.domain.stripe_cards import STRIPE_TEST_CARDS, StripeTestCard
from mercato.issuer.errors import AccountNotFound, InvalidCommand
from mercato.ledger import Book, NewTransaction, transfer
from mercato.money import Currency, Money
from mercato.vault.numbers import CardNumber
from mercato.vault.vault import Vault

OWN_RANGES: dict[tuple[str, AccountKind], tuple[str, int]] = {
    ("visa", AccountKind.DEBIT): ("457119", 16),
    ("visa", AccountKind.CREDIT): ("457173", 16),
    ("mastercard", AccountKind.DEBIT): ("535110", 16),
    ("mastercard", AccountKind.CREDIT): ("535522", 16),
    ("amex", AccountKind.DEBIT): ("374246", 15),
    ("amex", AccountKind.CREDIT): ("374245", 15),
    ("discover", AccountKind.DEBIT): ("601179", 16),
    ("discover", AccountKind.CREDIT): ("601180", 16),
    ("jcb", AccountKind.DEBIT): ("352801", 16),
    ("jcb", AccountKind.CREDIT): ("352802", 16),
    ("diners", AccountKind.DEBIT): ("360417", 14),
    ("diners", AccountKind.CREDIT): ("360418", 14),
    ("unionpay", AccountKind.DEBIT): ("621483", 16),
    ("unionpay", AccountKind.CREDIT): ("621484", 16),
}
"""The bank's own BINs, one per brand and kind of account (a BIN tells an acquirer whether a
card is debit or credit), and the length of the numbers it issues there."""

BRANDS = tuple(sorted({brand for brand, _kind in OWN_RANGES}))

TEST_CARD_CURRENCY = Currency.of("USD")
CARD_LIFETIME_YEARS = 4


def issuer_prefixes() -> tuple[str, ...]:
    """The leading six digits of every number this bank issues (its own ranges and Stripe's
    test cards): what an acquirer routes to it."""
    own = {prefix for prefix, _length in OWN_RANGES.values()}
    return tuple(sorted(own | {card.number[:6] for card in STRIPE_TEST_CARDS}))


@dataclass(frozen=True)
class IssuedCard:
    """A new card, as the bank hands it to its cardholder: the only time the number and the
    CVC are shown."""

    card: records.Card
    account: records.Account
    number: CardNumber
    cvc: str


def card_cvc(keys: BankKeys, number: CardNumber, expiry: Expiry) -> str:
    return derive_cvc(keys, number.digits, expiry, length=cvc_length(number.brand))


def new_number(book: Book, vault: Vault, brand: str, kind: AccountKind) -> CardNumber:
    """A number in the bank's range for ``brand`` and ``kind`` that no card has yet."""
    if (brand, kind) not in OWN_RANGES:
        raise InvalidCommand(f"the bank issues {', '.join(BRANDS)}, not {brand!r}")
    prefix, length = OWN_RANGES[brand, kind]
    for _attempt in range(100):
        body = "".join(secrets.choice("0123456789") for _ in range(length - len(prefix) - 1))
        number = CardNumber.with_check_digit(prefix + body)
        if vault.find(book.connection, number) is None:
            return number
    raise InvalidCommand(f"the {brand} range {prefix} has no free numbers left")  # pragma: no cover


def _open_account(
    book: Book,
    *,
    name: str,
    kind: AccountKind,
    funds: Money,
    now: dt.datetime,
    key: str,
) -> tuple[records.Account, NewTransaction | None]:
    """A cardholder with one account, its ledger account, and the transfer that funds it
    (a deposit for a debit account, the credit line for a credit account); the caller posts
    the transfer, so that one unit of work makes one ledger call."""
    cardholder_id, account_id = uuid7(), uuid7()
    currency = funds.currency
    book.connection.execute(
        tables.cardholders.insert().values(id=cardholder_id, name=name, created_at=now)
    )
    books.open_house_accounts(book, currency)
    code = books.open_cardholder_account(book, account_id, cardholder_id, currency, name)
    limit = funds.minor if kind is AccountKind.CREDIT else None
    book.connection.execute(
        tables.accounts.insert().values(
            id=account_id,
            cardholder_id=cardholder_id,
            kind=kind.value,
            currency=currency.code,
            ledger_code=code,
            credit_limit=limit,
            created_at=now,
        )
    )
    account = records.Account(
        account_id,
        cardholder_id,
        kind,
        currency,
        code,
        None if limit is None else funds,
    )
    if funds.is_zero:
        return account, None
    source = (
        books.credit_lines(currency) if kind is AccountKind.CREDIT else books.reserves(currency)
    )
    description = "credit line granted" if kind is AccountKind.CREDIT else "opening deposit"
    return account, transfer(key, debit=source, credit=code, amount=funds, description=description)


def _insert_card(
    book: Book,
    vault: Vault,
    number: CardNumber,
    account: records.Account,
    *,
    expiry: Expiry,
    status: CardStatus,
    requires_3ds: bool,
    accepts_any_expiry: bool,
    accepts_any_cvc: bool,
    fault: Fault | None,
    label: str,
    test_card: str | None,
    now: dt.datetime,
) -> records.Card:
    stored = vault.store(book.connection, number)
    card = records.Card(
        id=uuid7(),
        vault_card_id=stored.id,
        account_id=account.id,
        brand=stored.brand,
        last4=stored.last4,
        expiry=expiry,
        status=status,
        requires_3ds=requires_3ds,
        accepts_any_expiry=accepts_any_expiry,
        accepts_any_cvc=accepts_any_cvc,
        fault=fault,
        label=label,
        test_card=test_card,
    )
    book.connection.execute(
        tables.cards.insert().values(
            id=card.id,
            vault_card_id=card.vault_card_id,
            account_id=card.account_id,
            brand=card.brand,
            last4=card.last4,
            expiry_year=expiry.year,
            expiry_month=expiry.month,
            status=status.value,
            requires_3ds=requires_3ds,
            accepts_any_expiry=accepts_any_expiry,
            accepts_any_cvc=accepts_any_cvc,
            fault=None if fault is None else fault.value,
            label=label,
            test_card=test_card,
            created_at=now,
        )
    )
    return card


def issue_card(
    book: Book,
    vault: Vault,
    keys: BankKeys,
    *,
    brand: str,
    kind: AccountKind,
    funds: Money,
    cardholder: str = "Cardholder",
    requires_3ds: bool = False,
    expiry: Expiry | None = None,
) -> IssuedCard:
    """A new card in the bank's own range, on a new account holding ``funds`` (the balance of
    a debit account, the limit of a credit account). Judged strictly: its own expiry, its
    derived CVC."""
    if funds.is_negative:
        raise InvalidCommand("an account cannot open with less than nothing")
    now = book.ledger.clock.now()
    expiry = expiry or Expiry.of(now.date()).years_later(CARD_LIFETIME_YEARS)
    number = new_number(book, vault, brand, kind)
    account, funding = _open_account(
        book, name=cardholder, kind=kind, funds=funds, now=now, key=f"issuer:open:{uuid7()}"
    )
    card = _insert_card(
        book,
        vault,
        number,
        account,
        expiry=expiry,
        status=CardStatus.ACTIVE,
        requires_3ds=requires_3ds,
        accepts_any_expiry=False,
        accepts_any_cvc=False,
        fault=None,
        label=f"{kind.value} card of {cardholder}",
        test_card=None,
        now=now,
    )
    if funding is not None:
        book.post(funding)
    return IssuedCard(card, account, number, card_cvc(keys, number, expiry))


def issue_stripe_test_cards(
    book: Book, vault: Vault, catalogue: Iterable[StripeTestCard] = STRIPE_TEST_CARDS
) -> int:
    """Issue every Stripe test card the bank lacks, each with its documented state; returns
    how many were issued. Running it again issues nothing."""
    have = records.test_card_slugs(book.connection)
    now = book.ledger.clock.now()
    fundings: list[NewTransaction] = []
    issued = 0
    for test_card in catalogue:
        if test_card.slug in have:
            continue
        funds = Money.of_minor(test_card.funds.minor, TEST_CARD_CURRENCY)
        account, funding = _open_account(
            book,
            name="Stripe test cardholder",
            kind=test_card.kind,
            funds=funds,
            now=now,
            key=f"issuer:test-card:{test_card.slug}:opening",
        )
        _insert_card(
            book,
            vault,
            CardNumber(test_card.number),
            account,
            expiry=test_card.expiry,
            status=test_card.status,
            requires_3ds=test_card.requires_3ds,
            accepts_any_expiry=test_card.accepts_any_expiry,
            accepts_any_cvc=test_card.accepts_any_cvc,
            fault=test_card.fault,
            label=f"Stripe test card: {test_card.behaviour}",
            test_card=test_card.slug,
            now=now,
        )
        if funding is not None:
            fundings.append(funding)
        issued += 1
    book.post_batch(fundings)
    return issued


def fund(book: Book, account_id: uuid.UUID, amount: Money, *, key: str) -> None:
    """Money paid into an account: a deposit into a debit account, a repayment of a credit
    account (which frees credit). Idempotent by ``key``."""
    account = records.account(book.connection, account_id)
    if account is None:
        raise AccountNotFound(f"no account {account_id}")
    if amount.currency != account.currency:
        raise InvalidCommand(f"the account keeps {account.currency.code}, not {amount.currency}")
    if not amount.is_positive:
        raise InvalidCommand("fund an account with more than nothing")
    description = "repayment" if account.kind is AccountKind.CREDIT else "deposit"
    book.post(
        transfer(
            key,
            debit=books.reserves(account.currency),
            credit=account.ledger_code,
            amount=amount,
            description=description,
        )
    )


def set_card_status(book: Book, card_id: uuid.UUID, status: CardStatus) -> None:
    book.connection.execute(
        tables.cards.update().where(tables.cards.c.id == card_id).values(status=status.value)
    )
