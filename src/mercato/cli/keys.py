"""``mercato keys``: the card vault's master keys. Make them, rotate them, retire old ones.

Where a party's keys come from decides what rotation means:

* A key file (``<data dir>/keys/<party>-vault.json``: the embedded default, and always the
  issuing bank's): ``rotate`` adds a new master key to the file and re-wraps every data key
  under it. Running processes pick the new key up from the file by themselves. The old key
  stays in the file until ``retire`` removes it.
* The settings (``MERCATO_VAULT_MASTER_KEYS``, platform only): the operator puts a new key
  (``generate``) first, keeps the old ones after it, restarts every process, runs ``rotate``,
  and then removes the old keys from the setting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.engine import Engine

from mercato.cli.context import console, errors, fail, reported, settings_of
from mercato.database import migrate
from mercato.database.engine import engine_for, reading
from mercato.settings import Party, Settings
from mercato.vault import rotation
from mercato.vault.errors import VaultError
from mercato.vault.keys import (
    MASTER_KEYS_SETTING,
    KeyFile,
    KeyRing,
    generate_fingerprint_key,
    generate_master_key,
    key_file_path,
)

app = typer.Typer(
    help="The card vault's keys: make master keys, rotate them, retire old ones.",
    no_args_is_help=True,
)

PARTY = typer.Option(Party.PLATFORM, "--party", help="Whose vault.")


def _from_settings(settings: Settings, party: Party) -> bool:
    # Either setting alone is refused by ``KeyRing.from_settings``, with the reason.
    return party is Party.PLATFORM and (
        settings.vault_master_keys is not None or settings.vault_fingerprint_key is not None
    )


@contextmanager
def _refused() -> Iterator[None]:
    with reported():
        try:
            yield
        except VaultError as error:
            raise fail(f"{error} ({error.code})") from None


def _migrated_engine(settings: Settings, party: Party) -> Engine:
    engine = engine_for(settings, party)
    if migrate.pending(engine, party):
        engine.dispose()
        raise fail(f"the {party.value} database is not migrated (run mercato db upgrade)")
    return engine


@app.command()
def generate(
    fingerprint_key: bool = typer.Option(
        False, "--fingerprint-key", help="Print a fingerprint key instead of a master key."
    ),
) -> None:
    """Print a new master key as 'id:base64', for MERCATO_VAULT_MASTER_KEYS.

    The key goes to standard output alone, for a secret manager; the advice goes to standard
    error. Nothing is written anywhere.
    """
    if fingerprint_key:
        typer.echo(generate_fingerprint_key())
        errors.print(
            "MERCATO_VAULT_FINGERPRINT_KEY: set once, never change it (the fingerprints of"
            " stored cards are made with it).",
            highlight=False,
        )
        return
    typer.echo(generate_master_key())
    errors.print(
        f"Put it first in {MASTER_KEYS_SETTING}, keep the current keys after it, restart every"
        " process, then run: mercato keys rotate",
        highlight=False,
    )


@app.command()
def rotate(
    ctx: typer.Context,
    party: Party = PARTY,
    batch_size: int = typer.Option(
        rotation.BATCH, min=1, help="Data keys re-wrapped per database transaction."
    ),
) -> None:
    """Re-wrap every data key under a new master key, online; card ciphertexts stay as they are.

    With a key file, a new master key is added to it first. With keys from the settings, the
    first one configured is the new key.
    """
    settings = settings_of(ctx)
    from_settings = _from_settings(settings, party)
    with _refused():
        engine = _migrated_engine(settings, party)
        try:
            if from_settings:
                keyring = KeyRing.from_settings(settings, party)
            else:
                key_file = KeyFile(key_file_path(settings, party))
                if not key_file.exists():
                    raise fail(
                        f"no key file at {key_file.path}: the {party.value} vault has no keys"
                        " yet, so there is nothing to rotate"
                    )
                keyring = key_file.add_master_key()
                console.print(f"Added master key {keyring.current_id} to {key_file.path}")
            with Progress(
                TextColumn("re-wrapping data keys"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("rotate", total=None)
                report = rotation.rotate(
                    engine,
                    keyring,
                    batch_size=batch_size,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        finally:
            engine.dispose()
    _print_report(party, report)
    if report.unreadable:
        errors.print(
            f"[red]{len(report.unreadable)} data keys could not be unwrapped[/] and were left as"
            f" they are: {', '.join(str(key_id) for key_id in report.unreadable)}",
            highlight=False,
        )
        raise typer.Exit(1)
    if report.remaining:
        errors.print(
            f"[yellow]{report.remaining} data keys are still under an older master key:[/] a"
            " process made them while this ran, with an older key ring. Run the rotation again"
            " once every process has the new key.",
            highlight=False,
        )
        raise typer.Exit(1)
    old = [key_id for key_id in keyring.ids if key_id != keyring.current_id]
    if from_settings and not old:
        console.print(
            f"Only one master key is configured. To rotate, put a new one (mercato keys"
            f" generate) first in {MASTER_KEYS_SETTING}, keep this one after it, restart every"
            " process and run this again."
        )
    elif from_settings:
        console.print(
            f"Every data key is wrapped under {keyring.current_id}. Once every process runs"
            f" with it first, remove {', '.join(old)} from {MASTER_KEYS_SETTING}."
        )
    elif old:
        console.print(
            f"The old master keys stay in the key file until you retire them: "
            f"{'; '.join(f'mercato keys retire {key_id} --party {party.value}' for key_id in old)}"
        )


def _print_report(party: Party, report: rotation.RotationReport) -> None:
    table = Table("party", "master key", "re-wrapped", "already current", "remaining")
    table.add_row(
        party.value,
        report.master_key_id,
        str(report.rewrapped),
        str(report.already_current),
        str(report.remaining),
    )
    console.print(table)
    for previous, count in sorted(report.by_previous_key.items()):
        console.print(f"  {count} from {previous}", highlight=False)


@app.command()
def retire(
    ctx: typer.Context,
    key_id: str = typer.Argument(..., help="The old master key's id."),
    party: Party = PARTY,
) -> None:
    """Remove an old master key from the key file, once no data key needs it.

    Run rotate first: a key that still wraps data keys is refused, and so is the current one.
    """
    settings = settings_of(ctx)
    if _from_settings(settings, party):
        raise fail(f"the keys come from {MASTER_KEYS_SETTING}: remove {key_id} from it there")
    with _refused():
        engine = _migrated_engine(settings, party)
        try:
            with reading(engine) as connection:
                still = rotation.wrapped_under(connection).get(key_id, 0)
        finally:
            engine.dispose()
        if still:
            raise fail(
                f"{still} data keys are still wrapped under {key_id}: run mercato keys rotate"
                f" --party {party.value} first"
            )
        key_file = KeyFile(key_file_path(settings, party))
        ring = key_file.retire_master_key(key_id)
    console.print(f"Retired {key_id}; {key_file.path} now holds {', '.join(ring.ids)}")


@app.command()
def status(ctx: typer.Context, party: Party = PARTY) -> None:
    """Where the party's keys come from, and how many data keys each master key wraps."""
    settings = settings_of(ctx)
    from_settings = _from_settings(settings, party)
    with _refused():
        if from_settings:
            keyring = KeyRing.from_settings(settings, party)
            console.print(f"{party.value}: keys from {MASTER_KEYS_SETTING}", highlight=False)
        else:
            key_file = KeyFile(key_file_path(settings, party))
            if not key_file.exists():
                console.print(
                    f"{party.value}: no key file yet at {key_file.path}; the vault makes it when"
                    " it first stores a card",
                    highlight=False,
                )
                return
            keyring = key_file.read()
            console.print(f"{party.value}: keys from {key_file.path}", highlight=False)
        engine = _migrated_engine(settings, party)
        try:
            with reading(engine) as connection:
                counts = rotation.wrapped_under(connection)
        finally:
            engine.dispose()
    table = Table("master key", "role", "data keys")
    for key_id in dict.fromkeys([*keyring.ids, *counts]):
        if key_id == keyring.current_id:
            role = "current"
        elif key_id in keyring.ids:
            role = "old"
        else:
            role = "[red]missing from the key ring[/]"
        table.add_row(key_id, role, str(counts.get(key_id, 0)))
    console.print(table)
