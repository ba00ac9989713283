"""The hosted checkout's tables, as ``gateway_0005`` builds them, are the ones the code maps."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from mercato.gateway import checkout_tables


def test_the_gateway_branch_builds_the_checkout_tables_the_code_maps(engine: Engine) -> None:
    # checkout_tables registers on the gateway's MetaData; importing it here makes sure the
    # comparison covers sessions and links whatever else the test run has imported.
    assert {
        "gateway_checkout_sessions",
        "gateway_checkout_line_items",
        "gateway_payment_links",
        "gateway_payment_link_line_items",
    } <= set(checkout_tables.metadata.tables)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            difference
            for difference in compare_metadata(context, checkout_tables.metadata)
            if difference[0] not in ("remove_table", "remove_index")
        ]
    assert differences == []
