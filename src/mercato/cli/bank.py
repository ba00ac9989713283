"""``mercato bank``: run the simulated commercial bank and work its counter.

serve                      the H2H service and internet banking (HTTP, port 8600)
customers create / list / password
accounts open / list / close / deposit
statement ACCOUNT [--date]  an account's camt.053 for a day
process-day [--until]      process every processing day that has fallen due
files list                 files received and made
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.table import Table

from mercato.bank import CommercialBank, CustomerKind, business_days
from mercato.bank.errors import BankError
from mercato.bankfiles.errors import BankFileError
from mercato.cli.context import console, fail, reported, settings_of
from mercato.database import migrate
from mercato.money import Money, MoneyError
from mercato.settings import Party

app = typer.Typer(
    help="The simulated commercial bank: accounts, payout files, statements.",
    no_args_is_help=True,
)
customers_app = typer.Typer(help="The bank's customers.", no_args_is_help=True)
accounts_app = typer.Typer(help="Deposit accounts.", no_args_is_help=True)
files_app = typer.Typer(help="Files received from and made for customers.", no_args_is_help=True)
app.add_typer(customers_app, name="customers")
app.add_typer(accounts_app, name="accounts")
app.add_typer(files_app, name="files")


@contextmanager
def _bank(ctx: typer.Context, *, migrated: bool = True) -> Iterator[CommercialBank]:
    """The bank of this installation; refuse early if its database is not migrated."""
    with reported():
        bank = CommercialBank(settings_of(ctx))
        try:
            if migrated and migrate.pending(bank.engine, Party.BANK):
                raise fail("the bank's database is not migrated: run mercato db upgrade")
            try:
                yield bank
            except (BankError, BankFileError, MoneyError) as error:
                raise fail(str(error)) from None
        finally:
            bank.close()


@app.command()
def serve(
    ctx: typer.Context,
    port: int = typer.Option(8600, help="HTTP port of the H2H service and internet banking."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
) -> None:
    """Migrate, provision the platform and the issuer, then serve H2H and internet banking;
    every minute, process the days that have fallen due."""
    import uvicorn

    from mercato.bank.sandbox import provision

    settings = settings_of(ctx)
    with _bank(ctx, migrated=False) as bank:
        bank.open()
        parties = provision(bank)
        table = Table(title="Mercato commercial bank", show_header=False)
        table.add_row("H2H service", f"http://{host}:{port}/h2h/")
        table.add_row("internet banking", f"http://{host}:{port}/banking/")
        table.add_row("platform's H2H token", str(parties.token_file or "MERCATO_BANK_H2H_TOKEN"))
        table.add_row("database", bank.engine.url.render_as_string(hide_password=True))
        console.print(table)
        with bank.processing_days():
            uvicorn.run(
                bank.app(),
                host=host,
                port=port,
                log_config=None,  # keep Mercato's logging
                log_level=settings.log_level.lower(),
            )


@customers_app.command("create")
def create_customer(
    ctx: typer.Context,
    name: str = typer.Option(..., help="The customer's name."),
    kind: CustomerKind = typer.Option(CustomerKind.BUSINESS, help="business, platform or issuer."),  # noqa: B008
) -> None:
    """Make a customer. A business gets an internet-banking login and password, the platform
    and the issuer an H2H token: shown this once only."""
    with _bank(ctx) as bank:
        bank.open()
        made = bank.create_customer(name, kind)
        table = Table(show_header=False, title=f"customer {made.customer.name}")
        table.add_row("id", str(made.customer.id))
        table.add_row("kind", made.customer.kind.value)
        if made.login:
            table.add_row("login", made.login)
            table.add_row("password", f"{made.password} (shown once)")
        if made.h2h_token:
            table.add_row("H2H token", f"{made.h2h_token} (shown once)")
        console.print(table)


@customers_app.command("list")
def list_customers(ctx: typer.Context) -> None:
    """Every customer of the bank."""
    with _bank(ctx) as bank:
        table = Table("id", "name", "kind", "login", "H2H")
        for customer in bank.customers():
            table.add_row(
                str(customer.id), customer.name, customer.kind.value, customer.login or "-",
                "yes" if customer.has_h2h_token else "-",
            )  # fmt: skip
        console.print(table)


@customers_app.command("password")
def password(
    ctx: typer.Context, customer: str = typer.Argument(..., help="Id, login or name.")
) -> None:
    """Give a business customer a new internet-banking password (shown once)."""
    with _bank(ctx) as bank:
        found, new = bank.reset_password(customer)
        console.print(f"login [bold]{found.login}[/], new password [bold]{new}[/]")


@accounts_app.command("open")
def open_account(
    ctx: typer.Context,
    customer: str = typer.Option(..., help="The customer's id, login or name."),
    currency: str = typer.Option("usd", help="usd or eur."),
) -> None:
    """Open a deposit account with its account number and IBAN."""
    with _bank(ctx) as bank:
        account = bank.open_account(customer, currency)
        _print_accounts(bank, [account])


@accounts_app.command("list")
def list_accounts(
    ctx: typer.Context,
    customer: str | None = typer.Option(None, help="Only this customer's accounts."),
) -> None:
    """The bank's accounts with their balances."""
    with _bank(ctx) as bank:
        owner = bank.customer(customer).id if customer else None
        _print_accounts(bank, bank.accounts(owner))


