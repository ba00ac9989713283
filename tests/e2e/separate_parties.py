"""The platform and the issuing bank as production runs them: each party its own process on
its own PostgreSQL database (the API under uvicorn, a worker, ``mercato issuer serve``),
talking only over HTTP and ISO 8583 on loopback. For the tests that kill one of them."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
from running_demo import free_port, mercato_env

from logscan import keep_log

STARTUP_SECONDS = 60.0


class Party:
    """One process of the chain, its output kept in a file (read back for the log scan)."""

    def __init__(self, name: str, arguments: list[str], env: dict[str, str], folder: Path):
        self.name, self.arguments, self.env = name, arguments, env
        self.log_path = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log: IO[bytes] = self.log_path.open("ab")
        with log:
            self.process = subprocess.Popen(
                [sys.executable, *self.arguments],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )

    def kill(self) -> None:
        """``kill -9``: no clean-up, no goodbye, whatever it was doing."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log_path.exists():
            keep_log(f"{self.log_path.parent.name}-{self.name}", self.log_path.read_text())

    def output(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def check(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"{self.name} exited ({self.process.returncode}):\n{self.output()}")


class SeparateParties:
    """The issuer, the API and a worker, started in that order; ``stop`` stops them all."""

    def __init__(self, folder: Path, platform_url: str, issuer_url: str) -> None:
        self.folder = folder
        data_dir = folder / "data"
        data_dir.mkdir(parents=True)
        self.issuer_port, self.api_port = free_port(), free_port()
        env = {
            **mercato_env(),
            "MERCATO_DATA_DIR": str(data_dir),
            "MERCATO_DATABASE_URL": platform_url,
            "MERCATO_ISSUER_DATABASE_URL": issuer_url,
            "MERCATO_ISSUER_ADDRESS": f"127.0.0.1:{self.issuer_port}",
        }
        self.env = env
        # Each process is given only its own party's database, as in production.
        self.platform_env = {k: v for k, v in env.items() if k != "MERCATO_ISSUER_DATABASE_URL"}
        issuer_env = {k: v for k, v in env.items() if k != "MERCATO_DATABASE_URL"}
        self.run("db", "upgrade")
        acs = str(free_port())
        self.issuer = Party(
            "issuer",
            [
                "-m",
                "mercato",
                "issuer",
                "serve",
                "--port",
                str(self.issuer_port),
                "--acs-port",
                acs,
            ],
            issuer_env,
            folder,
        )
        self.api = Party(
            "api",
            [
                *("-m", "uvicorn", "mercato.api.app:create_app", "--factory"),
                *("--host", "127.0.0.1", "--port", str(self.api_port), "--no-access-log"),
            ],
            self.platform_env,
            folder,
        )
        self.worker = Party("worker", ["-m", "mercato", "worker"], self.platform_env, folder)
        self.parties = [self.issuer, self.api, self.worker]
        try:
            self.start_issuer()
            self.api.start()
            self.wait_for(self.api_port, self.api)
            self.worker.start()
        except BaseException:
            self.stop()
            raise

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start_issuer(self) -> None:
        self.issuer.start()
        self.wait_for(self.issuer_port, self.issuer)

    def wait_for(self, port: int, party: Party) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            party.check()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"{party.name} did not listen on {port}:\n{party.output()}")

    def run(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """One ``mercato`` command with both parties' settings, as an operator runs it."""
        done = subprocess.run(
            [sys.executable, "-m", "mercato", *arguments],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and done.returncode != 0:
            pytest.fail(f"mercato {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
        return done

    def create_merchant(self, name: str) -> dict[str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "mercato", "merchant", "create", "--name", name, "--json"],
            env=self.platform_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        made: dict[str, str] = json.loads(done.stdout)
        return made

    def stop(self) -> None:
        for party in reversed(self.parties):
            party.stop()
