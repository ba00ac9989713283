"""``mercato demo`` as a new user runs it: a real server, over HTTPS, on a real socket."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from mercato import __version__


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RunningDemo:
    """``mercato demo`` in a child process, and what it wrote to demo.json."""

    def __init__(self, data_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_")}
        env.update(COLUMNS="200", MERCATO_LOG_LEVEL="INFO")
        command = [sys.executable, "-m", "mercato", "demo", "--port", str(free_port())]
        self.process = subprocess.Popen(
            [*command, "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE,
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
                details: dict[str, Any] = json.loads(demo_file.read_text())
                try:
                    httpx.get(details["health_url"], verify=self.trust(details), timeout=2)
                    return details
                except httpx.TransportError:
                    pass
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
                self.output, _ = self.process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.output, _ = self.process.communicate()
        return self.output


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningDemo]:
    running = RunningDemo(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def test_the_demo_serves_health_and_version_over_https(demo: RunningDemo) -> None:
    assert demo.details["api_base"].startswith("https://localhost:")
    with demo.client() as client:
        health = client.get(demo.details["health_url"])
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        assert client.get(demo.details["version_url"]).json()["version"] == __version__
    assert demo.details["api_base"] in demo.stop()


def test_the_demo_certificate_is_refused_by_a_client_that_does_not_trust_it(
    demo: RunningDemo,
) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(demo.details["health_url"], timeout=10)


def test_the_demo_writes_what_scripts_need(demo: RunningDemo) -> None:
    assert Path(demo.details["ca_cert"]).read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert demo.details["databases"]["platform"].startswith("sqlite:///")


def test_a_card_number_in_a_request_reaches_the_log_masked(demo: RunningDemo) -> None:
    with demo.client() as client:
        response = client.get(f"{demo.details['api_base']}/v1/cards/4242424242424242")
    assert response.status_code == 404
    output = demo.stop()
    assert "/v1/cards/****4242" in output  # the access log line is there ...
    assert "4242424242424242" not in output  # ... with the number masked
