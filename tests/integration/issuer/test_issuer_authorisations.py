"""The issuing bank answers the card network: holds, completions, reversals, duplicates.

Every scenario runs on SQLite and PostgreSQL, over a real TCP socket, and the bank's books
are proven afterwards (conftest).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import sqlalchemy as sa
from issuer_acquirer import ACQUIRER_ID, Acquirer

from mercato.clock import ManualClock
from mercato.issuer import HOLD_LIFETIME, AccountKind, CardStatus, IssuedCard, IssuingBank, records
from mercato.money import Money
from mercato.network import AuthorizationRequest, NetworkClient, ResponseCode

USD = "USD"


def balance_of(bank: IssuingBank, card: IssuedCard) -> tuple[Money, Money, Money]:
    """The card's account: (posted, held, available), held as a positive amount."""
    with bank.reading() as book:
        balance = book.balance(card.account.ledger_code)
    return balance.posted, -balance.pending, balance.available


def usd(major: str) -> Money:
    return Money.from_major(major, USD)


def debit_card(bank: IssuingBank, balance: str = "100.00", brand: str = "visa") -> IssuedCard:
    return bank.issue_card(brand=brand, kind=AccountKind.DEBIT, funds=usd(balance))


def purchase_with(
    acquirer: Acquirer, card: IssuedCard, amount: int, **details: object
) -> AuthorizationRequest:
    """A purchase with the card's own expiry and CVC, unless ``details`` say otherwise."""
    details = {"expiry": card.card.expiry.yymm, "cvc": card.cvc} | details
    return acquirer.purchase(card.number.digits, amount, **details)  # type: ignore[arg-type]


def pay(acquirer: Acquirer, card: IssuedCard, amount: int, **details: object) -> ResponseCode:
    return acquirer.send(purchase_with(acquirer, card, amount, **details)).response_code


