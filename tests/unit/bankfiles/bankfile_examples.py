"""The parties, accounts and payouts the bank-file tests tell their stories with.

Routing numbers and IBANs are made valid with python-stdnum's own check-digit functions,
so a test never depends on a hand-typed check digit unless it says so.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum.us import rtn

from mercato.bankfiles.accounts import AccountType, HolderType, SepaAccount, UsBankAccount
from mercato.bankfiles.nacha import AchPayout, Originator
from mercato.bankfiles.pain001 import Debtor, SepaPayout

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
"""The sandbox clock's time when the payout run writes its files (a Monday morning)."""

EFFECTIVE = dt.date(2026, 3, 3)

BANK_ROUTING = "011000015"
"""The commercial bank's ABA routing number: it originates the platform's ACH credits."""

ORIGINATOR = Originator(
    company_name="Mercato Payments",
    company_id="1234567890",
    odfi_routing_number=BANK_ROUTING,
    destination_routing_number=BANK_ROUTING,
    destination_name="Mercato Commercial Bank",
    origin="1234567890",
    origin_name="Mercato Payments",
)

DEBTOR = Debtor("Mercato Payments SA", SepaAccount("DE89370400440532013000", "COBADEFFXXX"))


def routing_number(first8: str) -> str:
    """A valid ABA routing number: `first8` and its check digit."""
    return first8 + str(rtn.calc_check_digit(first8))


def iban(country: str, bban: str) -> str:
    """A valid IBAN: the country, its check digits, and the basic account number."""
    return country + stdnum_iban.calc_check_digits(f"{country}00{bban}") + bban


def us_account(
    routing: str = "021000021",
    number: str = "123456789",
    account_type: AccountType = AccountType.CHECKING,
    holder: HolderType = HolderType.COMPANY,
) -> UsBankAccount:
    return UsBankAccount(routing, number, account_type, holder)


def ach_payout(
    payout_id: str = "po_1",
    amount: int = 12345,
    name: str = "Acme Hardware LLC",
    account: UsBankAccount | None = None,
) -> AchPayout:
    return AchPayout(payout_id, amount, name, account or us_account())


def sepa_payout(
    end_to_end_id: str = "PO-1", amount: int = 12345, name: str = "Boulangerie Dupont SARL"
) -> SepaPayout:
    return SepaPayout(
        end_to_end_id, amount, name, SepaAccount(iban("FR", "20041010050500013M02606"))
    )


# -- hypothesis strategies ---------------------------------------------------------------

routing_numbers = st.from_regex(r"[0-9]{8}", fullmatch=True).map(routing_number)
account_numbers = st.from_regex(r"[0-9]{4,17}", fullmatch=True)
latin_names = st.text(
    alphabet=st.sampled_from(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-'éüßøÅç&"
    ),
    min_size=1,
    max_size=40,
).filter(lambda name: any(char.isalnum() for char in name))
us_accounts = st.builds(
    UsBankAccount,
    routing_number=routing_numbers,
    account_number=account_numbers,
    account_type=st.sampled_from(AccountType),
    holder_type=st.sampled_from(HolderType),
)
german_ibans = st.from_regex(r"[0-9]{18}", fullmatch=True).map(lambda bban: iban("DE", bban))
sepa_accounts = st.builds(SepaAccount, iban=german_ibans)


@st.composite
def ach_payouts(draw: st.DrawFn, max_size: int = 25) -> list[AchPayout]:
    """Payouts with distinct ids and any amount an entry can carry."""
    amounts = draw(st.lists(st.integers(1, 99_999_999_99), min_size=1, max_size=max_size))
    return [
        AchPayout(f"po_{i}", amount, draw(latin_names), draw(us_accounts))
        for i, amount in enumerate(amounts)
    ]


@st.composite
def sepa_payouts(draw: st.DrawFn, max_size: int = 25) -> list[SepaPayout]:
    """SEPA payouts with distinct end-to-end ids and any amount the rulebook allows."""
    amounts = draw(st.lists(st.integers(1, 999_999_999_99), min_size=1, max_size=max_size))
    return [
        SepaPayout(f"PO-{i}", amount, draw(latin_names), draw(sepa_accounts))
        for i, amount in enumerate(amounts)
    ]
