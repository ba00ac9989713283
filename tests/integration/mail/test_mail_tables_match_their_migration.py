"""The mail component's tables, as its migration branch builds them, are the ones the code
maps."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from mercato.mail import tables


def test_the_mail_branch_builds_the_tables_the_code_maps(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            difference
            for difference in compare_metadata(context, tables.metadata)
            if difference[0] not in ("remove_table", "remove_index")
        ]
    assert differences == []
