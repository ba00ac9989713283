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

import httpx2 as httpx
import pytest

from mercato import __version__


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[dict[str, str]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCATO_")}
    env["COLUMNS"] = "200"
    process = subprocess.Popen(
        [sys.executable, "-m", "mercato", "demo", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    demo_file = tmp_path / "demo.json"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"mercato demo exited early:\n{process.stdout.read() if process.stdout else ''}"
                )
            if demo_file.exists():
                details = json.loads(demo_file.read_text())
                try:
                    httpx.get(
                        details["health_url"],
                        verify=ssl.create_default_context(cafile=details["ca_cert"]),
                        timeout=2,
                    )
                    break
                except httpx.TransportError:
                    pass
            if time.monotonic() > deadline:
                pytest.fail("mercato demo did not answer within 60 s")
            time.sleep(0.2)
        yield details
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_the_demo_serves_health_and_version_over_https(demo: dict[str, str]) -> None:
    assert demo["api_base"].startswith("https://localhost:")
    with httpx.Client(
        verify=ssl.create_default_context(cafile=demo["ca_cert"]), timeout=10
    ) as client:
        health = client.get(demo["health_url"])
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        assert client.get(demo["version_url"]).json()["version"] == __version__


def test_the_demo_certificate_is_refused_by_a_client_that_does_not_trust_it(
    demo: dict[str, str],
) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(demo["health_url"], timeout=10)


def test_the_demo_writes_what_scripts_need(demo: dict[str, str]) -> None:
    assert Path(demo["ca_cert"]).read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert demo["databases"]["platform"].startswith("sqlite:///")  # type: ignore[index]
