"""Each shop's catalog version: ``shop_shops.catalog_version``, bumped by triggers whenever
anything a customer sees of the catalog changes, so that a server process may keep the
catalog in memory and check it with one tiny query (ADR 0020).

The triggers fire on a change to the shop itself, its shipping rates, categories,
products, variants (stock and price included) and, across branches, to the gateway's
products (name, description, active, deleted) of the products it lists. Prices are left
out: a price never changes at the gateway, repricing points the variant at a new one.

On PostgreSQL the bump is a deferred constraint trigger: it runs at commit, so a checkout
that reserves stock holds the shop's row lock only while it commits, not for the rest of
its transaction. The shop's own row bumps itself in a BEFORE trigger (no second UPDATE).

Risk: low. Adds a column with a default (no table rewrite on PostgreSQL 11 and later) and
triggers; every write to those tables also updates one ``shop_shops`` row. A later
migration that rebuilds one of these tables on SQLite (``batch_alter_table``) drops its
triggers: it must run ``install_triggers`` again.

Revision ID: shop_0002
Revises: shop_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "shop_0002"
down_revision: str | Sequence[str] | None = "shop_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUMP = "UPDATE shop_shops SET catalog_version = catalog_version + 1 WHERE id {shop}"
WATCHED = {
    # table: how a row names its shop (PostgreSQL's ROW is NEW or OLD)
    "shop_shipping_rates": "= {row}.shop_id",
    "shop_categories": "= {row}.shop_id",
    "shop_products": "= {row}.shop_id",
    "shop_variants": "= {row}.shop_id",
    "gateway_products": "IN (SELECT shop_id FROM shop_products WHERE id = {row}.id)",
}
"""Tables whose every insert, update and delete changes what a shop shows."""
EVENTS = {"INSERT": "inserted", "UPDATE": "updated", "DELETE": "deleted"}


def upgrade() -> None:
    op.add_column(
        "shop_shops",
        sa.Column("catalog_version", sa.BigInteger, nullable=False, server_default="0"),
    )
    install_triggers()


def install_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def _postgresql() -> None:
    op.execute(
        """
        CREATE FUNCTION shop_catalog_changed_self() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.catalog_version = OLD.catalog_version THEN
                NEW.catalog_version := OLD.catalog_version + 1;
            END IF;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER shop_catalog_changed BEFORE UPDATE ON shop_shops"
        " FOR EACH ROW EXECUTE FUNCTION shop_catalog_changed_self()"
    )
    for table, shop in WATCHED.items():
        # A deleted row has only OLD; an inserted one only NEW; an update may move a row
        # between shops (never today), so both are bumped.
        op.execute(
            f"""
            CREATE FUNCTION {table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN {BUMP.format(shop=shop.format(row="OLD"))}; END IF;
                IF TG_OP <> 'DELETE' THEN {BUMP.format(shop=shop.format(row="NEW"))}; END IF;
                RETURN NULL;
            END $$
            """
        )
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE"
            f" ON {table} DEFERRABLE INITIALLY DEFERRED"
            f" FOR EACH ROW EXECUTE FUNCTION {table}_changed()"
        )


def _sqlite() -> None:
    op.execute(
        "CREATE TRIGGER shop_catalog_changed AFTER UPDATE ON shop_shops"
        " WHEN NEW.catalog_version = OLD.catalog_version"
        f" BEGIN {BUMP.format(shop='= NEW.id')}; END"
    )
    for table, shop in WATCHED.items():
        for event, name in EVENTS.items():
            rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[event]
            bumps = " ".join(f"{BUMP.format(shop=shop.format(row=row))};" for row in rows)
            op.execute(f"CREATE TRIGGER {table}_{name} AFTER {event} ON {table} BEGIN {bumps} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER {table}_changed ON {table}")
            op.execute(f"DROP FUNCTION {table}_changed()")
        op.execute("DROP TRIGGER shop_catalog_changed ON shop_shops")
        op.execute("DROP FUNCTION shop_catalog_changed_self()")
    else:
        for table in WATCHED:
            for name in EVENTS.values():
                op.execute(f"DROP TRIGGER {table}_{name}")
        op.execute("DROP TRIGGER shop_catalog_changed")
    with op.batch_alter_table("shop_shops") as batch:
        batch.drop_column("catalog_version")
