"""``mercato demo``: every party on one machine, with what it serves printed.

The platform over HTTPS (the API, the storefront, the hosted checkout, the dashboard), with
a plain-HTTP listener that redirects to it; a worker thread (webhooks, receipts, clearing,
payouts); the simulated issuing bank (ISO 8583 on its own port, its 3-D Secure pages and
clearing endpoint over HTTPS); the simulated commercial bank (host to host and internet
banking, plain HTTP on loopback); a mailbox that receives the receipts; the demo merchant
with its keys, shop, dashboard sign-in and business account. The parties talk only through
their wire formats, over loopback, and read the sandbox's clock. What scripts need is
written to ``DATA_DIR/demo.json`` (readable by its owner only: it holds keys and
passwords).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
import uvicorn
from rich.table import Table

from mercato import __version__, outbox
from mercato.api.app import create_app
from mercato.cli.context import console, fail, reported, settings_of
from mercato.cli.demo_bank import open_demo_bank
from mercato.cli.worker import background_handlers, housekeeping, payment_duties
from mercato.clock import SANDBOX_CLOCK_FILE, Clock, SandboxClock
from mercato.dashboard.users import ensure_demo_operator, ensure_demo_user
from mercato.database import migrate
from mercato.database.engine import engine_for, reading, writing
from mercato.gateway import merchants
from mercato.issuer import IssuingBank
from mercato.mail import mailbox
from mercato.mail.mailbox_store import MailboxStore
from mercato.outbox import Worker
from mercato.settings import Party, Settings
from mercato.shop.demo import seed_demo_shop
from mercato.timeline import Timeline
from mercato.tls import Certificates, ensure_certificates
from mercato.web.https_redirect import redirect_server

DEMO_MERCHANT = {"name": "Mercato Demo Shop", "country": "US", "currency": "usd"}


def demo(
    ctx: typer.Context,
    *,
    port: int = typer.Option(8443, help="HTTPS port of the API."),
    issuer_port: int = typer.Option(8583, help="ISO 8583 port of the issuing bank (0: any)."),
    acs_port: int = typer.Option(8444, help="HTTPS port of the issuer's 3-D Secure pages."),
    bank_port: int = typer.Option(8600, help="Port of the commercial bank (host to host, web)."),
    smtp_port: int = typer.Option(8025, help="Port of the demo's mailbox (SMTP)."),
    http_port: int = typer.Option(8080, help="Plain HTTP port that redirects to HTTPS (0: none)."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    data_dir: Path | None = typer.Option(  # noqa: B008
        None, "--data-dir", help="Where the demo keeps its databases, keys and demo.json."
    ),
) -> None:
    """Migrate every party, open the demo merchant (shop, dashboard, business account), start
    the banks, the mailbox and a worker, serve the platform over HTTPS, and write
    DATA_DIR/demo.json for scripts."""
    settings = settings_of(ctx)
    if data_dir is not None:
        settings = Settings(data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # The sandbox's clock: `mercato clock advance` walks the demo's payments forward in time.
    clock = SandboxClock(settings.data_dir / SANDBOX_CLOCK_FILE)
    clock.advance(dt.timedelta(0))  # the file says so to every other command
    with reported():
        for party in settings.parties():
            engine = engine_for(settings, party)
            migrate.upgrade(engine, party)
            engine.dispose()
    for taken in (port, acs_port, bank_port, smtp_port, http_port):
        if taken:
            _refuse_taken_port(host, taken)
    certificates = ensure_certificates(settings.data_dir / "tls")
    demo_file = settings.data_dir / "demo.json"
    keys = _demo_keys(settings, demo_file, clock)
    storefront_path, dashboard_login = _seed(settings, clock, keys["merchant_id"])
    operator_login = _seed_operator(settings, clock)

    # The commercial bank serves plain HTTP on loopback: host to host for the platform, and
    # internet banking for the demo merchant, who watches its payouts arrive there.
    settings = settings.model_copy(update={"bank_url": f"http://{host}:{bank_port}"})
    commercial, banking = open_demo_bank(
        settings, clock, keys["merchant_id"], str(DEMO_MERCHANT["name"])
    )
    bank = IssuingBank(settings, clock).open()
    try:
        iso = bank.serve(host, issuer_port)
    except OSError:
        raise fail(
            f"port {issuer_port} on {host} is taken; choose another with --issuer-port"
        ) from None
    with iso, bank.expiring_holds(), commercial.processing_days():
        iso_host, iso_port = iso.address
        settings = settings.model_copy(
            update={
                "issuer_address": f"{iso_host}:{iso_port}",
                "issuer_acs_url": f"https://localhost:{acs_port}",
                "issuer_acs_ca_bundle": str(certificates.ca_cert),
                # Receipts go to the demo's own mailbox, which the dashboard shows.
                "smtp_host": settings.smtp_host or host,
                "smtp_port": smtp_port if settings.smtp_host is None else settings.smtp_port,
            }
        )
        served = _describe(
            settings,
            certificates=certificates,
            keys=keys,
            port=port,
            acs_port=acs_port,
            issuer_address=f"{iso_host}:{iso_port}",
        )
        served.update(
            storefront_url=f"{served['api_base']}{storefront_path}",
            dashboard_url=f"{served['api_base']}/dashboard/",
            dashboard_login=dashboard_login,
            operator_login=operator_login,
            mailbox_smtp=f"{host}:{smtp_port}",
            bank_url=settings.bank_url,
            internet_banking_url=f"{settings.bank_url}/banking/",
            internet_banking_login=banking.login,
            internet_banking_password=banking.password,
        )
        _write_private(demo_file, json.dumps(served, indent=2) + "\n")
        _print(served, demo_file)
        platform = engine_for(settings, Party.PLATFORM)
        # The demo's own HTTPS endpoints (a merchant's test receiver) use the demo CA.
        api = create_app(settings, clock)
        handlers = background_handlers(
            platform,
            clock,
            api.state.processor,
            ca_bundle=certificates.ca_cert,
            settings=settings,
        )
        stop_mailbox = mailbox.serve(host, smtp_port, MailboxStore(platform, clock))
        duties = [
            *housekeeping(platform, clock, settings),
            bank.expiry_duty(),
            commercial.processing_duty(),
            *payment_duties(platform, clock, api.state.processor),
        ]
        stopping: list[Callable[[], None]] = []

        def start_worker() -> None:
            # Once every server answers: the worker's first duties (clearing, files to the
            # bank, reconciliation) speak to them at once.
            stopping.append(outbox.start_in_process(platform, clock, handlers, duties=duties))

        api.state.timeline = Timeline(
            clock, worker=Worker(platform, clock, handlers), duties=duties
        )
        try:
            asyncio.run(
                _serve_together(
                    [
                        _server(api, host, port, certificates, settings),
                        _server(bank.acs_app(), host, acs_port, certificates, settings),
                        _plain_server(commercial.app(), host, bank_port, settings),
                        *(
                            [
                                redirect_server(
                                    host, http_port, https_port=port, log_level=settings.log_level
                                )
                            ]
                            if http_port
                            else []
                        ),
                    ],
                    when_serving=start_worker,
                )
            )
        finally:
            for stop_worker in stopping:
                stop_worker()
            stop_mailbox()
            platform.dispose()


def _seed(settings: Settings, clock: Clock, merchant_id: str) -> tuple[str, dict[str, str]]:
    """The demo merchant's shop (its storefront's path) and dashboard sign-in (a password
    made anew at every start)."""
    engine = engine_for(settings, Party.PLATFORM)
    try:
        storefront_path = seed_demo_shop(engine, clock, merchant_id)
        email, password = ensure_demo_user(engine, clock, merchant_id)
    finally:
        engine.dispose()
    return storefront_path, {"email": email, "password": password}


def _seed_operator(settings: Settings, clock: Clock) -> dict[str, str]:
    """The demo's operator sign-in, for the dashboard's settlement pages (a password made
    anew at every start)."""
    engine = engine_for(settings, Party.PLATFORM)
    try:
        email, password = ensure_demo_operator(engine, clock)
    finally:
        engine.dispose()
    return {"email": email, "password": password}


def _write_private(path: Path, text: str) -> None:
    """Write ``path`` readable by its owner only, from the moment it exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def _demo_keys(settings: Settings, demo_file: Path, clock: Clock) -> dict[str, str]:
    """The demo merchant and the operator's key: made on the first run, then reused."""
    engine = engine_for(settings, Party.PLATFORM)
    try:
        if demo_file.exists():
            known = json.loads(demo_file.read_text())
            if "merchant_id" in known:
                with reading(engine) as connection:
                    if merchants.get_merchant(connection, known["merchant_id"]) is not None:
                        return {
                            name: known[name]
                            for name in (
                                "merchant_id",
                                "secret_key",
                                "publishable_key",
                                "admin_key",
                            )
                        }
        with writing(engine) as connection:
            made = merchants.create_merchant(connection, clock=clock, **DEMO_MERCHANT)
            admin_key = merchants.create_admin_key(connection, clock)
        return {
            "merchant_id": made.merchant.id,
            "secret_key": made.secret_key,
            "publishable_key": made.publishable_key,
            "admin_key": admin_key,
        }
    finally:
        engine.dispose()


