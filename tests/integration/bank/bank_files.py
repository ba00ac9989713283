"""The customers, accounts and payout files the bank's tests tell their stories with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mercato import luhn
from mercato.bank import CommercialBank
from mercato.bank.identity import ROUTING_NUMBER
from mercato.bank.records import Account, Customer, CustomerKind
from mercato.bank.sandbox import SandboxParties
from mercato.bankfiles.accounts import SepaAccount, UsBankAccount
from mercato.bankfiles.nacha import AchPayout, Originator, write_payout_file
from mercato.bankfiles.pain001 import Debtor, SepaPayout, write_pain001
from mercato.money import Money

ORIGINATOR = Originator(
    company_name="Mercato Payments",
    company_id="1234567890",
    odfi_routing_number=ROUTING_NUMBER,
    destination_routing_number=ROUTING_NUMBER,
    destination_name="Mercato Commercial Bank",
    origin="1234567890",
    origin_name="Mercato Payments",
)


@dataclass(frozen=True)
class Parties:
    sandbox: SandboxParties
    platform_usd: Account
    platform_eur: Account
    acme: Customer
    acme_usd: Account
    dupont: Customer
    dupont_eur: Account
    acme_password: str

    @classmethod
    def made_at(cls, bank: CommercialBank, sandbox: SandboxParties) -> Parties:
        platform_usd = sandbox.platform_accounts["USD"]
        platform_eur = sandbox.platform_accounts["EUR"]
        bank.deposit(platform_usd.account_number, Money.from_major("10000", "USD"), key="fund-usd")
        bank.deposit(platform_eur.iban, Money.from_major("10000", "EUR"), key="fund-eur")
        acme = bank.create_customer("Acme Hardware LLC", CustomerKind.BUSINESS)
        dupont = bank.create_customer("Boulangerie Dupont SARL", CustomerKind.BUSINESS)
        assert acme.password is not None
        return cls(
            sandbox=sandbox,
            platform_usd=platform_usd,
            platform_eur=platform_eur,
            acme=acme.customer,
            acme_usd=bank.open_account(str(acme.customer.id), "usd"),
            dupont=dupont.customer,
            dupont_eur=bank.open_account(str(dupont.customer.id), "eur"),
            acme_password=acme.password,
        )


UNKNOWN_ACCOUNT_NUMBER = "100000000" + luhn.check_digit("100000000")
"""Well formed (ten digits, a valid check digit) but no account of the bank's."""


def us(account: Account) -> UsBankAccount:
    return UsBankAccount(account.routing_number, account.account_number)


def nacha_file(payouts: list[tuple[str, int, UsBankAccount]], *, created_at: dt.datetime) -> bytes:
    """A NACHA payout file paying (payout id, cents, account) each."""
    written = write_payout_file(
        [AchPayout(payout_id, amount, "Acme Hardware LLC", account)
         for payout_id, amount, account in payouts],
        originator=ORIGINATOR,
        created_at=created_at,
        effective_date=created_at.date() + dt.timedelta(days=1),
    )  # fmt: skip
    return written.text.encode("ascii")


def pain001_file(
    payer: Account, payouts: list[tuple[str, int, str]], *, created_at: dt.datetime
) -> bytes:
    """A pain.001 paying (end-to-end id, cents, IBAN) each from ``payer``."""
    return write_pain001(
        [SepaPayout(e2e, amount, "Boulangerie Dupont SARL", SepaAccount(iban), remittance=e2e)
         for e2e, amount, iban in payouts],
        debtor=Debtor("Mercato Payments", SepaAccount(payer.iban, payer.bic)),
        message_id=f"MSG-{created_at:%Y%m%d%H%M%S}",
        created_at=created_at,
        execution_date=created_at.date() + dt.timedelta(days=1),
    )  # fmt: skip
