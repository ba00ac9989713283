"""``mercato merchant``: open merchants and issue their keys; the operator's admin keys."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from mercato.cli.context import console, reported, settings_of
from mercato.cli.payouts import bank_account, payout_schedule
from mercato.clock import clock_for
from mercato.database.engine import engine_for, writing
from mercato.gateway import merchants
from mercato.settings import Party

app = typer.Typer(help="Open merchants and issue API keys.", no_args_is_help=True)


@app.command()
def create(
    ctx: typer.Context,
    name: str = typer.Option(..., help="The merchant's name, as customers will see it."),
    country: str = typer.Option("US", help="Two-letter country code."),
    currency: str = typer.Option("usd", help="Default currency (ISO 4217)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Open a merchant and print its secret and publishable keys (shown only this once)."""
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    with reported(), writing(engine) as connection:
        made = merchants.create_merchant(
            connection, name=name, country=country, currency=currency, clock=clock_for(settings)
        )
    engine.dispose()
    result = {
        "id": made.merchant.id,
        "name": made.merchant.name,
        "country": made.merchant.country,
        "default_currency": made.merchant.default_currency.code.lower(),
        "secret_key": made.secret_key,
        "publishable_key": made.publishable_key,
    }
    if as_json:
        console.print_json(json.dumps(result))
        return
    table = Table(show_header=False, title=f"Merchant {made.merchant.name}")
    for key, value in result.items():
        table.add_row(key.replace("_", " "), value)
    console.print(table)
    console.print("[yellow]The keys are shown only now: keep them somewhere safe.[/]")


@app.command("admin-key")
def admin_key(ctx: typer.Context) -> None:
    """Issue a new operator key (sk_admin_...) for the platform's own endpoints."""
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    with reported(), writing(engine) as connection:
        key = merchants.create_admin_key(connection, clock_for(settings))
    engine.dispose()
    console.print(key)


# Settlement's commands (``cli.payouts``): a merchant's bank account and payout schedule.
app.command("bank-account")(bank_account)
app.command("payout-schedule")(payout_schedule)
