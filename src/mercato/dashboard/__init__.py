"""The merchant dashboard: server-rendered pages under ``/dashboard/`` where a merchant's
people sign in and see and act on what the gateway holds for the merchant.

Domain (no web framework): ``passwords`` (argon2id), ``users``, ``sessions`` (server-side,
the cookie a random id), ``throttle`` (failed sign-ins), ``signin`` (the use case that ties
them), ``csrf``, ``figures`` (the read models the pages show), ``chart`` (an SVG bar chart's
geometry). Web: ``pages`` (templates, the signed-in user, the CSRF check) and the
``views_*`` modules, gathered in ``routes``. Actions on money go through the gateway's own
use cases in-process (``gateway.refunds``, ``gateway.webhooks``), never around them.
"""
