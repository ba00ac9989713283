"""``mercato bank`` as an operator uses it: real processes, a real database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from logscan import keep_log


def mercato(*args: str, data_dir: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_")}
    env.update(
        MERCATO_DATA_DIR=str(data_dir), MERCATO_BANK_DATABASE_URL=database_url, COLUMNS="200"
    )
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


def test_an_operator_opens_a_business_account_and_the_books_verify(
    tmp_path: Path, database_url: str
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return mercato(*args, data_dir=tmp_path, database_url=database_url)

    assert run("db", "upgrade").returncode == 0
    created = run("bank", "customers", "create", "--name", "Acme Hardware LLC")
    assert created.returncode == 0, created.stderr
    assert "acme-hardware-llc" in created.stdout
    opened = run("bank", "accounts", "open", "--customer", "acme-hardware-llc", "--currency", "usd")
    assert opened.returncode == 0, opened.stderr
    found = re.search(r"\b(\d{10})\b", opened.stdout)
    assert found is not None, opened.stdout
    account_number = found[1]
    deposited = run("bank", "accounts", "deposit", account_number, "250.00")
    assert "$250.00" in deposited.stdout

    refused = run("bank", "accounts", "open", "--customer", "nobody", "--currency", "usd")
    assert refused.returncode == 1
    assert "no customer named 'nobody'" in refused.stderr
    wrong = run("bank", "accounts", "open", "--customer", "acme-hardware-llc", "--currency", "gbp")
    assert "USD and EUR" in wrong.stderr

    verified = run("ledger", "verify", "--party", "bank")
    assert verified.returncode == 0, verified.stderr
    assert "bank" in verified.stdout
    assert "balanced" in verified.stdout
