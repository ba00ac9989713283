"""What a settlement test does besides calling the API: moving the clock and running the
settlement's duties, reading the platform's books."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.ledger import Ledger
from mercato.ledger.errors import AccountNotFound
from mercato.money import Currency
from mercato.processor.books import merchant_balance
from mercato.settlement import automatic, availability, files, payouts, returns
from mercato.settlement.books import merchant_available
from mercato.vault import KeyRing

USD = Currency.of("USD")
US_BANK = {"routing_number": "110000000", "account_number": "000123456789"}


@dataclass
class Settlement:
    engine: Engine
    ledger: Ledger
    clock: ManualClock
    keyring: KeyRing

    def days_pass(self, days: int) -> None:
        """The clock moves on, and funds due become available."""
        self.clock.advance(dt.timedelta(days=days))
        availability.make_available(self.engine, self.ledger, self.clock)

    def make_available(self) -> int:
        return availability.make_available(self.engine, self.ledger, self.clock)

    def automatic_payouts(self) -> int:
        return automatic.pay_out(self.engine, self.ledger, self.clock)

    def write_files(self) -> list[str]:
        return files.write_files(self.engine, self.keyring, self.clock)

    def returns(self, kind: str, content: bytes) -> int:
        return returns.apply(self.engine, self.ledger, self.clock, kind, content)

    def mark_paid(self) -> int:
        return payouts.mark_paid(self.engine, self.ledger, self.clock)

    def books(self, merchant_id: str, currency: Currency = USD) -> tuple[int, int]:
        """(available, pending) of the merchant, as the ledger's accounts hold them."""
        found = []
        with self.ledger.reading() as book:
            for code in (
                merchant_available(merchant_id, currency),
                merchant_balance(merchant_id, currency),
            ):
                try:
                    found.append(book.balance(code).posted.minor)
                except AccountNotFound:
                    found.append(0)
        return found[0], found[1]
