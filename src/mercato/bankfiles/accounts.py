"""The merchant's business bank account: where payouts land (Stripe's "external account").

Two kinds: a US account (ABA routing number and account number), paid by a NACHA ACH
credit, and a SEPA account (IBAN, optionally a BIC), paid by an ISO 20022 pain.001 credit
transfer. Both are immutable values, normalised and checked when made (check digits with
python-stdnum), so an account that exists is a valid one.

An account number is a secret of sorts: it lets anyone who has it push debits. Nothing here
prints one whole: ``repr`` and every error message show the last four digits only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import numdb
from stdnum.exceptions import ValidationError
from stdnum.us import rtn
from stdnum.util import get_cc_module

from mercato.bankfiles.errors import (
    InvalidAccountNumber,
    InvalidBic,
    InvalidIban,
    InvalidRoutingNumber,
)

_SEPARATORS = re.compile(r"[\s-]")
_ACCOUNT_NUMBER = re.compile(r"[0-9]{4,17}")


class AccountType(StrEnum):
    """What kind of deposit account a US account is; it picks the ACH transaction code."""

    CHECKING = "checking"
    SAVINGS = "savings"


class HolderType(StrEnum):
    """Who holds the account; it picks the ACH entry class (CCD for companies, PPD for people)."""

    COMPANY = "company"
    INDIVIDUAL = "individual"


def mask(number: str) -> str:
    """The last four characters of an account number or IBAN behind asterisks: ``****6789``."""
    return f"****{number[-4:]}"


@dataclass(frozen=True, slots=True, repr=False)
class UsBankAccount:
    """A US bank account: a 9-digit ABA routing number and a 4-17 digit account number.

    Spaces and dashes are taken out on the way in: ``UsBankAccount("0110-0001-5", "1234 5678")``
    is the same account as ``UsBankAccount("011000015", "12345678")``.
    """

    routing_number: str
    account_number: str
    account_type: AccountType = AccountType.CHECKING
    holder_type: HolderType = HolderType.COMPANY

    def __post_init__(self) -> None:
        routing = _SEPARATORS.sub("", self.routing_number)
        try:
            rtn.validate(routing)
        except ValidationError as error:
            raise InvalidRoutingNumber(
                f"{self.routing_number!r} is not an ABA routing number: {error}"
            ) from None
        account = _SEPARATORS.sub("", self.account_number)
        if not _ACCOUNT_NUMBER.fullmatch(account):
            shown = mask(account) if len(account) >= 4 else "(too short)"
            raise InvalidAccountNumber(
                f"the account number {shown} is not 4 to 17 digits ({len(account)} characters)"
            )
        object.__setattr__(self, "routing_number", routing)
        object.__setattr__(self, "account_number", account)
        object.__setattr__(self, "account_type", AccountType(self.account_type))
        object.__setattr__(self, "holder_type", HolderType(self.holder_type))

    @property
    def last4(self) -> str:
        return self.account_number[-4:]

    @property
    def masked(self) -> str:
        return mask(self.account_number)

    @property
    def country(self) -> str:
        return "US"

    @property
    def bank_name(self) -> str | None:
        """Not derivable: the routing directory (the Fed's E-Payments list) is not bundled."""
        return None

    def __repr__(self) -> str:
        return (
            f"UsBankAccount(routing_number={self.routing_number!r}, account={self.masked!r}, "
            f"{self.account_type.value}, {self.holder_type.value})"
        )


@dataclass(frozen=True, slots=True, repr=False)
class SepaAccount:
    """An account identified by an IBAN, with the BIC of its bank when known.

    The IBAN is kept in its compact form (``DE89370400440532013000``), the BIC in capitals.
    Where python-stdnum knows the bank behind an IBAN (Belgium's bank directory), the BIC and
    the bank's name are derived when not given.
    """

    iban: str
    bic: str | None = None

    def __post_init__(self) -> None:
        compact = stdnum_iban.compact(self.iban)
        try:
            stdnum_iban.validate(compact)
        except ValidationError as error:
            raise InvalidIban(f"the IBAN {mask(compact)} is not valid: {error}") from None
        object.__setattr__(self, "iban", compact)
        bic = self.bic if self.bic is not None else _directory_entry(compact).get("bic")
        if bic is not None:
            try:
                bic = stdnum_bic.validate(bic)
            except ValidationError as error:
                raise InvalidBic(f"{bic!r} is not a BIC: {error}") from None
        object.__setattr__(self, "bic", bic)

    @property
    def last4(self) -> str:
        return self.iban[-4:]

    @property
    def masked(self) -> str:
        return mask(self.iban)

    @property
    def country(self) -> str:
        """The ISO 3166 country code the IBAN was issued under."""
        return self.iban[:2]

    @property
    def country_name(self) -> str | None:
        """The country's English name, from the IBAN registry python-stdnum carries."""
        for _part, properties in numdb.get("iban").info(self.iban)[:1]:
            return properties.get("country")
        return None

    @property
    def bank_name(self) -> str | None:
        """The bank's name, where python-stdnum has the country's bank directory."""
        return _directory_entry(self.iban).get("bank")

    def __repr__(self) -> str:
        return f"SepaAccount(iban={self.masked!r}, bic={self.bic!r})"


def _directory_entry(iban: str) -> dict[str, str]:
    module = get_cc_module(iban[:2], "iban")
    info = getattr(module, "info", None)
    if info is None:
        return {}
    try:
        entry = info(iban)
    except ValidationError:
        return {}
    return {key: str(value) for key, value in entry.items()}