def _print_accounts(bank: CommercialBank, accounts: list) -> None:  # type: ignore[type-arg]
    names = {c.id: c.name for c in bank.customers()}
    table = Table("account", "customer", "routing", "IBAN", "status")
    table.add_column("balance", justify="right")
    for account in accounts:
        table.add_row(
            account.account_number, names.get(account.customer_id, "?"),
            account.routing_number, account.iban, account.status.value,
            bank.balance(account).posted.format(),
        )  # fmt: skip
    console.print(table)


@accounts_app.command("close")
def close_account(
    ctx: typer.Context, account: str = typer.Argument(..., help="Account number, IBAN or id.")
) -> None:
    """Close an account: payouts to it are returned from now on."""
    with _bank(ctx) as bank:
        closed = bank.close_account(account)
        console.print(f"account {closed.account_number} is {closed.status.value}")


@accounts_app.command("deposit")
def deposit(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="Account number, IBAN or id."),
    amount: str = typer.Argument(..., help="In major units, e.g. 1000.00."),
    key: str | None = typer.Option(None, help="Idempotency key (default: a new one)."),
) -> None:
    """Money arriving from outside the bank (through its central-bank reserve account)."""
    with _bank(ctx) as bank:
        found = bank.account(account)
        bank.deposit(account, Money.from_major(amount, found.currency), key=key)
        console.print(f"{found.account_number} now holds {bank.balance(found).posted.format()}")


@app.command()
def statement(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="Account number, IBAN or id."),
    date: str | None = typer.Option(None, "--date", help="Processing day (YYYY-MM-DD)."),
) -> None:
    """Print an account's camt.053 statement for a processing day (default: the current one)."""
    with _bank(ctx) as bank:
        day = _date(date) if date else business_days.processing_day_of(bank.now())
        _, document = bank.statement(account, day)
        console.print(document.decode(), markup=False, highlight=False, soft_wrap=True)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"{text!r} is not a date (YYYY-MM-DD)") from None


@app.command("process-day")
def process_day(
    ctx: typer.Context,
    until: str | None = typer.Option(
        None, "--until", help="Process the days due up to this date (default: what the clock says)."
    ),
) -> None:
    """Apply the payout files and write the statements of every day that has fallen due."""
    with _bank(ctx) as bank:
        now = bank.now()
        if until:
            now = min(now, business_days.cutoff(_date(until)))
        reports = bank.run_due(now)
        table = Table("day", "files", "applied", "returned", "statements")
        for report in reports:
            table.add_row(report.day.isoformat(), str(report.files), str(report.applied),
                          str(report.returned), str(report.statements))  # fmt: skip
        console.print(table if reports else "nothing has fallen due")


@files_app.command("list")
def list_files(
    ctx: typer.Context, customer: str | None = typer.Option(None, help="Only this customer's.")
) -> None:
    """Files received (in) and made (out), oldest first."""
    with _bank(ctx) as bank:
        owner = bank.customer(customer) if customer else None
        table = Table("id", "direction", "name", "kind", "status", "day", "applied", "returned")
        for found in bank.files(owner, limit=1000):
            table.add_row(
                found.id, found.direction.value, found.name, found.kind.value, found.status.value,
                found.processing_day.isoformat(), _count(found.applied), _count(found.returned),
            )  # fmt: skip
        console.print(table)


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)
