"""``mercato issuer`` as an operator uses it: issuing cards, funding, holds, statements, the
outage switch, and ``serve`` in a process of its own."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from issuer_acquirer import Acquirer
from typer.testing import CliRunner

from mercato.cli import issuer
from mercato.cli.context import State
from mercato.clock import ManualClock
from mercato.database import migrate
from mercato.database.engine import create_engine, reading
from mercato.issuer import IssuingBank
from mercato.ledger import verify
from mercato.network import NetworkClient, ResponseCode
from mercato.settings import Party, Settings

ROOT = """
import typer
from mercato import logs
from mercato.cli import issuer
from mercato.cli.context import State
from mercato.settings import Settings

root = typer.Typer()


@root.callback()
def main(ctx: typer.Context) -> None:
    settings = Settings()
    logs.configure(settings.log_level, settings.log_format)
    ctx.obj = State(settings)


root.add_typer(issuer.app, name="issuer")
root()
"""


def command(settings: Settings) -> typer.Typer:
    """A root like ``mercato``'s own, with only the issuer's commands under it."""
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = State(settings)

    root.add_typer(issuer.app, name="issuer")
    return root


class Operator:
    def __init__(self, settings: Settings) -> None:
        self.root = command(settings)
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0) -> str:
        result = self.runner.invoke(self.root, ["issuer", *args], env={"COLUMNS": "250"})
        assert result.exit_code == code, result.output
        return result.output


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Iterator[Settings]:
    settings = Settings(data_dir=tmp_path, issuer_database_url=database_url)
    engine = create_engine(database_url)
    migrate.upgrade(engine, Party.ISSUER)
    yield settings
    with reading(engine) as connection:
        assert verify(connection, "issuer").findings == []
    engine.dispose()


@pytest.fixture
def operator(settings: Settings) -> Operator:
    return Operator(settings)


def test_an_operator_issues_a_card_and_sees_its_number_and_cvc_once(
    operator: Operator, settings: Settings, clock: ManualClock
) -> None:
    output = operator(
        "cards", "issue", "--brand", "mastercard", "--kind", "credit", "--balance", "500.00"
    )
    found = re.search(r"number\s+│\s+((?:\d{4} ?){4})", output)
    cvc = re.search(r"CVC\s+│\s+(\d{3})", output)
    expiry = re.search(r"expiry\s+│\s+(\d\d)/(\d\d)", output)
    assert found is not None
    assert cvc is not None
    assert expiry is not None
    number = found.group(1).replace(" ", "")
    listed = operator("cards", "list")
    assert f"****{number[-4:]}" in listed
    assert number not in listed
    assert "$500.00" in listed

    bank = IssuingBank(settings, clock)
    with (
        bank.serve("127.0.0.1", 0) as server,
        NetworkClient(*server.address, clock=clock) as client,
    ):
        acquirer = Acquirer(client, clock)
        yymm = expiry.group(2) + expiry.group(1)
        response = acquirer.authorise(number, 12000, expiry=yymm, cvc=cvc.group(1))
        assert response.response_code is ResponseCode.APPROVED
    bank.close()

    held = operator("holds")
    assert "Corner Shop" in held
    assert "$120.00" in held
    statement = operator("statement", number[-4:])
    assert "credit line granted" in statement
    assert "held $120.00, available $380.00" in statement


def test_an_operator_funds_an_account_by_its_cards_last_four_digits(operator: Operator) -> None:
    output = operator("cards", "issue", "--balance", "10.00")
    last4 = re.search(r"number\s+│\s+\d{4} \d{4} \d{4} (\d{4})", output)
    assert last4 is not None
    funded = operator("accounts", "fund", last4.group(1), "15.50", "--key", "deposit-1")
    assert "$25.50 available" in funded
    again = operator("accounts", "fund", last4.group(1), "15.50", "--key", "deposit-1")
    assert "$25.50 available" in again  # the same key funds once


def test_an_operator_reports_a_card_stolen(operator: Operator, settings: Settings) -> None:
    output = operator("cards", "issue")
    card_id = re.search(r"card id\s+│\s+([0-9a-f-]{36})", output)
    assert card_id is not None
    assert "is now stolen" in operator("cards", "status", card_id.group(1), "stolen")
    assert "stolen" in operator("cards", "list")


def test_the_outage_switch_takes_the_bank_down_and_brings_it_back(
    operator: Operator, settings: Settings
) -> None:
    bank = IssuingBank(settings)
    assert "down" in operator("outage", "on")
    assert bank.outage()
    assert "up" in operator("outage", "off")
    assert not bank.outage()
    bank.close()


def test_an_unknown_card_is_a_clear_error(operator: Operator) -> None:
    output = operator("accounts", "fund", "0000", "1.00", code=1)
    assert "no card '0000'" in output


def test_a_brand_the_bank_does_not_issue_is_a_clear_error(operator: Operator) -> None:
    output = operator("cards", "issue", "--brand", "maestro", code=1)
    assert "the bank issues amex, diners, discover, jcb, mastercard, unionpay, visa" in output


def test_commands_refuse_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "fresh")
    output = Operator(settings)("cards", "list", code=1)
    assert "mercato db upgrade" in output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_answers_iso_8583_and_serves_3ds_over_https(tmp_path: Path) -> None:
    iso_port, acs_port = _free_port(), _free_port()
    script = tmp_path / "mercato_issuer.py"
    script.write_text(ROOT)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_")}
    env |= {"MERCATO_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    arguments = ["issuer", "serve", "--port", str(iso_port), "--acs-port", str(acs_port)]
    process = subprocess.Popen(
        [sys.executable, str(script), *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", acs_port), timeout=1):
                    break
            except OSError:
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "the bank did not start in time"
                time.sleep(0.2)
        with NetworkClient("127.0.0.1", iso_port, timeout=10) as client:
            assert client.network_management().response_code is ResponseCode.APPROVED
            acquirer = Acquirer(client, ManualClock(dt.datetime.now(dt.UTC)))
            approved = acquirer.authorise("4242424242424242", 500)
            assert approved.response_code is ResponseCode.APPROVED
        context = ssl.create_default_context(cafile=str(tmp_path / "data" / "tls" / "ca.pem"))
        connection = http.client.HTTPSConnection("localhost", acs_port, context=context)
        connection.request("GET", "/3ds/authentications/unknown")
        assert connection.getresponse().status == 404
        connection.close()
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "4242424242424242" not in output
    assert "****4242" in output
