"""The vault keeps card numbers unreadable at rest and gives them back only whole and unaltered.

Every test runs on SQLite and on PostgreSQL (the ``engine`` fixture migrates the platform's
database, vault tables included).
"""

from __future__ import annotations

import base64
import datetime as dt
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database import migrate
from mercato.database.engine import create_engine, reading, writing
from mercato.settings import Party, Settings
from mercato.vault import (
    CardNotFound,
    CardNumber,
    CardUnreadable,
    KeyRing,
    StoredCard,
    UnknownMasterKey,
    Vault,
)
from mercato.vault.tables import cards, data_keys

VISA = CardNumber.parse("4242424242424242")
MASTERCARD = CardNumber.parse("5555555555554444")
# A number with no repeating pattern, so that a fragment of it in a row cannot be a coincidence.
MINTED = CardNumber.with_check_digit("491761839025713")


@pytest.fixture
def vault(clock: ManualClock) -> Vault:
    return Vault(KeyRing.generate(), clock)


def stored(engine: Engine, vault: Vault, number: CardNumber) -> StoredCard:
    with writing(engine) as connection:
        return vault.store(connection, number)


def test_a_stored_card_is_found_by_its_number_and_revealed_whole(
    engine: Engine, vault: Vault
) -> None:
    card = stored(engine, vault, VISA)
    assert (card.last4, card.bin, card.brand) == ("4242", "424242", "visa")
    assert len(card.fingerprint) == 16
    with reading(engine) as connection:
        assert vault.find(connection, VISA) == card
        assert vault.find(connection, MASTERCARD) is None
        assert vault.get(connection, card.id) == card
        assert vault.reveal(connection, card.id) == VISA


def test_the_same_number_stored_twice_is_one_card(engine: Engine, vault: Vault) -> None:
    first = stored(engine, vault, VISA)
    again = stored(engine, vault, CardNumber.parse("4242 4242 4242 4242"))
    other = stored(engine, vault, MASTERCARD)
    assert again == first
    assert other.id != first.id
    with reading(engine) as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(cards)).scalar() == 2


def test_a_second_vault_process_with_the_same_keys_finds_and_reveals_the_card(
    engine: Engine, vault: Vault, clock: ManualClock
) -> None:
    card = stored(engine, vault, MINTED)
    elsewhere = Vault(vault.keyring, clock)
    assert stored(engine, elsewhere, MINTED) == card
    with reading(engine) as connection:
        assert elsewhere.reveal(connection, card.id) == MINTED


def readable_forms(value: Any) -> list[str]:
    """Every way someone reading a raw row might see a value."""
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        return [
            raw.hex(),
            base64.b64encode(raw).decode(),
            raw.decode("latin-1"),
            raw.decode("utf-16-le", errors="ignore"),
        ]
    return [str(value)]


@pytest.mark.parametrize("number", [VISA, MINTED], ids=["visa", "minted"])
def test_the_raw_rows_hold_neither_the_number_nor_its_hidden_digits(
    engine: Engine, vault: Vault, number: CardNumber
) -> None:
    card = stored(engine, vault, number)
    hidden = number.digits[-12:]  # all but the BIN's first four: never readable at rest
    with engine.connect() as connection:
        rows = [
            *connection.execute(sa.text("SELECT * FROM vault_cards")).mappings(),
            *connection.execute(sa.text("SELECT * FROM vault_data_keys")).mappings(),
        ]
    seen = "\n".join(
        form for row in rows for value in row.values() for form in readable_forms(value)
    )
    assert number.digits not in seen
    assert hidden not in seen
    assert card.last4 in seen  # what Stripe shows too: brand, BIN, last four


def test_an_altered_ciphertext_is_refused_with_a_clear_error(engine: Engine, vault: Vault) -> None:
    card = stored(engine, vault, VISA)
    with writing(engine) as connection:
        ciphertext = bytearray(
            connection.execute(
                sa.select(cards.c.ciphertext).where(cards.c.id == card.id)
            ).scalar_one()
        )
        ciphertext[20] ^= 0x40
        connection.execute(
            sa.update(cards).where(cards.c.id == card.id).values(ciphertext=bytes(ciphertext))
        )
    with reading(engine) as connection, pytest.raises(CardUnreadable) as refused:
        vault.reveal(connection, card.id)
    assert str(card.id) in str(refused.value)
    assert "altered" in str(refused.value)


def test_a_ciphertext_copied_to_another_cards_row_does_not_decrypt(
    engine: Engine, vault: Vault, clock: ManualClock
) -> None:
    visa = stored(engine, vault, VISA)
    clock.advance(dt.timedelta(days=2))  # the second card gets a data key of its own
    mastercard = stored(engine, vault, MASTERCARD)
    with writing(engine) as connection:
        source = connection.execute(
            sa.select(cards.c.data_key_id, cards.c.ciphertext).where(cards.c.id == visa.id)
        ).one()
        assert (
            source.data_key_id
            != connection.execute(
                sa.select(cards.c.data_key_id).where(cards.c.id == mastercard.id)
            ).scalar_one()
        )
        connection.execute(
            sa.update(cards)
            .where(cards.c.id == mastercard.id)
            .values(data_key_id=source.data_key_id, ciphertext=source.ciphertext)
        )
    with reading(engine) as connection:
        with pytest.raises(CardUnreadable, match="belongs to another card"):
            vault.reveal(connection, mastercard.id)
        assert vault.reveal(connection, visa.id) == VISA


