"""The commercial bank in ``mercato demo``: the bank itself with its standing customers (the
platform, the issuer), the demo merchant's business account there, and that account given
to the merchant for its payouts. Every step is safe to run at each start."""

from __future__ import annotations

from dataclasses import dataclass

from mercato.bank import CommercialBank, identity
from mercato.bank.errors import CustomerNotFound
from mercato.bank.records import CustomerKind
from mercato.bank.sandbox import provision
from mercato.clock import Clock
from mercato.database.engine import engine_for, reading, writing
from mercato.settings import Party, Settings
from mercato.settlement import bank_accounts
from mercato.vault import KeyRing


@dataclass(frozen=True)
class DemoBanking:
    login: str
    password: str
    account_number: str


def open_demo_bank(
    settings: Settings, clock: Clock, merchant_id: str, merchant_name: str
) -> tuple[CommercialBank, DemoBanking]:
    """The bank, open and provisioned; the demo merchant's business customer (its
    internet-banking password made anew at each start, to be shown in demo.json) with a USD
    account, which is the merchant's bank account for payouts."""
    bank = CommercialBank(settings, clock).open()
    provision(bank)
    try:
        customer = bank.customer(merchant_name)
    except CustomerNotFound:
        customer = bank.create_customer(merchant_name, CustomerKind.BUSINESS).customer
    assert customer.login is not None
    _, password = bank.reset_password(customer.login)
    usd = [a for a in bank.accounts(customer.id) if a.is_open and a.currency.code == "USD"]
    account = usd[0] if usd else bank.open_account(str(customer.id), "usd")
    _give_to_merchant(settings, clock, merchant_id, merchant_name, account.account_number)
    return bank, DemoBanking(customer.login, password, account.account_number)


def _give_to_merchant(
    settings: Settings, clock: Clock, merchant_id: str, holder: str, account_number: str
) -> None:
    engine = engine_for(settings, Party.PLATFORM)
    try:
        with reading(engine) as connection:
            if bank_accounts.default_for(connection, merchant_id, "usd") is not None:
                return
        with writing(engine) as connection:
            bank_accounts.add(
                connection,
                merchant_id,
                bank_accounts.NewBankAccount(
                    country="US",
                    currency="usd",
                    account_number=account_number,
                    routing_number=identity.ROUTING_NUMBER,
                    account_holder_name=holder,
                ),
                keyring=KeyRing.from_settings(settings, Party.PLATFORM),
                now=clock.now(),
            )
    finally:
        engine.dispose()
