"""The catalog's tables, as ``gateway_0004`` builds them, are the ones the code maps."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from mercato.gateway import catalog_tables


def test_the_gateway_branch_builds_the_catalog_tables_the_code_maps(engine: Engine) -> None:
    # catalog_tables registers on the gateway's MetaData; importing it here makes sure the
    # comparison covers products and prices whatever else the test run has imported.
    assert {"gateway_products", "gateway_prices"} <= set(catalog_tables.metadata.tables)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            difference
            for difference in compare_metadata(context, catalog_tables.metadata)
            if difference[0] not in ("remove_table", "remove_index")
        ]
    assert differences == []
