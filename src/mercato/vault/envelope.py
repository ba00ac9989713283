"""Envelope encryption: AES-256-GCM under data keys, data keys under master keys.

Every sealed value is ``version byte | 96-bit random nonce | ciphertext and 128-bit tag``,
authenticated together with associated data (AAD) that names the row it belongs to:

* a card number is sealed under a data key with AAD ``card id``: copied into another card's
  row it no longer opens;
* a data key is wrapped under a master key with AAD ``data key id + master key id``: copied
  into another data key's row, or relabelled with another master key id, it no longer opens.

AES-GCM rather than AES key wrap (RFC 3394) for data keys too, because key wrap has no
associated data to bind a wrapped key to its row. Random nonces are safe for up to 2**32
messages per key (NIST SP 800-38D); the vault makes a new data key long before that.
"""

from __future__ import annotations

import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mercato.vault.errors import CardUnreadable

VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16
DATA_KEY_BYTES = 32

_CARD = b"mercato.vault.card.v1:"
_DATA_KEY = b"mercato.vault.data-key.v1:"


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def open_sealed(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """The plaintext, or ``InvalidTag`` if anything about the value or its AAD changed."""
    if len(sealed) < 1 + NONCE_BYTES + TAG_BYTES or sealed[:1] != VERSION:
        raise InvalidTag
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    return AESGCM(key).decrypt(nonce, body, associated)


def card_aad(card_id: uuid.UUID) -> bytes:
    return _CARD + card_id.bytes


def data_key_aad(data_key_id: uuid.UUID, master_key_id: str) -> bytes:
    return _DATA_KEY + data_key_id.bytes + master_key_id.encode("ascii")


def seal_number(data_key: bytes, card_id: uuid.UUID, digits: str) -> bytes:
    return seal(data_key, digits.encode("ascii"), card_aad(card_id))


def open_number(data_key: bytes, card_id: uuid.UUID, sealed: bytes) -> str:
    try:
        return open_sealed(data_key, sealed, card_aad(card_id)).decode("ascii")
    except (InvalidTag, UnicodeDecodeError):
        raise CardUnreadable(
            f"card {card_id} cannot be decrypted: its ciphertext was altered"
            " or belongs to another card"
        ) from None


def wrap(master_key: bytes, master_key_id: str, data_key_id: uuid.UUID, data_key: bytes) -> bytes:
    return seal(master_key, data_key, data_key_aad(data_key_id, master_key_id))


def unwrap(master_key: bytes, master_key_id: str, data_key_id: uuid.UUID, wrapped: bytes) -> bytes:
    try:
        data_key = open_sealed(master_key, wrapped, data_key_aad(data_key_id, master_key_id))
    except InvalidTag:
        raise CardUnreadable(
            f"data key {data_key_id} cannot be unwrapped with master key {master_key_id}:"
            " it was altered, or belongs to another row"
        ) from None
    if len(data_key) != DATA_KEY_BYTES:
        raise CardUnreadable(f"data key {data_key_id} has the wrong length")
    return data_key