def test_an_altered_data_key_is_refused_even_by_a_vault_that_never_saw_it(
    engine: Engine, vault: Vault, clock: ManualClock
) -> None:
    card = stored(engine, vault, VISA)
    with writing(engine) as connection:
        wrapped = bytearray(connection.execute(sa.select(data_keys.c.wrapped_key)).scalar_one())
        wrapped[-1] ^= 0x01
        connection.execute(sa.update(data_keys).values(wrapped_key=bytes(wrapped)))
    with reading(engine) as connection, pytest.raises(CardUnreadable, match="data key"):
        Vault(vault.keyring, clock).reveal(connection, card.id)


def test_an_unknown_card_id_is_not_found(engine: Engine, vault: Vault) -> None:
    with reading(engine) as connection:
        with pytest.raises(CardNotFound):
            vault.get(connection, uuid.uuid4())
        with pytest.raises(CardNotFound):
            vault.reveal(connection, uuid.uuid4())


def test_one_data_key_seals_many_cards_until_it_is_a_day_old(
    engine: Engine, vault: Vault, clock: ManualClock
) -> None:
    for n in range(5):
        stored(engine, vault, CardNumber.with_check_digit(f"40000000000{n:04d}"))
    clock.advance(dt.timedelta(hours=23))
    stored(engine, vault, VISA)
    clock.advance(dt.timedelta(hours=1))
    stored(engine, vault, MASTERCARD)
    with reading(engine) as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(data_keys)).scalar() == 2


def test_a_data_key_whose_transaction_rolled_back_is_never_used_again(
    engine: Engine, vault: Vault
) -> None:
    def save_payment_method_and_fail() -> None:
        with writing(engine) as connection:
            vault.store(connection, VISA)
            raise RuntimeError("the payment method could not be saved")

    with pytest.raises(RuntimeError):
        save_payment_method_and_fail()
    with reading(engine) as connection:
        assert vault.find(connection, VISA) is None
        assert connection.execute(sa.select(sa.func.count()).select_from(data_keys)).scalar() == 0
    card = stored(engine, vault, MASTERCARD)
    with reading(engine) as connection:
        assert vault.reveal(connection, card.id) == MASTERCARD


def test_cards_stored_in_one_transaction_share_the_data_key_it_made(
    engine: Engine, vault: Vault
) -> None:
    with writing(engine) as connection:
        for number in (VISA, MASTERCARD, MINTED):
            vault.store(connection, number)
    stored(engine, vault, CardNumber.parse("378282246310005"))
    with reading(engine) as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(data_keys)).scalar() == 1


def test_two_transactions_storing_the_same_number_at_once_make_one_card(
    engine: Engine, vault: Vault
) -> None:
    first_stored, release = threading.Event(), threading.Event()
    results: dict[str, StoredCard] = {}
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with writing(engine) as connection:
                results["first"] = vault.store(connection, MINTED)
                first_stored.set()
                release.wait(timeout=30)  # hold the transaction open while the second arrives
        except BaseException as error:
            failures.append(error)
            first_stored.set()

    def second() -> None:
        try:
            with writing(engine) as connection:
                results["second"] = vault.store(connection, MINTED)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    first_stored.wait(timeout=30)
    threads[1].start()
    time.sleep(0.3)  # the second now waits: for the row's key (PostgreSQL) or the write lock
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert results["first"] == results["second"]
    with reading(engine) as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(cards)).scalar() == 1
        assert vault.reveal(connection, results["first"].id) == MINTED


def test_the_issuers_vault_keeps_its_own_cards_under_its_own_keys(
    tmp_path: Path, clock: ManualClock
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=None, issuer_database_url=None)
    platform = Vault(KeyRing.from_settings(settings, Party.PLATFORM), clock)
    issuer = Vault(KeyRing.from_settings(settings, Party.ISSUER), clock)
    issuer_engine = create_engine(settings.database_url_for(Party.ISSUER))
    try:
        migrate.upgrade(issuer_engine, Party.ISSUER)
        with writing(issuer_engine) as connection:
            minted = issuer.store(connection, MINTED)
        assert minted.fingerprint != platform.fingerprint(MINTED)
        with reading(issuer_engine) as connection:
            assert issuer.reveal(connection, minted.id) == MINTED
            with pytest.raises(UnknownMasterKey):
                platform.reveal(connection, minted.id)
    finally:
        issuer_engine.dispose()
