"""``mercato settle``: the day's clearing with the issuers, and interbank settlement.

``run`` closes the files whose cut-off has passed, presents them to the issuers, and
settles what they report at the commercial bank (the worker does the same every ten
minutes); ``files`` lists the files with what the issuers said of them.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from mercato.cli.context import console, fail, reported, settings_of
from mercato.clock import clock_for
from mercato.database import migrate
from mercato.database.engine import engine_for
from mercato.ledger import Ledger
from mercato.money import Money
from mercato.settings import Party
from mercato.settlement import clearing
from mercato.settlement.duties import clearing_for

app = typer.Typer(help="Clearing with the issuers and interbank settlement.", no_args_is_help=True)


@app.command()
def run(ctx: typer.Context) -> None:
    """Clear and settle whatever is due now: exit 1 if something must wait (and why)."""
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    try:
        with reported():
            if migrate.pending(engine, Party.PLATFORM):
                raise fail("the platform's database is not migrated; run `mercato db upgrade`")
            clock = clock_for(settings)
            house = clearing_for(settings, engine, Ledger(engine, clock))
            if not house.issuers:
                raise fail("no issuer to clear with: set MERCATO_ISSUER_ACS_URL")
            ran = house.run_due()
            _show(clearing.files(engine, limit=10))
    finally:
        engine.dispose()
    console.print(
        f"Closed {len(ran.closed)}, presented {len(ran.reported)}, settled {len(ran.settled)}."
    )
    if ran.waiting:
        for waiting in ran.waiting:
            console.print(f"[yellow]waiting:[/] {waiting}", highlight=False)
        raise typer.Exit(1)


@app.command()
def files(ctx: typer.Context, limit: int = typer.Option(30, min=1, max=1000)) -> None:
    """The latest clearing files and what the issuers reported."""
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    try:
        with reported():
            _show(clearing.files(engine, limit=limit))
    finally:
        engine.dispose()


def _show(rows: list[Any]) -> None:
    table = Table("file", "day", "records", "booked", "differences", "net", "settled")
    for row in rows:
        report = row.report or {}
        net = ", ".join(
            Money.of_minor(amount, code).format() for code, amount in report.get("net", {}).items()
        )
        table.add_row(
            row.id,
            row.business_date.isoformat(),
            str(row.records),
            str(report.get("booked", "-")),
            str(len(report.get("differences", []))) if row.report else "-",
            net or "-",
            row.settled_at.strftime("%Y-%m-%d %H:%M") if row.settled_at else "-",
        )
    console.print(table)


def reconcile(ctx: typer.Context) -> None:
    """Match the bank's statements to payouts and settlements, payouts to their balance
    transactions, and the clearing reports to captures; list what does not match, and
    exit 1 if anything does not. The run is kept for the dashboard's reconciliation page."""
    from mercato.cli.sandbox import with_demo_addresses
    from mercato.dashboard import reconciling
    from mercato.settlement import bank_link

    settings = with_demo_addresses(settings_of(ctx))
    engine = engine_for(settings, Party.PLATFORM)
    try:
        with reported():
            found = reconciling.run(
                engine, bank_link.link_from(settings), clock_for(settings), "mercato reconcile"
            )
    finally:
        engine.dispose()
    matched = Table("matched", "count", title="Reconciliation")
    for what, count in sorted(found.matched.items()):
        matched.add_row(what, str(count))
    matched.add_row("bank statements read", str(found.statements))
    console.print(matched)
    if found.clean:
        console.print("[green]Nothing unmatched.[/]")
        return
    unmatched = Table("match", "item", "why", title="Unmatched")
    for miss in found.unmatched:
        unmatched.add_row(miss.match, miss.item, miss.reason)
    console.print(unmatched)
    raise typer.Exit(1)
