"""The sandbox put together: the timeline that `mercato clock advance` walks, with every
party's work that falls due as time passes.

This is a composition root, like ``mercato demo``: it knows every party, so that a command
run on the sandbox's machine can do, step by step, what the parties' own processes would
do as the days went by. Each party's duties stay in that party's package. Where the demo is
running, its demo.json says where the issuer and the commercial bank listen.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from mercato.bank import CommercialBank
from mercato.cli.worker import background_handlers, housekeeping, payment_duties
from mercato.clock import SandboxClock
from mercato.database import migrate
from mercato.database.engine import engine_for
from mercato.issuer import IssuingBank
from mercato.outbox import Duty, Worker
from mercato.processor import build_processor
from mercato.settings import Party, Settings
from mercato.timeline import Timeline


def with_demo_addresses(settings: Settings) -> Settings:
    """``settings`` with the addresses a running demo wrote into its demo.json."""
    demo_file = settings.data_dir / "demo.json"
    if not demo_file.exists():
        return settings
    served = json.loads(demo_file.read_text())
    update = {
        "issuer_address": served.get("issuer_address"),
        "issuer_acs_url": served.get("issuer_3ds_url", "").removesuffix("/3ds/") or None,
        "issuer_acs_ca_bundle": served.get("ca_cert"),
        "bank_url": served.get("bank_url"),
    }
    if settings.smtp_host is None and ":" in served.get("mailbox_smtp", ""):
        smtp_host, _, smtp_port = served["mailbox_smtp"].rpartition(":")
        update.update(smtp_host=smtp_host, smtp_port=int(smtp_port))
    return settings.model_copy(update={k: v for k, v in update.items() if v})


@contextmanager
def timeline_of(settings: Settings, clock: SandboxClock) -> Iterator[Timeline]:
    """The sandbox's timeline: the platform's jobs and duties (clearing, availability,
    payouts and their files), the issuing bank's expiring holds and the commercial bank's
    processing days. A bank whose database is not migrated is left out (its own process
    would not run)."""
    settings = with_demo_addresses(settings)
    with ExitStack() as stack:
        platform = engine_for(settings, Party.PLATFORM)
        stack.callback(platform.dispose)
        if migrate.pending(platform, Party.PLATFORM):
            raise RuntimeError("the platform's database is not migrated; run `mercato db upgrade`")
        processor = build_processor(settings, clock, engine=platform)
        stack.callback(processor.close)
        duties: list[Duty] = [
            *housekeeping(platform, clock, settings),
            *payment_duties(platform, clock, processor),
        ]
        issuer = IssuingBank(settings, clock)
        stack.callback(issuer.close)
        if not migrate.pending(issuer.engine, Party.ISSUER):
            duties.append(issuer.expiry_duty())
        bank = CommercialBank(settings, clock)
        stack.callback(bank.close)
        if not migrate.pending(bank.engine, Party.BANK):
            duties.append(bank.processing_duty())
        ca_bundle = settings.issuer_acs_ca_bundle
        handlers = background_handlers(
            platform,
            clock,
            processor,
            ca_bundle=None if ca_bundle is None else Path(ca_bundle),
            settings=settings,
        )
        yield Timeline(clock, worker=Worker(platform, clock, handlers), duties=duties)
