"""What every command shares: the settings, a console, and how failures are reported."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError

from mercato.gateway.errors import ApiError
from mercato.ledger.errors import LedgerError
from mercato.settings import Settings

console = Console()
errors = Console(stderr=True)


@dataclass
class State:
    settings: Settings


def settings_of(ctx: typer.Context) -> Settings:
    state = ctx.find_object(State)
    assert state is not None, "the root callback sets the state"
    return state.settings


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@contextmanager
def reported() -> Iterator[None]:
    """Turn the errors a user can cause into a message and a non-zero exit, not a traceback."""
    try:
        yield
    except LedgerError as error:
        raise fail(f"{error} ({error.code})") from None
    except ApiError as error:
        raise fail(error.message) from None
    except OperationalError as error:
        raise fail(f"cannot use the database: {error.orig or error}", code=2) from None
