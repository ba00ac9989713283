"""The issuing bank's process killed (``kill -9``) while authorisations are on the wire:
every payment ends succeeded or failed with a clear error, the cardholder is charged exactly
once for each success and for nothing else, no hold is left open, and both parties' books
balance. The parties run as production runs them, each its own process and database."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import stripe
from separate_parties import SeparateParties

from mercato.database.engine import create_engine, reading
from mercato.issuer import records as bank_records
from mercato.ledger import Ledger
from postgres import postgres_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PAYERS = 6
SETTLED_WITHIN = 120.0
"""Reversals and completions the outage held up are retried by the worker, 30 s after their
first try: enough for two rounds."""


@pytest.fixture
def parties(tmp_path: Path) -> Iterator[SeparateParties]:
    platform, issuer = postgres_database(), postgres_database()
    try:
        running = SeparateParties(tmp_path / "chain", platform.url, issuer.url)
        try:
            yield running
        finally:
            running.stop()
    finally:
        platform.drop()
        issuer.drop()


class Cardholder:
    """What the bank's books say of the account behind 4242 4242 4242 4242."""

    def __init__(self, issuer_url: str) -> None:
        self.engine = create_engine(issuer_url)
        self.ledger = Ledger(self.engine, party="issuer")
        with reading(self.engine) as connection:
            card = bank_records.card_by_reference(connection, "4242")
            account = bank_records.account(connection, card.account_id)
            assert account is not None
            self.code = account.ledger_code

    def spent_and_held(self) -> tuple[int, int]:
        """Minor units posted out of the account, and held on it, as of now."""
        with self.ledger.reading() as book:
            balance = book.balance(self.code)
            open_holds = len(bank_records.open_authorisations(book.connection))
        return -balance.posted.minor, open_holds

    def close(self) -> None:
        self.engine.dispose()


def pay_until(
    stop: threading.Event,
    amounts: Iterator[int],
    outcomes: list[tuple[str, int]],
    declines: list[str],
) -> None:
    """Confirm payments one after another until ``stop``; note each intent and its amount."""
    while not stop.is_set():
        amount = next(amounts)
        try:
            intent = stripe.PaymentIntent.create(
                amount=amount, currency="usd", payment_method="pm_card_visa", confirm=True
            )
            outcomes.append((intent.id, amount))
        except stripe.CardError as error:
            # The decline names the intent it left waiting for another payment method.
            declined = error.error
            declines.append(str(declined and (declined.decline_code or declined.code)))
            intent_id = declined.payment_intent["id"] if declined else "no intent named"
            outcomes.append((intent_id, amount))


def test_killing_the_issuer_mid_authorisation_charges_each_success_once_and_strands_nothing(
    parties: SeparateParties,
) -> None:
    merchant = parties.create_merchant("Night Market")
    stripe.api_base, stripe.api_key = parties.api_base, merchant["secret_key"]
    stripe.max_network_retries = 0
    stripe.default_http_client = None
    cardholder = Cardholder(parties.env["MERCATO_ISSUER_DATABASE_URL"])
    try:
        spent_before, _ = cardholder.spent_and_held()
        outcomes: list[tuple[str, int]] = []
        declines: list[str] = []
        amounts = itertools.count(1_001)
        stop = threading.Event()
        payers = [
            threading.Thread(target=pay_until, args=(stop, amounts, outcomes, declines))
            for _ in range(PAYERS)
        ]
        for payer in payers:
            payer.start()
        time.sleep(2.0)
        parties.issuer.kill()  # with payments on the wire
        time.sleep(1.0)  # payments go on failing while the bank is down
        parties.start_issuer()
        time.sleep(1.0)  # and succeeding once it is back
        stop.set()
        for payer in payers:
            payer.join(timeout=60)
        assert not any(payer.is_alive() for payer in payers), "a payment never answered"
        # The bank being unreachable is the only reason a payment of this card failed.
        assert set(declines) <= {"processing_error", "issuer_not_available"}, declines

        final = {
            intent_id: (stripe.PaymentIntent.retrieve(intent_id).status, amount)
            for intent_id, amount in outcomes
        }
        statuses = {status for status, _ in final.values()}
        assert statuses <= {"succeeded", "requires_payment_method"}, statuses
        assert "succeeded" in statuses
        assert "requires_payment_method" in statuses, "no payment met the outage"
        succeeded = sum(amount for status, amount in final.values() if status == "succeeded")

        # The worker delivers what the outage held up: completions of the successes, and
        # reversals of whatever the bank approved but never got to say.
        deadline = time.monotonic() + SETTLED_WITHIN
        while True:
            spent, held = cardholder.spent_and_held()
            if (spent - spent_before, held) == (succeeded, 0) or time.monotonic() > deadline:
                break
            time.sleep(1.0)
        assert spent - spent_before == succeeded, "the cardholder paid for other than the successes"
        assert held == 0, "a hold is stranded on the cardholder's account"
    finally:
        cardholder.close()

    verified = parties.run("ledger", "verify", check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "platform" in verified.stdout
    assert "issuer" in verified.stdout

    engine = create_engine(parties.env["MERCATO_DATABASE_URL"])
    try:
        with reading(engine) as connection:
            processing = connection.execute(
                sa.text("SELECT count(*) FROM payments_payment_intents WHERE status = 'processing'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert processing == 0
