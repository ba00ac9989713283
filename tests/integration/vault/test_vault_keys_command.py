"""``mercato keys``, as an operator runs it: rotate, retire, generate.

The commands run under a root of this test's own that sets the settings, as ``mercato``'s
root callback does.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import typer
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from mercato.cli import keys
from mercato.cli.context import State
from mercato.clock import ManualClock
from mercato.database.engine import reading, writing
from mercato.settings import Party, Settings
from mercato.vault import CardNumber, KeyFile, KeyRing, Vault
from mercato.vault.keys import generate_fingerprint_key, generate_master_key

VISA = CardNumber.parse("4242424242424242")


def run(settings: Settings, *args: str) -> tuple[int, str]:
    root = typer.Typer()

    @root.callback()
    def _root(ctx: typer.Context) -> None:
        ctx.obj = State(settings)

    root.add_typer(keys.app, name="keys")
    result = CliRunner().invoke(root, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_rotate_adds_a_master_key_to_the_key_file_and_retire_removes_the_old_one(
    engine: Engine, database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    first = KeyRing.from_settings(settings, Party.PLATFORM)
    with writing(engine) as connection:
        card = Vault(first, clock).store(connection, VISA)

    code, output = run(settings, "keys", "rotate")
    assert code == 0, output
    rotated = KeyRing.from_settings(settings, Party.PLATFORM)
    assert rotated.ids == (rotated.current_id, first.current_id)
    assert f"Added master key {rotated.current_id}" in output
    assert f"1 from {first.current_id}" in output
    assert f"mercato keys retire {first.current_id} --party platform" in output

    code, output = run(settings, "keys", "retire", first.current_id)
    assert code == 0, output
    assert KeyRing.from_settings(settings, Party.PLATFORM).ids == (rotated.current_id,)
    with reading(engine) as connection:
        fresh = Vault(KeyRing.from_settings(settings, Party.PLATFORM), clock)
        assert fresh.reveal(connection, card.id) == VISA

    code, output = run(settings, "keys", "status")
    assert code == 0, output
    assert rotated.current_id in output
    assert "current" in output


def test_retire_refuses_a_key_that_still_wraps_data_keys_or_is_current(
    engine: Engine, database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    ring = KeyRing.from_settings(settings, Party.PLATFORM)
    with writing(engine) as connection:
        Vault(ring, clock).store(connection, VISA)
    added = KeyFile(tmp_path / "keys" / "platform-vault.json").add_master_key()  # not rotated

    code, output = run(settings, "keys", "retire", ring.current_id)
    assert code == 1
    assert f"1 data keys are still wrapped under {ring.current_id}" in output
    code, output = run(settings, "keys", "retire", added.current_id)
    assert code == 1
    assert "is current and cannot be retired" in output
    assert KeyRing.from_settings(settings, Party.PLATFORM).ids == added.ids


def test_rotate_with_keys_from_the_settings_tells_the_operator_to_remove_the_old_one(
    engine: Engine, database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    old, fingerprint = generate_master_key(), generate_fingerprint_key()
    before = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        vault_master_keys=old,
        vault_fingerprint_key=fingerprint,
    )
    with writing(engine) as connection:
        Vault(KeyRing.from_settings(before, Party.PLATFORM), clock).store(connection, VISA)
    new = generate_master_key()
    after = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        vault_master_keys=f"{new},{old}",
        vault_fingerprint_key=fingerprint,
    )
    code, output = run(after, "keys", "rotate")
    assert code == 0, output
    old_id, new_id = old.split(":")[0], new.split(":")[0]
    assert f"Every data key is wrapped under {new_id}" in output
    assert f"remove {old_id} from MERCATO_VAULT_MASTER_KEYS" in output
    assert not (tmp_path / "keys").exists()
    for secret in (old.split(":")[1], new.split(":")[1], fingerprint):
        assert secret not in output


def test_rotate_refuses_a_party_whose_vault_has_no_key_file(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    code, output = run(Settings(data_dir=tmp_path, database_url=database_url), "keys", "rotate")
    assert code == 1
    assert "nothing to rotate" in output
    assert not (tmp_path / "keys" / "platform-vault.json").exists()


@pytest.mark.parametrize("option", [[], ["--fingerprint-key"]])
def test_generate_prints_a_key_ready_for_the_settings(tmp_path: Path, option: list[str]) -> None:
    code, output = run(Settings(data_dir=tmp_path), "keys", "generate", *option)
    assert code == 0, output
    value = output.splitlines()[0]
    encoded = value.partition(":")[2] if not option else value
    assert len(base64.b64decode(encoded)) == 32
    assert not (tmp_path / "keys").exists()
    json.dumps(value)  # one plain line, nothing else on it
