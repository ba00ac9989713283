"""``mercato issuer``: run the simulated issuing bank and work its counter.

serve                     ISO 8583 over TCP, and the 3-D Secure pages over HTTPS
cards issue / list / status
accounts fund CARD AMOUNT
holds                     the money held for authorisations not yet completed
statement CARD_OR_ACCOUNT
outage on|off             take the bank down (every request answered 91), bring it back
expire-holds              release the holds whose seven days have run out
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import structlog
import typer
from rich.table import Table

from mercato.cli.context import console, fail, reported, settings_of
from mercato.clock import clock_for
from mercato.database import migrate
from mercato.issuer import AccountKind, CardStatus, IssuingBank
from mercato.issuer import records as bank_records
from mercato.issuer.errors import IssuerError
from mercato.money import Currency, Money, MoneyError
from mercato.settings import Party

app = typer.Typer(help="The simulated issuing bank: cards, accounts, holds.", no_args_is_help=True)
cards_app = typer.Typer(help="Issue and inspect the bank's cards.", no_args_is_help=True)
accounts_app = typer.Typer(help="Move money in cardholders' accounts.", no_args_is_help=True)
app.add_typer(cards_app, name="cards")
app.add_typer(accounts_app, name="accounts")

log = structlog.get_logger("mercato.issuer")


class Switch(enum.StrEnum):
    ON = "on"
    OFF = "off"


@contextmanager
def _bank(ctx: typer.Context, *, migrated: bool = True) -> Iterator[IssuingBank]:
    """The bank of this installation; refuse early if its database is not migrated."""
    with reported():
        settings = settings_of(ctx)
        bank = IssuingBank(settings, clock_for(settings))
        try:
            if migrated and migrate.pending(bank.engine, Party.ISSUER):
                raise fail("the issuer's database is not migrated: run mercato db upgrade")
            try:
                yield bank
            except (IssuerError, MoneyError) as error:
                raise fail(str(error)) from None
        finally:
            bank.close()


@app.command()
def serve(
    ctx: typer.Context,
    port: int | None = typer.Option(None, help="ISO 8583 port (default: from issuer_address)."),
    host: str | None = typer.Option(None, help="Address to listen on."),
    acs_port: int = typer.Option(8444, help="HTTPS port of the 3-D Secure pages."),
) -> None:
    """Migrate, issue Stripe's test cards, then serve ISO 8583 and the 3-D Secure pages."""
    import uvicorn

    from mercato.tls import ensure_certificates

    settings = settings_of(ctx)
    default_host, _, default_port = settings.issuer_address.rpartition(":")
    host = host or default_host or "127.0.0.1"
    port = int(default_port) if port is None else port
    with _bank(ctx, migrated=False) as bank:
        bank.open()
        certificates = ensure_certificates(settings.data_dir / "tls")
        with bank.serve(host, port) as server, bank.expiring_holds():
            iso_host, iso_port = server.address
            table = Table(title="Mercato issuing bank", show_header=False)
            table.add_row("ISO 8583 (TCP)", f"{iso_host}:{iso_port}")
            table.add_row("3-D Secure (HTTPS)", f"https://localhost:{acs_port}/3ds/")
            table.add_row("CA certificate", str(certificates.ca_cert.resolve()))
            table.add_row("database", bank.engine.url.render_as_string(hide_password=True))
            console.print(table)
            uvicorn.run(
                bank.acs_app(),
                host=host,
                port=acs_port,
                ssl_certfile=str(certificates.server_cert),
                ssl_keyfile=str(certificates.server_key),
                log_config=None,  # keep Mercato's logging, which masks card numbers
                log_level=settings.log_level.lower(),
            )


@cards_app.command("issue")
def issue(
    ctx: typer.Context,
    *,
    brand: str = typer.Option("visa", help="visa, mastercard, amex, discover, jcb, diners..."),
    kind: AccountKind = typer.Option(AccountKind.DEBIT, help="debit or credit."),  # noqa: B008
    balance: str = typer.Option(
        "1000.00", help="Opening balance (debit) or credit limit (credit), in major units."
    ),
    currency: str = typer.Option("usd", help="The account's currency."),
    requires_3ds: bool = typer.Option(False, "--requires-3ds", help="Always ask for 3-D Secure."),
    cardholder: str = typer.Option("Cardholder", help="The cardholder's name."),
) -> None:
    """Issue a card on a new account. The number and CVC are shown this once only."""
    with _bank(ctx) as bank:
        funds = Money.from_major(balance, Currency.of(currency))
        issued = bank.issue_card(
            brand=brand.lower(),
            kind=kind,
            funds=funds,
            cardholder=cardholder,
            requires_3ds=requires_3ds,
        )
    log.info("issuer.card_issued", card=f"****{issued.card.last4}", card_id=str(issued.card.id))
    table = Table(title="New card (the number and CVC are not shown again)", show_header=False)
    table.add_row("number", " ".join(_groups(issued.number.digits)))
    table.add_row("expiry", str(issued.card.expiry))
    table.add_row("CVC", issued.cvc)
    table.add_row("card id", str(issued.card.id))
    table.add_row("account", f"{issued.account.id} ({kind.value}, {funds.format()})")
    console.print(table, highlight=False)


