"""``mercato ledger``: prove and inspect the books."""

from __future__ import annotations

import typer
from rich.table import Table

from mercato.cli.context import console, errors, reported, settings_of
from mercato.database import migrate
from mercato.database.engine import engine_for, reading
from mercato.ledger import Ledger, verify
from mercato.money import Money
from mercato.settings import Party

app = typer.Typer(help="Prove and inspect each party's double-entry books.", no_args_is_help=True)


@app.command(name="verify")
def verify_command(
    ctx: typer.Context,
    party: list[Party] | None = typer.Option(  # noqa: B008
        None, "--party", help="Check only this party's books (repeatable); default: every party."
    ),
) -> None:
    """Recompute every balance from the postings and prove the books balance.

    Exits 1 and names each discrepancy, with the party it belongs to, if anything is off.
    """
    settings = settings_of(ctx)
    summary = Table("party", "accounts", "transactions", "postings", "open holds")
    # Volumes and results are what people read: fold them rather than cut them short.
    summary.add_column("volume", overflow="fold")
    summary.add_column("result", overflow="fold")
    found = 0
    with reported():
        for name in party or settings.parties():
            engine = engine_for(settings, name)
            missing = migrate.pending(engine, name)
            if missing:
                errors.print(
                    f"[red]{name.value}[/]: database not migrated (run mercato db upgrade)"
                )
                found += 1
                continue
            with reading(engine) as connection:
                report = verify(connection, name.value)
            engine.dispose()
            volume = ", ".join(
                Money.of_minor(total, code).format()
                for code, total in sorted(report.volume.items())
            )
            summary.add_row(
                name.value,
                str(report.accounts),
                str(report.transactions),
                str(report.postings),
                str(report.open_holds),
                volume or "-",
                "[green]balanced[/]"
                if report.balanced
                else f"[red]{len(report.findings)} findings[/]",
            )
            for finding in report.findings:
                errors.print(
                    f"[red]{name.value}[/] {finding.check}: {finding.detail}", highlight=False
                )
            found += len(report.findings)
    console.print(summary)
    if found:
        raise typer.Exit(1)


@app.command()
def accounts(
    ctx: typer.Context,
    party: Party = typer.Option(Party.PLATFORM, help="Whose books."),  # noqa: B008
    owner: str | None = typer.Option(None, help="Only this owner's accounts."),
) -> None:
    """List the accounts with their posted, pending and available balances."""
    settings = settings_of(ctx)
    table = Table("account", "kind", "posted", "pending", "available", "version")
    with reported():
        ledger = Ledger(engine_for(settings, party), party=party.value)
        with ledger.reading() as book:
            for spec in book.accounts(owner=owner):
                balance = book.balance(spec.code)
                table.add_row(
                    spec.code,
                    spec.kind.value,
                    balance.posted.format(),
                    balance.pending.format(),
                    balance.available.format(),
                    str(balance.version),
                )
    console.print(table)
