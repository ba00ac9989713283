"""The bank's tables, as the ``bank`` branch builds them, are the ones the code maps; and
``mercato db upgrade``'s path brings a new bank database up to date."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from mercato.bank.tables import metadata
from mercato.database import migrate
from mercato.database.engine import create_engine
from mercato.settings import Party


def test_the_bank_branch_builds_the_tables_the_code_maps(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert "bank_0001" in migrate.pending(engine, Party.BANK)
        migrate.upgrade(engine, Party.BANK)
        assert migrate.pending(engine, Party.BANK) == []
        assert {"bank_accounts", "ledger_accounts"} <= set(sa.inspect(engine).get_table_names())
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [
                difference
                for difference in compare_metadata(context, metadata)
                if difference[0] not in ("remove_table", "remove_index")
            ]
        assert differences == []
    finally:
        engine.dispose()
