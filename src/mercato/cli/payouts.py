"""``mercato payouts``: the payout files made for the commercial bank; and the settlement's
commands under ``mercato merchant``: ``bank-account`` and ``payout-schedule``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from mercato.cli.context import console, fail, reported, settings_of
from mercato.clock import clock_for
from mercato.database.engine import engine_for, reading, writing
from mercato.gateway.merchants import get_merchant
from mercato.settings import Party
from mercato.settlement import bank_accounts, bank_link, files, schedule
from mercato.settlement.duties import write_and_send
from mercato.settlement.errors import SettlementError
from mercato.vault import KeyRing

app = typer.Typer(help="Payout files for the commercial bank.", no_args_is_help=True)


@app.command("files")
def list_files(
    ctx: typer.Context,
    download: str | None = typer.Option(None, help="A file's id (pf_...): write its bytes."),
    to: Path | None = typer.Option(None, help="Where to write the download (default: its name)."),  # noqa: B008
) -> None:
    """List the payout files, newest first, or download one."""
    engine = engine_for(settings_of(ctx), Party.PLATFORM)
    with reported(), reading(engine) as connection:
        if download is not None:
            found = files.content_of(connection, download)
            if found is None:
                raise fail(f"no payout file {download}")
            name, content = found
            target = to or Path(name)
            target.write_bytes(content)
            console.print(f"{target} ({len(content)} bytes)")
            return
        rows = files.listed(connection)
    engine.dispose()
    table = Table("id", "name", "kind", "payouts", "total", "created", "sent")
    for row in rows:
        table.add_row(
            row.id,
            row.name,
            row.kind,
            str(row.payout_count),
            f"{row.total} {row.currency}",
            row.created_at.isoformat(timespec="seconds"),
            row.sent_at.isoformat(timespec="seconds") if row.sent_at else "not yet",
        )
    console.print(table)


@app.command("send")
def send(ctx: typer.Context) -> None:
    """Write files for the pending payouts and send every unsent file to the bank."""
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    clock = clock_for(settings)
    keyring = KeyRing.from_settings(settings, Party.PLATFORM)
    try:
        with reported():
            made, sent = write_and_send(engine, keyring, clock, bank_link.link_from(settings))
    except SettlementError as error:
        raise fail(error.message) from None
    finally:
        engine.dispose()
    console.print(f"{len(made)} file(s) written, {sent} sent")


def bank_account(
    ctx: typer.Context,
    *,
    merchant: str = typer.Option(..., help="The merchant's id (acct_...)."),
    routing: str | None = typer.Option(None, help="US: the ABA routing number."),
    account: str | None = typer.Option(None, help="US: the account number."),
    iban: str | None = typer.Option(None, help="EUR: the IBAN."),
    bic: str | None = typer.Option(None, help="EUR: the BIC (optional)."),
    holder: str | None = typer.Option(None, help="The account holder's name."),
) -> None:
    """Give a merchant a bank account for payouts (US routing and account, or an IBAN)."""
    if (iban is None) == (account is None):
        raise fail("give --routing and --account (USD), or --iban (EUR)")
    given = bank_accounts.NewBankAccount(
        country="US" if iban is None else iban.replace(" ", "")[:2].upper(),
        currency="usd" if iban is None else "eur",
        account_number=account or iban or "",
        routing_number=routing if iban is None else bic,
        account_holder_name=holder,
    )
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    try:
        with reported(), writing(engine) as connection:
            if get_merchant(connection, merchant) is None:
                raise fail(f"no merchant {merchant}")
            added = bank_accounts.add(
                connection,
                merchant,
                given,
                keyring=KeyRing.from_settings(settings, Party.PLATFORM),
                now=clock_for(settings).now(),
            )
    except SettlementError as error:
        raise fail(error.message) from None
    finally:
        engine.dispose()
    console.print_json(json.dumps(bank_accounts.to_object(added)))


def payout_schedule(
    ctx: typer.Context,
    *,
    merchant: str = typer.Option(..., help="The merchant's id (acct_...)."),
    interval: str | None = typer.Option(None, help="daily, weekly, monthly or manual."),
    delay_days: int | None = typer.Option(None, help="Days before captured funds are available."),
    weekly_anchor: str | None = typer.Option(None, help="Weekly: monday ... sunday."),
    monthly_anchor: int | None = typer.Option(None, help="Monthly: the day, 1 to 31."),
) -> None:
    """Show or change a merchant's payout schedule."""
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    try:
        with reported(), writing(engine) as connection:
            if get_merchant(connection, merchant) is None:
                raise fail(f"no merchant {merchant}")
            now = clock_for(settings).now()
            changed = schedule.change(
                connection,
                merchant,
                now,
                interval=interval,
                delay_days=delay_days,
                weekly_anchor=weekly_anchor,
                monthly_anchor=monthly_anchor,
            )
    except SettlementError as error:
        raise fail(error.message) from None
    finally:
        engine.dispose()
    console.print_json(json.dumps(changed.to_object()))
