"""The processor's own tables, as its migration branch builds them, are the ones it maps."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from mercato.database import migrate
from mercato.processor.tables import metadata
from mercato.settings import Party


def test_the_processor_branch_builds_the_tables_the_code_maps(engine: Engine) -> None:
    assert "processor" in migrate.BRANCHES[Party.PLATFORM]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            difference
            for difference in compare_metadata(context, metadata)
            if difference[0] not in ("remove_table", "remove_index")
        ]
    assert differences == []
