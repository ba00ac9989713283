"""The ``mercato`` command."""

from __future__ import annotations

from pathlib import Path

import typer

from mercato import __version__, logs
from mercato.cli import (
    bank,
    clock,
    db,
    demo,
    issuer,
    keys,
    ledger,
    merchants,
    payouts,
    settle,
    worker,
)
from mercato.cli import dashboard as dashboard_cli
from mercato.cli.context import State, console
from mercato.settings import Settings

app = typer.Typer(
    name="mercato",
    help="Mercato: shop, gateway, processor, simulated banks and settlement, in one program.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals could hold card data
)
app.add_typer(db.app, name="db")
app.add_typer(ledger.app, name="ledger")
app.add_typer(merchants.app, name="merchant")
app.add_typer(keys.app, name="keys")
app.add_typer(issuer.app, name="issuer")
app.add_typer(bank.app, name="bank")
app.add_typer(clock.app, name="clock")
app.add_typer(settle.app, name="settle")
app.add_typer(payouts.app, name="payouts")
app.add_typer(dashboard_cli.app, name="dashboard")
app.command(name="demo")(demo.demo)
app.command(name="worker")(worker.worker)
app.command(name="reconcile")(settle.reconcile)


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(  # noqa: B008
        None,
        "--data-dir",
        envvar="MERCATO_DATA_DIR",
        help="Where the embedded databases and generated files live (default: ./var).",
    ),
) -> None:
    """Every command reads its settings from MERCATO_* environment variables
    (MERCATO_DATABASE_URL, MERCATO_DATA_DIR, ...) and the options given here."""
    settings = Settings(data_dir=data_dir) if data_dir else Settings()
    logs.configure(settings.log_level, settings.log_format)
    ctx.obj = State(settings)


@app.command()
def version() -> None:
    """Print Mercato's version."""
    console.print(f"mercato {__version__}")


def main() -> None:
    app()
