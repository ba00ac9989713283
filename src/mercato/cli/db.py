"""``mercato db``: the databases' schemas."""

from __future__ import annotations

import typer
from rich.table import Table

from mercato.cli.context import console, reported, settings_of
from mercato.database import migrate
from mercato.database.engine import engine_for

app = typer.Typer(help="Create and upgrade each party's database.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Apply every migration each party's database lacks (safe to run again)."""
    settings = settings_of(ctx)
    with reported():
        for party in settings.parties():
            engine = engine_for(settings, party)
            revisions = migrate.upgrade(engine, party)
            console.print(
                f"[green]✓[/] {party.value}: {engine.url.render_as_string(hide_password=True)}"
                f" at {', '.join(revisions)}"
            )
            engine.dispose()


@app.command()
def status(ctx: typer.Context) -> None:
    """Show where each party's database is and whether it is up to date."""
    settings = settings_of(ctx)
    table = Table("party", "database", "revision", "state")
    behind = False
    with reported():
        for party in settings.parties():
            engine = engine_for(settings, party)
            missing = migrate.pending(engine, party)
            behind = behind or bool(missing)
            table.add_row(
                party.value,
                engine.url.render_as_string(hide_password=True),
                ", ".join(migrate.current(engine)) or "(empty)",
                "[yellow]behind: run mercato db upgrade[/]" if missing else "[green]current[/]",
            )
            engine.dispose()
    console.print(table)
    if behind:
        raise typer.Exit(1)
