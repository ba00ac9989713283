"""Why the vault refuses a card, a key or a read.

Each error has a stable ``code``; those under ``CardError`` are Stripe's card-error codes, with
the ``param`` Stripe names, so the API's edge can answer a 402 ``card_error`` as Stripe would::

    VaultError
    ├── CardError                    the card's details are wrong; .code and .param as Stripe's
    │   ├── InvalidCardNumber         invalid_number: not 13 to 19 digits, or a length the
    │   │   │                         brand never issues
    │   │   └── IncorrectCardNumber   incorrect_number: the Luhn check digit is wrong
    │   ├── InvalidExpiryMonth        invalid_expiry_month: not 1 to 12
    │   ├── InvalidExpiryYear         invalid_expiry_year: a past year, or not a year at all
    │   ├── ExpiredCard               expired_card: this year, and the expiry month is over
    │   └── InvalidCvc                invalid_cvc: not 3 digits (4 for American Express)
    ├── CardNotFound                  no stored card has that id
    ├── CardUnreadable                a ciphertext or a wrapped data key failed authentication:
    │                                 altered, or copied from another row
    └── VaultKeyError
        ├── KeyConfigurationError     a key setting or key file is malformed (named, never echoed)
        ├── UnknownMasterKey          a data key is wrapped under a master key the ring lacks
        └── MasterKeyInUse            a master key cannot be retired while it wraps data keys

No message ever carries a card number, a key, or the text it was parsed from: errors end up in
logs and API responses. For the same reason ``CardError`` is deliberately not a ``ValueError``:
pydantic turns a ``ValueError`` raised in a validator into a validation error whose text
repeats the input, which here would be the card number.
"""

from __future__ import annotations


class VaultError(Exception):
    """The vault refused a card, a key or a read."""

    code = "vault_error"


class CardError(VaultError):
    """The card's details are wrong (Stripe's ``card_error``, HTTP 402)."""

    code = "card_error"
    param: str | None = None
    message = "Your card's details are invalid."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class InvalidCardNumber(CardError):
    code = "invalid_number"
    param = "number"
    message = "Your card number is invalid."


class IncorrectCardNumber(InvalidCardNumber):
    code = "incorrect_number"
    message = "Your card number is incorrect."


class InvalidExpiryMonth(CardError):
    code = "invalid_expiry_month"
    param = "exp_month"
    message = "Your card's expiration month is invalid."


class InvalidExpiryYear(CardError):
    code = "invalid_expiry_year"
    param = "exp_year"
    message = "Your card's expiration year is invalid."


class ExpiredCard(CardError):
    code = "expired_card"
    param = "exp_month"
    message = "Your card has expired."


class InvalidCvc(CardError):
    code = "invalid_cvc"
    param = "cvc"
    message = "Your card's security code is invalid."


class CardNotFound(VaultError):
    code = "card_not_found"


class CardUnreadable(VaultError):
    """Authenticated decryption failed. Nothing is returned: a number that fails its tag was
    altered, or belongs to another row, and must not be sent to an issuer."""

    code = "card_unreadable"


class VaultKeyError(VaultError):
    code = "vault_key_error"


class KeyConfigurationError(VaultKeyError):
    code = "vault_key_configuration"


class UnknownMasterKey(VaultKeyError):
    code = "unknown_master_key"


class MasterKeyInUse(VaultKeyError):
    code = "master_key_in_use"
