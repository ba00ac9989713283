"""Settlement's periodic duties, for ``mercato worker`` (``cli.worker.housekeeping``).

Without settings, the duties that need only the platform's database: funds made available,
automatic payouts, payouts in transit marked paid. With settings, also those that reach the
commercial bank: the day's clearing with the issuers and its interbank settlement, payout
files written and sent, and the bank's returns read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.ledger import Ledger
from mercato.network.clearing_token import clearing_token
from mercato.outbox import Duty
from mercato.settlement import automatic, availability, bank_link, files, payouts, returns
from mercato.settlement.clearing import Clearing, HttpIssuerClearing, IssuerClearing
from mercato.vault import KeyRing

EVERY_MINUTE = dt.timedelta(minutes=1)
EVERY_TEN_MINUTES = dt.timedelta(minutes=10)


def duties(engine: Engine, clock: Clock, settings: Any = None) -> list[Duty]:
    ledger = Ledger(engine, clock)
    found = [
        Duty(
            availability.DUTY,
            EVERY_MINUTE,
            lambda: availability.make_available(engine, ledger, clock),
        ),
        Duty(
            "payouts.automatic", EVERY_TEN_MINUTES, lambda: automatic.pay_out(engine, ledger, clock)
        ),
        Duty(
            "payouts.mark_paid", EVERY_TEN_MINUTES, lambda: payouts.mark_paid(engine, ledger, clock)
        ),
    ]
    if settings is None:
        return found
    from mercato.settings import Party

    keyring = KeyRing.from_settings(settings, Party.PLATFORM)
    link = bank_link.link_from(settings)

    def send() -> int:
        return write_and_send(engine, keyring, clock, link)[1]

    house = clearing_for(settings, engine, ledger)
    return [
        *found,
        Duty("settlement.clearing", EVERY_TEN_MINUTES, lambda: house.run_due().count),
        Duty("payouts.send_files", EVERY_TEN_MINUTES, send),
        Duty(
            "payouts.read_bank_files",
            EVERY_TEN_MINUTES,
            lambda: returns.read_from_bank(engine, link, ledger, clock),
        ),
    ]


def clearing_for(settings: Any, engine: Engine, ledger: Ledger) -> Clearing:
    """The installation's clearing: its issuer's HTTPS server (``issuer_acs_url``, trusting
    ``issuer_acs_ca_bundle``, shown the clearing token), the commercial bank, files under
    DATA_DIR/clearing."""
    from mercato.processor.bins import SIMULATED_ISSUER

    issuers: dict[str, IssuerClearing] = {}
    if settings.issuer_acs_url:
        verify = settings.issuer_acs_ca_bundle or True
        issuers[SIMULATED_ISSUER] = HttpIssuerClearing(
            settings.issuer_acs_url, token=clearing_token(settings), verify=verify
        )
    return Clearing(
        engine,
        ledger,
        directory=settings.data_dir / "clearing",
        issuers=issuers,
        bank=bank_link.link_from(settings),
    )


def write_and_send(
    engine: Engine, keyring: KeyRing, clock: Clock, link: bank_link.HttpBankLink
) -> tuple[list[str], int]:
    """Write files for the pending payouts and send every unsent one to the bank; returns
    the files written and how many went. The debtor of a SEPA file is the platform's own EUR
    account at the bank, which the bank tells."""
    iban = link.own_iban("eur")
    platform = files.PlatformAccount(iban=iban) if iban else None
    made = files.write_files(engine, keyring, clock, platform=platform)
    return made, files.send_files(engine, link, clock)