def _describe(
    settings: Settings,
    *,
    certificates: Certificates,
    keys: dict[str, str],
    port: int,
    acs_port: int,
    issuer_address: str,
) -> dict[str, Any]:
    api_base = f"https://localhost:{port}"
    return {
        "version": __version__,
        "api_base": api_base,
        "health_url": f"{api_base}/v1/health",
        "version_url": f"{api_base}/v1/version",
        "openapi_url": f"{api_base}/v1/openapi.json",
        **keys,
        "issuer_address": issuer_address,
        "issuer_3ds_url": f"https://localhost:{acs_port}/3ds/",
        "ca_cert": str(certificates.ca_cert.resolve()),
        "data_dir": str(settings.data_dir.resolve()),
        "databases": {
            party.value: settings.database_url_for(party) for party in settings.parties()
        },
    }


def _print(served: dict[str, Any], demo_file: Path) -> None:
    table = Table(title=f"Mercato {__version__} demo", show_header=False)
    table.add_row("API", served["api_base"])
    table.add_row("health", served["health_url"])
    table.add_row("OpenAPI document", served["openapi_url"])
    table.add_row("demo merchant", served["merchant_id"])
    table.add_row("secret key", served["secret_key"])
    table.add_row("publishable key", served["publishable_key"])
    table.add_row("operator key", served["admin_key"])
    table.add_row("issuing bank (ISO 8583)", served["issuer_address"])
    table.add_row("issuer's 3-D Secure pages", served["issuer_3ds_url"])
    table.add_row("storefront", served["storefront_url"])
    table.add_row("dashboard", served["dashboard_url"])
    login = served["dashboard_login"]
    table.add_row("dashboard sign-in", f"{login['email']} / {login['password']}")
    operator = served["operator_login"]
    table.add_row("operator sign-in", f"{operator['email']} / {operator['password']}")
    table.add_row("internet banking", served["internet_banking_url"])
    table.add_row(
        "internet banking sign-in",
        f"{served['internet_banking_login']} / {served['internet_banking_password']}",
    )
    table.add_row("mailbox (SMTP)", served["mailbox_smtp"])
    table.add_row("CA certificate", served["ca_cert"])
    table.add_row("details for scripts", str(demo_file.resolve()))
    console.print(table)
    console.print(
        f"Try: curl --cacert {served['ca_cert']} -u {served['secret_key']}: "
        f"{served['api_base']}/v1/customers",
        soft_wrap=True,
    )


