"""What the catalog's tests share: the API in-process on a migrated database (SQLite and
PostgreSQL), a shop with its secret key, and a few ways to call it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from catalog_shop import Shop
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from mercato.api.app import create_app
from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.gateway.merchants import Caller, KeyKind, create_merchant
from mercato.settings import Settings


def open_shop(api: TestClient, engine: Engine, clock: ManualClock, name: str) -> Shop:
    with writing(engine) as connection:
        made = create_merchant(connection, name=name, country="DE", currency="eur", clock=clock)
    return Shop(
        api,
        Caller(KeyKind.SECRET, made.merchant.id),
        {"Authorization": f"Bearer {made.secret_key}"},
    )


@pytest.fixture
def api(
    database_url: str, engine: Engine, clock: ManualClock, tmp_path: Path
) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url), clock=clock)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def shop(api: TestClient, engine: Engine, clock: ManualClock) -> Shop:
    return open_shop(api, engine, clock, "Kleiderei Berlin")


@pytest.fixture
def other_shop(api: TestClient, engine: Engine, clock: ManualClock) -> Shop:
    return open_shop(api, engine, clock, "Someone Else GmbH")
