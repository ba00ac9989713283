"""Where the vault's keys come from, and how a bad key is refused without being shown."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from mercato.settings import Party, Settings
from mercato.vault import KeyConfigurationError, KeyFile, KeyRing, MasterKeyInUse
from mercato.vault.keys import (
    FINGERPRINT_KEY_SETTING,
    MASTER_KEYS_SETTING,
    generate_fingerprint_key,
    generate_master_key,
)

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(32, 64))).decode()
FINGERPRINT = base64.b64encode(bytes(range(64, 96))).decode()


def settings(tmp_path: Path, master: str | None = None, fingerprint: str | None = None) -> Settings:
    return Settings(data_dir=tmp_path, vault_master_keys=master, vault_fingerprint_key=fingerprint)


def test_the_platform_takes_its_keys_from_the_settings_first_one_current(tmp_path: Path) -> None:
    ring = KeyRing.from_settings(
        settings(tmp_path, f"new:{KEY_B}, old:{KEY_A}", FINGERPRINT), Party.PLATFORM
    )
    assert ring.ids == ("new", "old")
    assert ring.current_id == "new"
    assert ring.current_key == bytes(range(32, 64))
    assert ring.fingerprint_key == bytes(range(64, 96))
    assert ring.source is None
    assert not (tmp_path / "keys").exists()


@pytest.mark.parametrize(
    ("master", "complaint"),
    [
        (KEY_A, "entry 1 is not 'id:base64'"),
        (f"a:{KEY_A},{KEY_B}", "entry 2 is not 'id:base64'"),
        (f"a:{KEY_A[:-3]}", "entry 1 is not valid base64"),
        ("a:" + base64.b64encode(b"short").decode(), "entry 1 must be 32 bytes"),
        (f"a:{KEY_A},a:{KEY_B}", "names a key id twice"),
        (f"bad id:{KEY_A}", "entry 1 is not 'id:base64'"),
        ("", "entry 1 is not 'id:base64'"),
    ],
)
def test_a_malformed_master_key_setting_is_named_and_never_echoed(
    tmp_path: Path, master: str, complaint: str
) -> None:
    with pytest.raises(KeyConfigurationError) as refused:
        KeyRing.from_settings(settings(tmp_path, master, FINGERPRINT), Party.PLATFORM)
    message = str(refused.value)
    assert MASTER_KEYS_SETTING in message
    assert complaint in message
    for secret in (KEY_A, KEY_B, KEY_A[:-3], KEY_A[:12], KEY_B[:12]):
        assert secret not in message


def test_a_malformed_fingerprint_key_setting_is_named_and_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(KeyConfigurationError) as refused:
        KeyRing.from_settings(settings(tmp_path, f"a:{KEY_A}", FINGERPRINT[:20]), Party.PLATFORM)
    assert FINGERPRINT_KEY_SETTING in str(refused.value)
    assert FINGERPRINT[:20] not in str(refused.value)


def test_master_keys_without_a_fingerprint_key_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyConfigurationError, match="set both"):
        KeyRing.from_settings(settings(tmp_path, f"a:{KEY_A}"), Party.PLATFORM)


def test_without_settings_the_platform_makes_a_private_key_file_and_reuses_it(
    tmp_path: Path,
) -> None:
    first = KeyRing.from_settings(settings(tmp_path), Party.PLATFORM)
    path = tmp_path / "keys" / "platform-vault.json"
    assert first.source == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = KeyRing.from_settings(settings(tmp_path), Party.PLATFORM)
    assert again.ids == first.ids
    assert again.current_key == first.current_key
    assert again.fingerprint_key == first.fingerprint_key


def test_the_issuer_always_uses_its_own_key_file(tmp_path: Path) -> None:
    configured = settings(tmp_path, f"a:{KEY_A}", FINGERPRINT)
    issuer = KeyRing.from_settings(configured, Party.ISSUER)
    assert issuer.source == tmp_path / "keys" / "issuer-vault.json"
    assert issuer.current_key != bytes(range(32))
    assert (
        issuer.fingerprint_key != KeyRing.from_settings(configured, Party.PLATFORM).fingerprint_key
    )


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    KeyRing.from_settings(settings(tmp_path), Party.PLATFORM)
    path = tmp_path / "keys" / "platform-vault.json"
    path.chmod(0o644)
    with pytest.raises(KeyConfigurationError, match="chmod 600"):
        KeyRing.from_settings(settings(tmp_path), Party.PLATFORM)


def test_a_damaged_key_file_is_named_and_never_echoed(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "platform-vault.json"
    KeyRing.from_settings(settings(tmp_path), Party.PLATFORM)
    document = json.loads(path.read_text())
    document["master_keys"][0]["key"] = document["master_keys"][0]["key"][:-8]
    path.write_text(json.dumps(document))
    with pytest.raises(KeyConfigurationError) as refused:
        KeyRing.from_settings(settings(tmp_path), Party.PLATFORM)
    assert str(path) in str(refused.value)
    assert document["master_keys"][0]["key"] not in str(refused.value)


def test_rotation_puts_a_new_master_key_first_and_keeps_the_old_ones(tmp_path: Path) -> None:
    key_file = KeyFile(tmp_path / "keys" / "platform-vault.json")
    original = key_file.load_or_create()
    rotated = key_file.add_master_key()
    assert rotated.ids[1:] == original.ids
    assert rotated.current_id not in original.ids
    assert rotated.fingerprint_key == original.fingerprint_key
    assert key_file.read().ids == rotated.ids
    assert stat.S_IMODE(key_file.path.stat().st_mode) == 0o600


def test_an_old_master_key_can_be_retired_but_not_the_current_one(tmp_path: Path) -> None:
    key_file = KeyFile(tmp_path / "keys" / "platform-vault.json")
    old = key_file.load_or_create().current_id
    new = key_file.add_master_key().current_id
    with pytest.raises(MasterKeyInUse):
        key_file.retire_master_key(new)
    assert key_file.retire_master_key(old).ids == (new,)


def test_a_key_ring_never_shows_its_keys() -> None:
    ring = KeyRing.parse(f"a:{KEY_A},b:{KEY_B}", FINGERPRINT)
    assert repr(ring) == "KeyRing(master_keys=['a', 'b'], current='a')"


def test_generated_keys_are_ready_for_the_settings() -> None:
    ring = KeyRing.parse(generate_master_key(), generate_fingerprint_key())
    assert ring.current_id.startswith("mk_")
    assert len(ring.current_key) == 32
    assert KeyRing.generate().current_key != KeyRing.generate().current_key


def test_a_saved_key_ring_may_add_keys_but_never_drop_one_or_change_the_fingerprint_key(
    tmp_path: Path,
) -> None:
    key_file = KeyFile(tmp_path / "keys" / "platform-vault.json")
    original = key_file.load_or_create()
    rotated = original.with_new_master_key()
    key_file.save(rotated)
    assert key_file.read().ids == rotated.ids
    with pytest.raises(KeyConfigurationError, match="drop master keys"):
        key_file.save(original)
    with pytest.raises(KeyConfigurationError, match="fingerprint key"):
        key_file.save(KeyRing([(k, rotated.master_key(k)) for k in rotated.ids], bytes(range(32))))
