"""Sealed values open only with their key, unchanged, in the row they were sealed for."""

from __future__ import annotations

import uuid

import pytest

from mercato.vault import CardUnreadable, envelope


def test_a_sealed_number_opens_with_its_data_key_and_card_id() -> None:
    key, card_id = envelope.new_data_key(), uuid.uuid4()
    sealed = envelope.seal_number(key, card_id, "4242424242424242")
    assert b"4242" not in sealed
    assert envelope.open_number(key, card_id, sealed) == "4242424242424242"


def test_sealing_twice_gives_different_ciphertexts() -> None:
    key, card_id = envelope.new_data_key(), uuid.uuid4()
    assert envelope.seal_number(key, card_id, "4242424242424242") != envelope.seal_number(
        key, card_id, "4242424242424242"
    )


def test_a_number_sealed_for_one_card_does_not_open_as_another() -> None:
    key = envelope.new_data_key()
    sealed = envelope.seal_number(key, uuid.uuid4(), "4242424242424242")
    with pytest.raises(CardUnreadable, match="belongs to another card"):
        envelope.open_number(key, uuid.uuid4(), sealed)


@pytest.mark.parametrize("position", [0, 1, 13, -1])
def test_any_altered_byte_is_detected(position: int) -> None:
    key, card_id = envelope.new_data_key(), uuid.uuid4()
    sealed = bytearray(envelope.seal_number(key, card_id, "4242424242424242"))
    sealed[position] ^= 0x01
    with pytest.raises(CardUnreadable):
        envelope.open_number(key, card_id, bytes(sealed))


def test_a_wrapped_data_key_is_bound_to_its_row_and_its_master_key_id() -> None:
    master, data_key, data_key_id = envelope.new_data_key(), envelope.new_data_key(), uuid.uuid4()
    wrapped = envelope.wrap(master, "mk_a", data_key_id, data_key)
    assert envelope.unwrap(master, "mk_a", data_key_id, wrapped) == data_key
    with pytest.raises(CardUnreadable):
        envelope.unwrap(master, "mk_b", data_key_id, wrapped)
    with pytest.raises(CardUnreadable):
        envelope.unwrap(master, "mk_a", uuid.uuid4(), wrapped)
