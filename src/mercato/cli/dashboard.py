"""``mercato dashboard``: the merchant dashboard's users.

mercato dashboard user create --merchant acct_... --email owner@shop.example
mercato dashboard operator create --email ops@platform.example   (cli/dashboard_operators.py)
"""

from __future__ import annotations

import json

import typer

from mercato.cli import dashboard_operators
from mercato.cli.context import console, fail, reported, settings_of
from mercato.clock import clock_for
from mercato.dashboard import users
from mercato.dashboard.errors import UnknownMerchant, UserExists
from mercato.database.engine import engine_for, writing
from mercato.settings import Party

app = typer.Typer(help="The merchant dashboard (/dashboard/) and its users.", no_args_is_help=True)
user_app = typer.Typer(help="People who sign in to a merchant's dashboard.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(dashboard_operators.app, name="operator")


@user_app.command("create")
def create_user(
    ctx: typer.Context,
    merchant: str = typer.Option(..., "--merchant", help="The merchant (acct_...) they work for."),
    email: str = typer.Option(..., "--email", help="The address they sign in with."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Add a dashboard user and print their password, made up now and shown only once."""
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    try:
        with reported(), writing(engine) as connection:
            user, password = users.create(
                connection, merchant_id=merchant, email=email, clock=clock_for(settings)
            )
    except (UnknownMerchant, UserExists, ValueError) as error:
        raise fail(str(error)) from None
    finally:
        engine.dispose()
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "id": user.id,
                    "merchant": user.merchant_id,
                    "email": user.email,
                    "password": password,
                }
            )
        )
        return
    console.print(f"Dashboard user {user.email} of {user.merchant_id}")
    console.print(f"password: {password}", highlight=False)
    console.print("[yellow]The password is shown only now.[/]")
