"""The checkout's tests (the fixtures live in ``checkout_fixtures``, which the receipts of
hosted-checkout payments share)."""

from checkout_fixtures import *  # noqa: F403 -- the shared fixtures, registered by this import
