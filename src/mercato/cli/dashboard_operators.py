"""``mercato dashboard operator``: the platform's operators, who sign in to the dashboard's
settlement pages (payout files, clearing files, reconciliation; ADR 0022).

mercato dashboard operator create --email ops@platform.example             (asks twice)
printf '%s\\n' "$PASSWORD" | mercato dashboard operator create --email ... --password-stdin

The password is never an argument: arguments are seen by every user of the machine (``ps``)
and kept in shell histories.
"""

from __future__ import annotations

import json
import sys

import typer

from mercato.cli.context import console, fail, reported, settings_of
from mercato.clock import clock_for
from mercato.dashboard import users
from mercato.dashboard.errors import UserExists
from mercato.database.engine import engine_for, writing
from mercato.settings import Party

app = typer.Typer(help="Operators: platform staff on the settlement pages.", no_args_is_help=True)


@app.command("create")
def create_operator(
    ctx: typer.Context,
    email: str = typer.Option(..., "--email", help="The address they sign in with."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Add an operator, with a password of at least 12 characters, asked for (never an
    argument)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    try:
        with reported(), writing(engine) as connection:
            user = users.create_operator(
                connection, email=email, password=password, clock=clock_for(settings)
            )
    except (UserExists, ValueError) as error:
        raise fail(str(error)) from None
    finally:
        engine.dispose()
    if as_json:
        console.print_json(json.dumps({"id": user.id, "email": user.email, "role": user.role}))
        return
    console.print(f"Operator {user.email} ({user.id}) can sign in at /dashboard/.")
