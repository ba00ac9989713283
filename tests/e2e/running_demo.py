"""``mercato demo`` running in a child process, and merchants made with the ``mercato``
command, as a new user would: what the end-to-end tests share."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from logscan import keep_log


def mercato_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_")}
    env.update(COLUMNS="200", MERCATO_LOG_LEVEL="INFO")
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RunningDemo:
    """``mercato demo`` in a child process, and what it wrote to demo.json."""

    def __init__(self, data_dir: Path) -> None:
        env = mercato_env()
        self.data_dir = data_dir
        command = [
            *(sys.executable, "-m", "mercato", "demo"),
            *("--port", str(free_port()), "--issuer-port", "0", "--acs-port", str(free_port())),
            *("--bank-port", str(free_port()), "--smtp-port", str(free_port())),
            *("--http-port", str(free_port())),
        ]
        # Its output goes to a file, never a pipe: a pipe nobody reads until the end fills
        # up after some 64 KB of log lines, and then every thread of the demo that logs
        # stops where it is.
        data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = data_dir / "demo.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [*command, "--data-dir", str(data_dir)],
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
            )
        self.output: str | None = None
        self.details: dict[str, Any] = self._wait_until_serving(data_dir / "demo.json")

    def _wait_until_serving(self, demo_file: Path) -> dict[str, Any]:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"mercato demo exited early:\n{self.stop()}")
            if demo_file.exists():
                try:
                    details: dict[str, Any] = json.loads(demo_file.read_text())
                    # Both HTTPS servers: the API, and the issuer's 3-D Secure pages.
                    for url in (details["health_url"], details["issuer_3ds_url"]):
                        httpx.get(url, verify=self.trust(details), timeout=2)
                    return details
                except (httpx.TransportError, ValueError):
                    pass  # not serving yet, or demo.json half written
            time.sleep(0.2)
        pytest.fail(f"mercato demo did not answer within 60 s:\n{self.stop()}")

    @staticmethod
    def trust(details: dict[str, Any]) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=details["ca_cert"])

    def client(self) -> httpx.Client:
        return httpx.Client(verify=self.trust(self.details), timeout=10)

    def stop(self) -> str:
        """Stop the demo (as Ctrl-C does) and return everything it printed."""
        if self.output is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.output = self.log_path.read_text(errors="replace")
            keep_log(f"demo-{self.data_dir.name}", self.output)
        return self.output

    def mercato_json(self, *arguments: str) -> dict[str, str]:
        """What ``mercato --data-dir <the demo's> <arguments> --json`` printed."""
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mercato",
                "--data-dir",
                str(self.data_dir),
                *arguments,
                "--json",
            ],
            capture_output=True,
            text=True,
            env=mercato_env(),
            timeout=60,
            check=True,
        )
        made: dict[str, str] = json.loads(result.stdout)
        return made

    def create_merchant(
        self, name: str, country: str = "US", currency: str = "usd"
    ) -> dict[str, str]:
        """A merchant made with ``mercato merchant create --json``, keys included."""
        return self.mercato_json(
            *("merchant", "create", "--name", name, "--country", country, "--currency", currency)
        )

    def dashboard_user(self, merchant_id: str, email: str) -> dict[str, str]:
        """A dashboard user made with ``mercato dashboard user create --json``: e-mail and
        the password it was given."""
        return self.mercato_json(
            *("dashboard", "user", "create", "--merchant", merchant_id, "--email", email)
        )
