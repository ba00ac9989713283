"""The ``mercato`` command as an operator uses it: real processes, real databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from logscan import keep_log
from mercato import __version__
from mercato.database.engine import create_engine
from mercato.ledger import AccountKind, AccountSpec, Ledger, transfer
from mercato.ledger.tables import accounts
from mercato.money import Currency, Money


def mercato(
    *args: str, data_dir: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_")}
    env["MERCATO_DATA_DIR"] = str(data_dir)
    env["COLUMNS"] = "200"
    if database_url:
        env["MERCATO_DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-m", "mercato", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    keep_log("cli", result.stdout + result.stderr)
    return result


def test_version_prints_the_packages_version(tmp_path: Path) -> None:
    result = mercato("version", data_dir=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"mercato {__version__}"


def test_help_explains_every_command(tmp_path: Path) -> None:
    result = mercato("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("demo", "version", "db", "ledger"):
        assert command in result.stdout


def test_db_upgrade_creates_the_embedded_database_in_the_data_directory(tmp_path: Path) -> None:
    status = mercato("db", "status", data_dir=tmp_path)
    assert status.returncode == 1
    assert "behind" in status.stdout
    upgrade = mercato("db", "upgrade", data_dir=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    assert (tmp_path / "platform.sqlite3").exists()
    assert "ledger_0001" in upgrade.stdout
    assert mercato("db", "status", data_dir=tmp_path).returncode == 0


@pytest.mark.postgres
def test_commands_use_the_database_the_environment_names(tmp_path: Path, postgres_url: str) -> None:
    upgrade = mercato("db", "upgrade", data_dir=tmp_path, database_url=postgres_url)
    assert upgrade.returncode == 0, upgrade.stderr
    assert "postgresql+psycopg" in upgrade.stdout
    assert not (tmp_path / "platform.sqlite3").exists()
    engine = create_engine(postgres_url)
    assert "ledger_accounts" in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_an_unreachable_database_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    result = mercato(
        "db",
        "upgrade",
        data_dir=tmp_path,
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
    )
    assert result.returncode == 2
    assert "cannot use the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_ledger_verify_passes_on_balanced_books_and_names_each_discrepancy(tmp_path: Path) -> None:
    assert mercato("db", "upgrade", data_dir=tmp_path).returncode == 0
    engine = create_engine(f"sqlite:///{tmp_path / 'platform.sqlite3'}")
    ledger = Ledger(engine)
    usd = Currency.of("USD")
    with ledger.begin() as book:
        book.open_account(AccountSpec("cash", usd, AccountKind.ASSET))
        book.open_account(AccountSpec("customer", usd, AccountKind.LIABILITY))
        book.post(transfer("t", debit="cash", credit="customer", amount=Money.of_minor(1234, usd)))

    balanced = mercato("ledger", "verify", data_dir=tmp_path)
    assert balanced.returncode == 0, balanced.stderr
    assert "balanced" in balanced.stdout
    assert "$12.34" in balanced.stdout

    with engine.begin() as connection:
        connection.execute(
            sa.update(accounts).where(accounts.c.code == "customer").values(credits_posted=1)
        )
    engine.dispose()
    broken = mercato("ledger", "verify", data_dir=tmp_path)
    assert broken.returncode == 1
    assert "platform balance: customer: credits_posted is 1, its postings say 1234" in broken.stderr


def test_ledger_verify_on_an_unmigrated_database_says_what_to_do(tmp_path: Path) -> None:
    result = mercato("ledger", "verify", data_dir=tmp_path)
    assert result.returncode == 1
    assert "mercato db upgrade" in result.stderr


def test_ledger_accounts_lists_balances(tmp_path: Path) -> None:
    assert mercato("db", "upgrade", data_dir=tmp_path).returncode == 0
    engine = create_engine(f"sqlite:///{tmp_path / 'platform.sqlite3'}")
    eur = Currency.of("EUR")
    with Ledger(engine).begin() as book:
        book.open_account(AccountSpec("bank", eur, AccountKind.ASSET))
        book.open_account(AccountSpec("merchant:acme", eur, AccountKind.LIABILITY, owner="acme"))
        book.post(
            transfer("t", debit="bank", credit="merchant:acme", amount=Money.of_minor(99_50, eur))
        )
    engine.dispose()
    result = mercato("ledger", "accounts", "--owner", "acme", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "merchant:acme" in result.stdout
    assert "€99.50" in result.stdout
    assert "bank" not in result.stdout.replace("merchant", "")
