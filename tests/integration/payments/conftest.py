"""Payments end to end inside one process (the fixtures live in ``payments_fixtures``, which
the settlement, mail and dashboard tests share)."""

from payments_fixtures import *  # noqa: F403 -- the shared fixtures, registered by this import
