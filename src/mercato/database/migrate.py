"""Bringing each party's database to the schema this code expects.

One Alembic environment holds every migration, in branches: one per component
(``ledger``, ``vault``, ``gateway``, ``issuer``, ...), each with its own chain of revisions,
so that work on two components never makes two heads of one chain. A party's database is upgraded
along the branches it is made of; see docs/adr/0005-one-database-per-party.md.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from mercato.database.engine import writing
from mercato.settings import Party

BRANCHES: dict[Party, tuple[str, ...]] = {
    Party.PLATFORM: (
        "ledger",
        "vault",
        "gateway",
        "payments",
        "processor",
        "settlement",
        "mail",
        "dashboard",
        "shop",
    ),
    Party.ISSUER: ("ledger", "vault", "issuer"),
    Party.BANK: ("ledger", "bank"),
}
"""The migration branches that make up each party's database, in the order they apply."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "mercato.database:migrations")
    return config


def upgrade(engine: Engine, party: Party) -> list[str]:
    """Apply every migration the party's database lacks; returns the revisions now current."""
    config = _config()
    with writing(engine) as connection:
        config.attributes["connection"] = connection
        for branch in BRANCHES[party]:
            command.upgrade(config, f"{branch}@head")
    return current(engine)


def current(engine: Engine) -> list[str]:
    """The revisions the database is at (one per branch)."""
    with engine.connect() as connection:
        return sorted(MigrationContext.configure(connection).get_current_heads())


def pending(engine: Engine, party: Party) -> list[str]:
    """The heads the party's database has not reached yet."""
    script = ScriptDirectory.from_config(_config())
    wanted = {script.get_revision(f"{branch}@head").revision for branch in BRANCHES[party]}
    return sorted(wanted - set(current(engine)))
