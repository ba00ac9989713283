"""Alembic's entry point. Mercato runs migrations itself (``mercato db upgrade``), handing
over an open connection; see ``mercato.database.migrate``."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