def test_an_approval_places_a_hold_and_the_available_balance_drops(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    response = acquirer.authorise(
        card.number.digits, 2500, expiry=card.card.expiry.yymm, cvc=card.cvc
    )
    assert response.response_code is ResponseCode.APPROVED
    assert response.approval_code is not None
    assert response.cvc_result == "M"
    assert balance_of(bank, card) == (usd("100.00"), usd("25.00"), usd("75.00"))


def test_a_debit_card_cannot_spend_more_than_its_balance(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank, "20.00")
    assert pay(acquirer, card, 2001) is ResponseCode.INSUFFICIENT_FUNDS
    assert pay(acquirer, card, 2000) is ResponseCode.APPROVED
    assert pay(acquirer, card, 1) is ResponseCode.INSUFFICIENT_FUNDS  # the hold counts
    assert balance_of(bank, card) == (usd("20.00"), usd("20.00"), usd("0.00"))


def test_a_credit_card_cannot_spend_past_its_credit_limit(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = bank.issue_card(brand="mastercard", kind=AccountKind.CREDIT, funds=usd("500.00"))
    assert pay(acquirer, card, 40000) is ResponseCode.APPROVED
    assert pay(acquirer, card, 10001) is ResponseCode.EXCEEDS_LIMIT
    assert balance_of(bank, card)[2] == usd("100.00")


def test_a_wrong_cvc_is_refused_n7_for_visa_and_82_for_mastercard(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    for brand, code in (("visa", ResponseCode.CVC_FAILED_N7), ("mastercard", "82")):
        card = debit_card(bank, brand=brand)
        wrong = f"{(int(card.cvc) + 1) % 1000:03d}"
        response = acquirer.authorise(
            card.number.digits, 1000, expiry=card.card.expiry.yymm, cvc=wrong
        )
        assert response.response_code == code
        assert response.cvc_result == "N"
        assert balance_of(bank, card)[1] == usd("0.00")


def test_an_american_express_card_checks_its_four_digit_cvc(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank, brand="amex")
    assert len(card.cvc) == 4
    assert pay(acquirer, card, 1000) is ResponseCode.APPROVED


def test_the_wrong_expiry_on_the_banks_own_card_is_refused_as_expired(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    other_year = card.card.expiry.years_later(1).yymm
    assert pay(acquirer, card, 1000, expiry=other_year) is ResponseCode.EXPIRED_CARD


def test_amounts_of_zero_or_too_large_are_invalid(bank: IssuingBank, acquirer: Acquirer) -> None:
    card = debit_card(bank)
    assert pay(acquirer, card, 0) is ResponseCode.INVALID_AMOUNT
    assert pay(acquirer, card, 100_000_001) is ResponseCode.INVALID_AMOUNT


def test_lost_stolen_and_blocked_cards_are_refused(bank: IssuingBank, acquirer: Acquirer) -> None:
    card = debit_card(bank)
    for status, code in (
        (CardStatus.LOST, ResponseCode.LOST_CARD),
        (CardStatus.STOLEN, ResponseCode.STOLEN_CARD),
        (CardStatus.BLOCKED, ResponseCode.DO_NOT_HONOUR),
    ):
        bank.set_card_status(str(card.card.id), status)
        assert pay(acquirer, card, 1000) is code
    bank.set_card_status(card.card.last4, CardStatus.ACTIVE)
    assert pay(acquirer, card, 1000) is ResponseCode.APPROVED


def test_a_card_the_bank_never_issued_is_an_invalid_card(acquirer: Acquirer) -> None:
    assert acquirer.authorise("4111111111111111").response_code is ResponseCode.INVALID_CARD


def test_a_purchase_in_another_currency_is_held_converted_in_the_accounts_currency(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    assert pay(acquirer, card, 1000, currency="EUR") is ResponseCode.APPROVED
    # 10.00 EUR at 0.92 EUR per USD, rounded up: 10.87 USD.
    assert balance_of(bank, card)[1] == usd("10.87")


def test_a_completion_posts_part_of_the_hold_and_releases_the_rest(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 5000)
    assert acquirer.send(purchase).response_code is ResponseCode.APPROVED
    assert acquirer.complete(purchase, 3000).response_code is ResponseCode.APPROVED
    assert balance_of(bank, card) == (usd("70.00"), usd("0.00"), usd("70.00"))
    # The advice again (a retry): answered the same, nothing posted twice.
    assert acquirer.complete(purchase, 3000).response_code is ResponseCode.APPROVED
    assert balance_of(bank, card) == (usd("70.00"), usd("0.00"), usd("70.00"))
    # Completing it again for another amount is not a retry.
    assert acquirer.complete(purchase, 1000).response_code is ResponseCode.INVALID_TRANSACTION


def test_a_completion_for_more_than_was_authorised_is_an_invalid_amount(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 1000)
    assert acquirer.send(purchase).response_code is ResponseCode.APPROVED
    assert acquirer.complete(purchase, 1001).response_code is ResponseCode.INVALID_AMOUNT
    assert acquirer.complete(purchase).response_code is ResponseCode.APPROVED


def test_a_converted_purchase_completes_its_share_of_the_converted_hold(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 1000, currency="EUR")
    assert acquirer.send(purchase).response_code is ResponseCode.APPROVED
    assert acquirer.complete(purchase, 500).response_code is ResponseCode.APPROVED
    # Half of the 10.87 USD held, rounded up: 5.44.
    assert balance_of(bank, card) == (usd("94.56"), usd("0.00"), usd("94.56"))


def test_a_reversal_releases_the_hold(bank: IssuingBank, acquirer: Acquirer) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 4000)
    assert acquirer.send(purchase).response_code is ResponseCode.APPROVED
    assert acquirer.reverse(purchase).response_code is ResponseCode.APPROVED
    assert balance_of(bank, card) == (usd("100.00"), usd("0.00"), usd("100.00"))
    assert acquirer.reverse(purchase).response_code is ResponseCode.APPROVED  # a retry
    assert acquirer.complete(purchase).response_code is ResponseCode.INVALID_TRANSACTION
    assert balance_of(bank, card) == (usd("100.00"), usd("0.00"), usd("100.00"))


def test_a_reversal_after_completion_gives_the_money_back(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 4000)
    assert acquirer.send(purchase).response_code is ResponseCode.APPROVED
    assert acquirer.complete(purchase).response_code is ResponseCode.APPROVED
    assert balance_of(bank, card)[0] == usd("60.00")
    assert acquirer.reverse(purchase).response_code is ResponseCode.APPROVED
    assert acquirer.reverse(purchase).response_code is ResponseCode.APPROVED
    assert balance_of(bank, card) == (usd("100.00"), usd("0.00"), usd("100.00"))


def test_a_reversal_of_a_declined_authorisation_changes_nothing(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank, "10.00")
    purchase = purchase_with(acquirer, card, 5000)
    assert acquirer.send(purchase).response_code is ResponseCode.INSUFFICIENT_FUNDS
    assert acquirer.reverse(purchase).response_code is ResponseCode.APPROVED
    assert balance_of(bank, card) == (usd("10.00"), usd("0.00"), usd("10.00"))


def test_a_duplicate_authorisation_gets_the_same_answer_and_only_one_hold(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 2500)
    first = acquirer.send(purchase)
    again = acquirer.send(purchase)
    assert first.response_code is again.response_code is ResponseCode.APPROVED
    assert first.approval_code == again.approval_code
    assert balance_of(bank, card)[1] == usd("25.00")


def test_a_declined_duplicate_is_declined_again_for_the_same_reason(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank, "10.00")
    purchase = purchase_with(acquirer, card, 2500)
    assert acquirer.send(purchase).response_code is ResponseCode.INSUFFICIENT_FUNDS
    bank.fund(card.card.last4, usd("100.00"))
    assert acquirer.send(purchase).response_code is ResponseCode.INSUFFICIENT_FUNDS


def test_another_request_under_the_same_message_key_is_refused_as_a_duplicate(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 2500)
    assert acquirer.send(purchase).response_code is ResponseCode.APPROVED
    impostor = dataclasses.replace(purchase, amount=9900)
    assert acquirer.send(impostor).response_code is ResponseCode.DUPLICATE
    assert balance_of(bank, card)[1] == usd("25.00")


def test_duplicates_racing_each_other_place_one_hold(
    bank: IssuingBank, acquirer: Acquirer, clock: ManualClock
) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 2500)
    host, port = acquirer.client.host, acquirer.client.port
    answers: list[str | None] = []

    def send() -> None:
        with NetworkClient(host, port, timeout=30, clock=clock) as client:
            answers.append(client.send(purchase).approval_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 4
    assert len(set(answers)) == 1
    assert answers[0] is not None
    assert balance_of(bank, card)[1] == usd("25.00")


def test_completion_or_reversal_of_an_unknown_original_is_refused_with_25(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    never_sent = purchase_with(acquirer, card, 1000)
    assert acquirer.complete(never_sent).response_code is ResponseCode.ORIGINAL_NOT_FOUND
    assert acquirer.reverse(never_sent).response_code is ResponseCode.ORIGINAL_NOT_FOUND


def test_a_completion_naming_an_original_of_another_card_is_refused_with_25(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card, other = debit_card(bank), debit_card(bank)
    purchase = purchase_with(acquirer, card, 1000)
    assert acquirer.send(purchase).response_code is ResponseCode.APPROVED
    pretending = dataclasses.replace(purchase, pan=other.number.digits)
    assert acquirer.complete(pretending).response_code is ResponseCode.ORIGINAL_NOT_FOUND
    assert balance_of(bank, card)[1] == usd("10.00")
    assert acquirer.reverse(purchase).response_code is ResponseCode.APPROVED


def test_an_unused_hold_expires_after_seven_days(
    bank: IssuingBank, acquirer: Acquirer, clock: ManualClock
) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 2500)
    assert acquirer.send(purchase).response_code is ResponseCode.APPROVED
    clock.advance(HOLD_LIFETIME - dt.timedelta(seconds=1))
    assert bank.expire_holds() == 0
    clock.advance(dt.timedelta(seconds=1))
    assert bank.expire_holds() == 1
    assert balance_of(bank, card) == (usd("100.00"), usd("0.00"), usd("100.00"))
    with bank.reading() as book:
        found = records.authorisation_by_message(
            book.connection, ACQUIRER_ID, purchase.stan, purchase.transmitted_at
        )
    assert found is not None
    assert found.status is records.AuthorisationStatus.EXPIRED
    assert acquirer.complete(purchase).response_code is ResponseCode.INVALID_TRANSACTION
    assert acquirer.reverse(purchase).response_code is ResponseCode.APPROVED


def test_while_the_bank_is_down_every_request_is_answered_91(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    purchase = purchase_with(acquirer, card, 2500)
    bank.set_outage(True)
    assert bank.outage()
    assert acquirer.send(purchase).response_code is ResponseCode.ISSUER_UNAVAILABLE
    assert acquirer.complete(purchase).response_code is ResponseCode.ISSUER_UNAVAILABLE
    assert acquirer.client.network_management().response_code is ResponseCode.APPROVED
    bank.set_outage(False)
    assert acquirer.send(purchase).response_code is ResponseCode.APPROVED
    assert balance_of(bank, card)[1] == usd("25.00")


def test_no_card_number_is_kept_in_clear_in_any_of_the_banks_tables(
    bank: IssuingBank, acquirer: Acquirer
) -> None:
    card = debit_card(bank)
    assert pay(acquirer, card, 1000) is ResponseCode.APPROVED
    numbers = [card.number.digits, "4242424242424242", "4000000000009995"]
    with bank.reading() as book:
        names = sa.inspect(book.connection).get_table_names()
        for name in names:
            for row in book.connection.execute(sa.text(f'SELECT * FROM "{name}"')):
                text = " ".join(str(value) for value in row)
                for number in numbers:
                    assert number not in text, f"a card number in clear in {name}"
                assert card.cvc not in text.split(), f"the CVC in {name}"
