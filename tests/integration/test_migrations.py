"""Every party's database reaches the schema the code expects, on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from mercato.database import migrate
from mercato.database.engine import create_engine
from mercato.gateway.payment_tables import metadata as payment_metadata
from mercato.gateway.tables import metadata as gateway_metadata
from mercato.ledger.tables import metadata as ledger_metadata
from mercato.outbox.tables import metadata as outbox_metadata
from mercato.settings import Party
from mercato.vault.tables import metadata as vault_metadata


@pytest.mark.parametrize(
    "tables",
    [ledger_metadata, vault_metadata, gateway_metadata, payment_metadata, outbox_metadata],
    ids=["ledger", "vault", "gateway", "payments", "outbox"],
)
def test_migrations_build_the_tables_the_code_maps(engine: Engine, tables: sa.MetaData) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            difference
            for difference in compare_metadata(context, tables)
            # Each component's tables are compared on their own; the others' are not missing.
            if not (difference[0] == "remove_table" or difference[0] == "remove_index")
        ]
    assert differences == []


def test_upgrading_again_changes_nothing(engine: Engine) -> None:
    before = migrate.current(engine)
    assert migrate.upgrade(engine, Party.PLATFORM) == before
    assert migrate.pending(engine, Party.PLATFORM) == []


def test_a_new_database_is_reported_behind_until_upgraded(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert "ledger_0001" in migrate.pending(engine, Party.PLATFORM)
        migrate.upgrade(engine, Party.PLATFORM)
        assert migrate.pending(engine, Party.PLATFORM) == []
        tables = set(sa.inspect(engine).get_table_names())
        assert {"ledger_accounts", "ledger_transactions", "ledger_postings"} <= tables
    finally:
        engine.dispose()
