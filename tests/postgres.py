"""Databases of a test's own on the local PostgreSQL server (127.0.0.1:5432): created for the
test and dropped after it. Where no server answers, tests that need one are skipped loudly;
with MERCATO_REQUIRE_POSTGRES=1 (as CI sets) they fail instead."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

POSTGRES_ADMIN = os.environ.get(
    "MERCATO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("MERCATO_REQUIRE_POSTGRES") == "1"
skipped_postgres: list[str] = []


def _postgres_unavailable() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]


class PostgresDatabase:
    """A database of the test's own on the local server, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"mercato_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        base = POSTGRES_ADMIN.rsplit("/", 1)[0]
        self.url = f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{self.name}"

    def drop(self) -> None:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def postgres_database() -> PostgresDatabase:
    """A fresh PostgreSQL database, or a skip (a failure when PostgreSQL is required)."""
    problem = _postgres_unavailable()
    if problem is not None:
        reason = f"PostgreSQL at {POSTGRES_ADMIN} does not answer ({problem})"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason}, and MERCATO_REQUIRE_POSTGRES=1 requires it")
        skipped_postgres.append(reason)
        pytest.skip(f"SKIPPED FOR LACK OF POSTGRESQL: {reason}")
    return PostgresDatabase()
