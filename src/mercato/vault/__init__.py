"""The card vault: card numbers encrypted at rest, by envelope encryption.

Start at ``numbers`` for card numbers and the checks on expiry and security code, ``vault``
for storing, finding and revealing numbers, ``keys`` for where the keys come from, and
``rotation`` for changing the master key online. ``errors`` lists every refusal. The design
and its reasons are in docs/adr/0007-card-vault-envelope-encryption.md.

The security code (CVC) never enters the vault: it is checked for shape here
(``check_cvc``), passed on in the authorisation, and never stored anywhere.
"""

from mercato.vault.errors import (
    CardError,
    CardNotFound,
    CardUnreadable,
    ExpiredCard,
    IncorrectCardNumber,
    InvalidCardNumber,
    InvalidCvc,
    InvalidExpiryMonth,
    InvalidExpiryYear,
    KeyConfigurationError,
    MasterKeyInUse,
    UnknownMasterKey,
    VaultError,
    VaultKeyError,
)
from mercato.vault.keys import KeyFile, KeyRing
from mercato.vault.numbers import CardNumber, check_cvc, check_expiry
from mercato.vault.rotation import RotationReport, rotate
from mercato.vault.vault import StoredCard, Vault

__all__ = [
    "CardError",
    "CardNotFound",
    "CardNumber",
    "CardUnreadable",
    "ExpiredCard",
    "IncorrectCardNumber",
    "InvalidCardNumber",
    "InvalidCvc",
    "InvalidExpiryMonth",
    "InvalidExpiryYear",
    "KeyConfigurationError",
    "KeyFile",
    "KeyRing",
    "MasterKeyInUse",
    "RotationReport",
    "StoredCard",
    "UnknownMasterKey",
    "Vault",
    "VaultError",
    "VaultKeyError",
    "check_cvc",
    "check_expiry",
    "rotate",
]
