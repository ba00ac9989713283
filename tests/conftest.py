"""Fixtures every layer of tests shares: the databases Mercato runs on.

PostgreSQL tests create and drop a database of their own on 127.0.0.1:5432. Where no server
answers they are skipped, loudly; with MERCATO_REQUIRE_POSTGRES=1 (as CI sets) they fail.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from logscan import LOGS, card_numbers_in
from mercato.clock import ManualClock
from mercato.database import migrate
from mercato.database.engine import create_engine, reading
from mercato.ledger import Ledger, verify
from mercato.settings import Party
from postgres import postgres_database, skipped_postgres


@pytest.fixture
def postgres_url() -> Iterator[str]:
    database = postgres_database()
    try:
        yield database.url
    finally:
        database.drop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Each test that takes this runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'platform.sqlite3'}"
        return
    database = postgres_database()
    try:
        yield database.url
    finally:
        database.drop()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated platform database."""
    engine = create_engine(database_url)
    migrate.upgrade(engine, Party.PLATFORM)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC))


@pytest.fixture
def ledger(request: pytest.FixtureRequest, engine: Engine, clock: ManualClock) -> Iterator[Ledger]:
    """The platform's ledger; after the test, ``verify`` must find the books balanced
    (unless the test tampers with them on purpose: ``@pytest.mark.books_tampered``)."""
    yield Ledger(engine, clock)
    if request.node.get_closest_marker("books_tampered") is None:
        with reading(engine) as connection:
            report = verify(connection, "platform")
        assert report.findings == [], "the books do not balance after this scenario"


def pytest_sessionstart(session: pytest.Session) -> None:
    if LOGS.exists():
        shutil.rmtree(LOGS)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No log any process of Mercato wrote during the suite may carry a card number."""
    leaks = [
        f"{path.name} line {line_number}: a card number {number[:6]}...{number[-4:]}"
        for path in sorted(LOGS.glob("*.log"))
        for line_number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        for number in card_numbers_in(line)
    ]
    if leaks:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(  # type: ignore[union-attr]
            "CARD NUMBERS IN LOGS:\n" + "\n".join(leaks), red=True, bold=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if skipped_postgres:
        terminalreporter.section("POSTGRESQL TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.line(
            f"{len(skipped_postgres)} tests did not run on PostgreSQL: {skipped_postgres[0]}.\n"
            "Start PostgreSQL at 127.0.0.1:5432 (or set MERCATO_REQUIRE_POSTGRES=1 to fail).",
            red=True,
        )