def _server(
    app: Any, host: str, port: int, certificates: Certificates, settings: Settings
) -> uvicorn.Server:
    return uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            ssl_certfile=str(certificates.server_cert),
            ssl_keyfile=str(certificates.server_key),
            log_config=None,  # keep Mercato's logging, which masks card numbers
            log_level=settings.log_level.lower(),
        )
    )


def _plain_server(app: Any, host: str, port: int, settings: Settings) -> uvicorn.Server:
    return uvicorn.Server(
        uvicorn.Config(
            app, host=host, port=port, log_config=None, log_level=settings.log_level.lower()
        )
    )


async def _serve_together(
    servers: list[uvicorn.Server], *, when_serving: Callable[[], None] | None = None
) -> None:
    """Run the servers until any of them stops, then stop the rest; ``when_serving`` is
    called once all of them listen. Ctrl-C (or SIGTERM) stops them all together: each
    uvicorn server would otherwise catch it in turn and raise it again as it ends, and the
    last one raised would cancel the others halfway through their shutdown."""
    running = [asyncio.create_task(server.serve()) for server in servers]
    while not all(server.started for server in servers):
        if any(task.done() for task in running):
            break
        await asyncio.sleep(0.05)
    else:

        def stop_all() -> None:
            for server in servers:
                server.force_exit = server.should_exit  # a second Ctrl-C: stop at once
                server.should_exit = True

        loop = asyncio.get_running_loop()
        for caught in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(caught, stop_all)
        if when_serving is not None:
            when_serving()
    await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
    for server in servers:
        server.should_exit = True
    await asyncio.gather(*running, return_exceptions=True)


def _refuse_taken_port(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise fail(f"port {port} on {host} is taken; choose another") from None
