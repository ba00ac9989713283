"""Who the commercial bank is: its name, its routing number, its German bank code and BIC,
and how it numbers the accounts it opens.

Every account has a 10-digit account number (nine digits and a Luhn check digit, so a
mistyped number is told from an unknown one: R04 rather than R03) and an IBAN made of the
bank's code and that number, with check digits computed by python-stdnum. A USD account is
paid by its routing and account number (NACHA), an EUR account by its IBAN (SEPA).
"""

from __future__ import annotations

import secrets

from stdnum import iban as stdnum_iban
from stdnum.us import rtn

from mercato import luhn

NAME = "Mercato Commercial Bank"

ROUTING_NUMBER = "123456780"
"""The bank's ABA routing number (an invented one; its check digit is valid)."""

BANK_CODE = "10020030"
"""The bank's German bank code (Bankleitzahl): the first 8 digits of every IBAN's BBAN."""

BIC = "MCBKDEFFXXX"

ACCOUNT_NUMBER_LENGTH = 10

rtn.validate(ROUTING_NUMBER)


def new_account_number() -> str:
    """A fresh 10-digit account number: nine random digits (no leading 0) and a check digit."""
    body = str(secrets.randbelow(9 * 10**8) + 10**8)
    return body + luhn.check_digit(body)


def is_well_formed(account_number: str) -> bool:
    """Whether a number could be one of this bank's (length and check digit), known or not."""
    return (
        len(account_number) == ACCOUNT_NUMBER_LENGTH
        and account_number.isascii()
        and account_number.isdigit()
        and luhn.is_valid(account_number)
    )


def iban_for(account_number: str) -> str:
    """The IBAN of one of this bank's accounts: DE, check digits, bank code, account number."""
    bban = BANK_CODE + account_number
    return "DE" + stdnum_iban.calc_check_digits(f"DE00{bban}") + bban


def account_number_in(iban: str) -> str | None:
    """The account number an IBAN names at this bank; None if the IBAN is another bank's."""
    compact = stdnum_iban.compact(iban)
    if not stdnum_iban.is_valid(compact) or compact[:2] != "DE" or compact[4:12] != BANK_CODE:
        return None
    return compact[12:]
