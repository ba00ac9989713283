"""``mercato demo``: everything on one machine, over HTTPS, with what it serves printed."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import typer
import uvicorn
from rich.table import Table

from mercato import __version__
from mercato.api.app import create_app
from mercato.cli.context import console, fail, reported, settings_of
from mercato.database import migrate
from mercato.database.engine import engine_for
from mercato.settings import Settings
from mercato.tls import ensure_certificates


def demo(
    ctx: typer.Context,
    port: int = typer.Option(8443, help="HTTPS port of the API."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    data_dir: Path | None = typer.Option(  # noqa: B008
        None, "--data-dir", help="Where the demo keeps its databases, keys and demo.json."
    ),
) -> None:
    """Migrate, then serve the demo over HTTPS and write DATA_DIR/demo.json for scripts."""
    settings = settings_of(ctx)
    if data_dir is not None:
        settings = Settings(data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with reported():
        for party in settings.parties():
            engine = engine_for(settings, party)
            migrate.upgrade(engine, party)
            engine.dispose()
    _refuse_taken_port(host, port)
    certificates = ensure_certificates(settings.data_dir / "tls")
    api_base = f"https://localhost:{port}"
    served: dict[str, Any] = {
        "version": __version__,
        "api_base": api_base,
        "health_url": f"{api_base}/v1/health",
        "version_url": f"{api_base}/v1/version",
        "openapi_url": f"{api_base}/v1/openapi.json",
        "ca_cert": str(certificates.ca_cert.resolve()),
        "data_dir": str(settings.data_dir.resolve()),
        "databases": {
            party.value: settings.database_url_for(party) for party in settings.parties()
        },
    }
    demo_file = settings.data_dir / "demo.json"
    demo_file.write_text(json.dumps(served, indent=2) + "\n")

    table = Table(title=f"Mercato {__version__} demo", show_header=False)
    table.add_row("API", api_base)
    table.add_row("health", served["health_url"])
    table.add_row("version", served["version_url"])
    table.add_row("OpenAPI document", served["openapi_url"])
    table.add_row("CA certificate", served["ca_cert"])
    table.add_row("details for scripts", str(demo_file.resolve()))
    console.print(table)
    console.print(f"Try: curl --cacert {served['ca_cert']} {served['health_url']}", soft_wrap=True)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        ssl_certfile=str(certificates.server_cert),
        ssl_keyfile=str(certificates.server_key),
        log_config=None,  # keep Mercato's logging, which masks card numbers
        log_level=settings.log_level.lower(),
    )


def _refuse_taken_port(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise fail(f"port {port} on {host} is taken; choose another with --port") from None
