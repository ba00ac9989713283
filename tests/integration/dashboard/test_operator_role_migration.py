"""The migration that gives users a role: everyone already there stays a merchant's user
and stays signed in; an operator has no merchant, and a merchant's user must have one."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from mercato.clock import ManualClock
from mercato.dashboard import sessions, users
from mercato.dashboard.tables import users as user_rows
from mercato.database import migrate
from mercato.database.engine import create_engine, reading, writing
from mercato.gateway.merchants import create_merchant
from mercato.settings import Party

NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def _upgrade_to(engine: Engine, target: str) -> None:
    config = migrate._config()
    with writing(engine) as connection:
        config.attributes["connection"] = connection
        for branch in migrate.BRANCHES[Party.PLATFORM]:
            command.upgrade(config, target if branch == "dashboard" else f"{branch}@head")


def test_a_signed_in_owner_stays_signed_in_across_the_migration(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        _upgrade_to(engine, "dashboard_0001")
        with writing(engine) as connection:
            merchant = create_merchant(
                connection,
                name="Corner Bakery",
                country="US",
                currency="usd",
                clock=ManualClock(NOW),
            ).merchant
            connection.execute(
                sa.text(
                    "INSERT INTO dashboard_users (id, merchant_id, email, password_hash, "
                    "created_at, password_changed_at) VALUES ('dusr_1', :m, 'owner@bakery.test', "
                    "'x', :now, :now)"
                ),
                {"m": merchant.id, "now": NOW},
            )
            cookie = sessions.open_session(connection, "dusr_1", NOW)

        migrate.upgrade(engine, Party.PLATFORM)

        with reading(engine) as connection:
            still = sessions.find(connection, cookie, NOW)
            found = users.find(connection, "owner@bakery.test")
        assert still is not None
        assert still.merchant_name == "Corner Bakery"
        assert found is not None
        assert (found[0].role, found[0].merchant_id) == ("merchant", merchant.id)
        with pytest.raises(IntegrityError), writing(engine) as connection:
            connection.execute(
                sa.insert(user_rows).values(
                    id="dusr_2",
                    merchant_id=None,
                    email="nobody@bakery.test",
                    password_hash="x",
                    role="merchant",
                    created_at=NOW,
                    password_changed_at=NOW,
                )
            )
    finally:
        engine.dispose()
