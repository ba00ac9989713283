"""A platform with real settlement behind the dashboard: the issuer's clearing endpoint and
the commercial bank's host-to-host service, each on a real socket; two bakeries with bank
accounts (one the bank does not know); the days between walked by hand, each party's due
work run in order, as the sandbox's timeline does."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.bank import CommercialBank, CustomerKind
from mercato.bank.identity import ROUTING_NUMBER
from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.ledger import Ledger
from mercato.processor.bins import SIMULATED_ISSUER
from mercato.processor.tables import presentments
from mercato.settlement import automatic, availability, payouts, returns
from mercato.settlement.bank_link import HttpBankLink
from mercato.settlement.clearing import Clearing
from mercato.settlement.duties import write_and_send
from mercato.vault import KeyRing
from payments_world import Shop

UNKNOWN_ACCOUNT = "000999999999"


def bank_account_at(commercial_bank: CommercialBank, name: str) -> str:
    """A business account of ``name`` at the commercial bank (USD): its number."""
    customer = commercial_bank.create_customer(name, CustomerKind.BUSINESS).customer
    return str(commercial_bank.open_account(str(customer.id), "usd").account_number)


def add_bank_account(shop: Shop, merchant_id: str, account_number: str) -> None:
    status, added = shop.post(
        f"/v1/accounts/{merchant_id}/external_accounts",
        external_account={
            "object": "bank_account",
            "country": "US",
            "currency": "usd",
            "routing_number": ROUTING_NUMBER,
            "account_number": account_number,
        },
    )
    assert status == 200, added


def present_unknown_sale(engine: Engine, clock: ManualClock) -> None:
    """A presentment the issuer never authorised: it must say so in its report."""
    with writing(engine) as connection:
        connection.execute(
            sa.insert(presentments).values(
                id=uuid.uuid4(),
                authorisation_id=uuid.uuid4(),
                issuer=SIMULATED_ISSUER,
                kind="SALE",
                reference="ch_unknown_to_the_issuer",
                rrn="6306NOSUCH01",
                amount=1_500,
                currency="USD",
                created_at=clock.now(),
            )
        )


@dataclass
class Days:
    """The days between a payment and its payout's statement, each party's work in order."""

    engine: Engine
    clock: ManualClock
    keyring: KeyRing
    house: Clearing
    link: HttpBankLink
    commercial_bank: CommercialBank

    def walk(self, days: int) -> None:
        """Until ``days`` later at 23:30 UTC, a step of a day at a time."""
        ledger = Ledger(self.engine, self.clock)
        end = self.clock.now().date() + dt.timedelta(days=days)
        while self.clock.now().date() <= end:
            late = dt.datetime.combine(self.clock.now().date(), dt.time(23, 30), dt.UTC)
            self.clock.advance(late - self.clock.now())
            self.house.run_due()
            availability.make_available(self.engine, ledger, self.clock)
            automatic.pay_out(self.engine, ledger, self.clock)
            write_and_send(self.engine, self.keyring, self.clock, self.link)
            self.commercial_bank.run_due()
            returns.read_from_bank(self.engine, self.link, ledger, self.clock)
            payouts.mark_paid(self.engine, ledger, self.clock)
            if self.clock.now().date() == end:
                return
            self.clock.advance(dt.timedelta(hours=1))
