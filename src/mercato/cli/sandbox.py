"""The sandbox put together: the timeline that `mercato clock advance` walks, with every
party's work that falls due as time passes.

This is a composition root, like ``mercato demo``: it knows every party, so that a command
run on the sandbox's machine can do, step by step, what the parties' own processes would
do as the days went by. Each party's duties stay in that party's package.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from mercato.cli.worker import background_handlers, housekeeping
from mercato.clock import SandboxClock
from mercato.database import migrate
from mercato.database.engine import engine_for
from mercato.issuer import IssuingBank
from mercato.outbox import Duty, Worker
from mercato.processor import build_processor
from mercato.settings import Party, Settings
from mercato.timeline import Timeline


@contextmanager
def timeline_of(settings: Settings, clock: SandboxClock) -> Iterator[Timeline]:
    """The sandbox's timeline: the platform's jobs and duties, and the issuing bank's. A
    party whose database is not migrated is left out (its own process would not run)."""
    with ExitStack() as stack:
        platform = engine_for(settings, Party.PLATFORM)
        stack.callback(platform.dispose)
        if migrate.pending(platform, Party.PLATFORM):
            raise RuntimeError("the platform's database is not migrated; run `mercato db upgrade`")
        processor = build_processor(settings, clock, engine=platform)
        stack.callback(processor.close)
        duties: list[Duty] = list(housekeeping(platform, clock))
        issuer = IssuingBank(settings, clock)
        stack.callback(issuer.close)
        if not migrate.pending(issuer.engine, Party.ISSUER):
            duties.append(issuer.expiry_duty())
        worker = Worker(platform, clock, background_handlers(platform, clock, processor))
        yield Timeline(clock, worker=worker, duties=duties)