def _groups(digits: str) -> list[str]:
    return [digits[start : start + 4] for start in range(0, len(digits), 4)]


@cards_app.command("list")
def list_cards(ctx: typer.Context) -> None:
    """Every card with its status and what its account can spend."""
    table = Table("card id", "card", "kind", "status", "expiry", "3DS", "available", "label")
    with _bank(ctx) as bank, bank.reading() as book:
        for card, account in bank_records.all_cards(book.connection):
            table.add_row(
                str(card.id),
                f"{card.brand} ****{card.last4}",
                account.kind.value,
                card.status.value,
                str(card.expiry),
                "always" if card.requires_3ds else "-",
                book.balance(account.ledger_code).available.format(),
                card.label,
            )
    console.print(table, highlight=False)


@cards_app.command("status")
def card_status(
    ctx: typer.Context,
    card: str = typer.Argument(..., help="The card's id or its last four digits."),
    status: CardStatus = typer.Argument(..., help="active, lost, stolen or blocked."),  # noqa: B008
) -> None:
    """Report a card lost or stolen, block it, or make it active again."""
    with _bank(ctx) as bank:
        changed = bank.set_card_status(card, status)
    console.print(f"card ****{changed.last4} is now {status.value}")


@accounts_app.command("fund")
def fund(
    ctx: typer.Context,
    card: str = typer.Argument(..., help="The card's id or its last four digits."),
    amount: str = typer.Argument(..., help="In major units of the account's currency."),
    key: str | None = typer.Option(None, help="Idempotency key: the same key funds once."),
) -> None:
    """Pay money into a card's account (a deposit; on a credit card, a repayment)."""
    with _bank(ctx) as bank:
        with bank.reading() as book:
            found = bank_records.card_by_reference(book.connection, card)
            account = bank_records.account(book.connection, found.account_id)
        assert account is not None
        money = Money.from_major(amount, account.currency)
        bank.fund(str(found.id), money, key=key and f"issuer:fund:{key}")
        with bank.reading() as book:
            balance = book.balance(account.ledger_code)
    console.print(
        f"paid {money.format()} into the account of ****{found.last4}: "
        f"{balance.available.format()} available"
    )


@app.command()
def holds(ctx: typer.Context) -> None:
    """The money held for approved authorisations that are neither completed nor released."""
    table = Table("held since", "card", "merchant", "amount", "held", "approval", "expires")
    with _bank(ctx) as bank, bank.reading() as book:
        for held in bank_records.open_authorisations(book.connection):
            card = bank_records.card(book.connection, held.card_id) if held.card_id else None
            table.add_row(
                held.created_at.strftime("%Y-%m-%d %H:%M"),
                f"****{card.last4}" if card else "-",
                held.merchant_name,
                held.amount.format(),
                held.held.format() if held.held else "-",
                held.approval_code or "-",
                held.hold_expires_at.strftime("%Y-%m-%d %H:%M") if held.hold_expires_at else "-",
            )
    console.print(table, highlight=False)


@app.command()
def statement(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="An account id, or a card's id or last four digits."),
) -> None:
    """An account's posted entries with the running balance, and what is held on it."""
    with _bank(ctx) as bank, bank.reading() as book:
        found = None
        with suppress(ValueError):
            found = bank_records.account(book.connection, uuid.UUID(account))
        if found is None:
            card = bank_records.card_by_reference(book.connection, account)
            found = bank_records.account(book.connection, card.account_id)
        assert found is not None
        lines = book.statement(found.ledger_code)
        balance = book.balance(found.ledger_code)
    table = Table("date", "description", "amount", "balance", title=f"Account {found.id}")
    table.add_row("", "opening balance", "", lines.opening.format())
    for line in lines.lines:
        sign = "-" if line.side.value == "debit" else "+"
        table.add_row(
            line.occurred_at.strftime("%Y-%m-%d %H:%M"),
            line.description,
            f"{sign}{line.amount.format()}",
            line.balance.format(),
        )
    console.print(table, highlight=False)
    console.print(
        f"{found.kind.value} account: posted {balance.posted.format()}, "
        f"held {(-balance.pending).format()}, available {balance.available.format()}"
        + (f", credit limit {found.credit_limit.format()}" if found.credit_limit else ""),
        highlight=False,
    )


@app.command()
def outage(
    ctx: typer.Context,
    switch: Switch = typer.Argument(..., help="on: answer every request 91; off: serve again."),  # noqa: B008
) -> None:
    """Simulate the bank being down (91 issuer unavailable), or bring it back."""
    with _bank(ctx) as bank:
        bank.set_outage(switch is Switch.ON)
    console.print(
        "the bank is [red]down[/]: every request is answered 91"
        if switch is Switch.ON
        else "the bank is [green]up[/]"
    )


@app.command("expire-holds")
def expire_holds(ctx: typer.Context) -> None:
    """Release every hold whose time has run out (``serve`` does this every minute)."""
    with _bank(ctx) as bank:
        released = bank.expire_holds()
    console.print(f"released {released} expired holds")
