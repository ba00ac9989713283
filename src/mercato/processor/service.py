"""The processor (the acquirer) as one object: what the gateway calls to move a card payment.

An authorisation takes three steps, so that no database transaction stays open while the
issuer thinks:

1. ``prepare`` (in the caller's transaction): route the card by its BIN, make the merchant's
   card acceptor on first use, record the authorisation ``in_flight``, reveal the number
   into the request (memory only);
2. ``send`` (no transaction): the 0100 over ISO 8583; after a timeout or any answer whose
   fate is unknown, a 0400 at once;
3. ``settle`` (in the caller's next transaction): the answer recorded, if the record is
   still in flight; a reversal that could not be delivered becomes a follow-up job.

Capture and cancel are decided on the platform first, in one transaction with their
books, and then told to the issuer (0220, 0400): the message is owed until acknowledged,
and ``follow_up`` (inline after the commit, then the outbox job ``processor.follow_up``)
sends it until it is. A retransmitted completion or reversal is answered 00 again by the
issuer, so sending twice is safe; not sending would strand a hold.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from mercato import outbox
from mercato.clock import Clock
from mercato.database.engine import engine_for, reading, writing
from mercato.ids import uuid7
from mercato.ledger import ExpireHold, Ledger, VoidHold
from mercato.ledger.errors import BatchRejected, HoldAlreadyResolved
from mercato.logs import get_logger
from mercato.money import Money
from mercato.network import NetworkClient, NetworkError
from mercato.network.messages import (
    AuthorizationRequest,
    CompletionAdvice,
    OriginalData,
    ResponseCode,
    ReversalRequest,
    ThreeDSResult,
)
from mercato.outbox import Done, GiveUp, Handler, Job, Outcome, Retry
from mercato.processor import acceptors, bins, books, records
from mercato.processor.acceptors import CardAcceptor
from mercato.processor.codes import Verdict, unanswered, verdict_for
from mercato.processor.records import Authorisation, FollowUp, Status
from mercato.processor.threeds import AccessControlServer
from mercato.settings import Party, Settings
from mercato.vault import KeyRing, Vault

log = get_logger(__name__)

FOLLOW_UP_JOB = "processor.follow_up"
HOLD_LIFETIME = dt.timedelta(days=7)
"""How long an approval holds the money: the issuer's holds last seven days from when it
received the request, so the platform's, counted from when it was sent, never outlive them."""
FOLLOW_UP_DELAY = dt.timedelta(seconds=30)
"""The job waits this long, so that it does not race the inline attempt in the normal case."""
_LONGEST_RETRY = dt.timedelta(hours=4)


class IssuerLink:
    """One issuing bank as the processor reaches it: ISO 8583 through ``client`` (or one
    made on first use by ``connect``), and its 3-D Secure server, if it has one."""

    def __init__(
        self,
        name: str,
        client: NetworkClient | None = None,
        acs: AccessControlServer | None = None,
        *,
        connect: Callable[[], NetworkClient] | None = None,
    ) -> None:
        if (client is None) == (connect is None):
            raise ValueError("give a client, or a way to connect one")
        self.name = name
        self.acs = acs
        self._client = client
        self._connect = connect
        self._lock = threading.Lock()

    @property
    def client(self) -> NetworkClient:
        """The shared client; made on first use, so an app that takes no payment starts no
        thread and opens no connection."""
        with self._lock:
            if self._client is None:
                assert self._connect is not None
                self._client = self._connect()
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
        if self.acs is not None:
            self.acs.close()


@dataclass(frozen=True)
class Card:
    """The card to charge, as the gateway keeps it."""

    vault_card_id: uuid.UUID
    exp_month: int
    exp_year: int

    @property
    def expiry(self) -> str:
        return f"{self.exp_year % 100:02d}{self.exp_month:02d}"


@dataclass(frozen=True)
class Prepared:
    """An authorisation recorded and ready to send; its request holds the card number."""

    authorisation_id: uuid.UUID
    link: IssuerLink
    request: AuthorizationRequest


@dataclass(frozen=True)
class Answer:
    """What came of sending one authorisation request."""

    verdict: Verdict
    approval_code: str | None = None
    cvc_result: str | None = None
    reversal_owed: bool = False

    @property
    def status(self) -> Status:
        if self.verdict.approved:
            return Status.APPROVED
        return Status.DECLINED if self.verdict.response_code else Status.FAILED


class Delivery(enum.Enum):
    """How a follow-up went."""

    DONE = "done"  # acknowledged, or nothing was owed
    PENDING = "pending"  # not delivered; try again later
    REFUSED = "refused"  # the issuer answered no; an operator must look (follow_up_error)


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=30) * (1 << min(max(attempts - 1, 0), 20)), _LONGEST_RETRY)


class Processor:
    """The platform's acquirer: routes, talks ISO 8583 to issuers, keeps the card books."""

    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        vault: Vault,
        links: Mapping[str, IssuerLink],
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.vault = vault
        self.links = dict(links)
        self.ledger = Ledger(engine, clock)

    def close(self) -> None:
        for link in self.links.values():
            link.close()

    # Routing -------------------------------------------------------------------------------

    def route(self, connection: Connection, card: Card) -> IssuerLink | None:
        """The issuer that serves this card's range; None: no issuer takes it."""
        stored = self.vault.get(connection, card.vault_card_id)
        entry = bins.lookup(stored.bin)
        return None if entry is None else self.links.get(entry.issuer)

    def acceptor(self, connection: Connection, merchant_id: str) -> CardAcceptor:
        return acceptors.acceptor_for(connection, merchant_id, self.clock.now())

    def fee(self, connection: Connection, merchant_id: str, amount: Money) -> Money:
        """The processing fee on capturing ``amount``, by the merchant's fee schedule."""
        return self.acceptor(connection, merchant_id).fees.fee(amount)

    # Authorisation -------------------------------------------------------------------------

    def prepare(
        self,
        connection: Connection,
        *,
        stan: int,
        link: IssuerLink,
        merchant_id: str,
        merchant_name: str,
        reference: str,
        card: Card,
        amount: Money,
    ) -> Prepared:
        """Record an authorisation of ``amount`` on ``card`` as in flight, under ``stan``
        (from `next_stan`), in the caller's transaction, which must commit before ``send``."""
        acceptor = self.acceptor(connection, merchant_id)
        now = self.clock.now()
        number = self.vault.reveal(connection, card.vault_card_id)
        request = AuthorizationRequest(
            stan=stan,
            rrn=records.new_rrn(now),
            pan=number.digits,
            expiry=card.expiry,
            amount=amount.minor,
            currency=amount.currency,
            transmitted_at=now,
            merchant_id=acceptor.mid,
            terminal_id=acceptor.terminal_id,
            merchant_category_code=acceptor.mcc,
            merchant_name=acceptors.network_name(merchant_name),
            acquirer_id=link.client.acquirer_id,
        )
        authorisation_id = records.insert(
            connection,
            request,
            id=uuid7(),
            merchant_id=merchant_id,
            reference=reference,
            issuer=link.name,
            vault_card_id=card.vault_card_id,
        )
        return Prepared(authorisation_id, link, request)

    def next_stan(self, link: IssuerLink) -> int:
        """The STAN of the next message to ``link``'s issuer. No transaction may be open: when
        this process's block of STANs runs out, the next block is taken from the database
        in a transaction of its own."""
        return link.client.next_stan()

    def send(
        self, prepared: Prepared, *, cvc: str | None, three_ds: ThreeDSResult | None
    ) -> Answer:
        """The 0100, with the CVC and 3-D Secure result given; no transaction may be open.
        When the issuer may have approved but no answer says so, a 0400 follows at once."""
        request = dataclasses.replace(prepared.request, cvc=cvc, three_ds=three_ds)
        client = prepared.link.client
        try:
            response = client.send(request)
        except NetworkError as error:
            log.warning(
                "processor.authorisation_unanswered",
                stan=request.stan,
                rrn=request.rrn,
                error=error.code,
                outcome_unknown=error.outcome_unknown,
            )
            if not error.outcome_unknown:
                return Answer(unanswered())
            delivered = self._send_follow_up(prepared.link, request.pan, FollowUp.REVERSE, request)
            return Answer(unanswered(), reversal_owed=delivered is not Delivery.DONE)
        verdict = verdict_for(response.response_code)
        log.info(
            "processor.authorisation",
            stan=request.stan,
            rrn=request.rrn,
            response_code=response.response_code.value,
        )
        return Answer(verdict, response.approval_code, response.cvc_result)

    def settle(self, connection: Connection, prepared: Prepared, answer: Answer) -> bool:
        """Record the answer, unless the record was recovered meanwhile (False: the
        recovery owns it, and reverses whatever the issuer holds)."""
        now = self.clock.now()
        kept = records.change(
            connection,
            prepared.authorisation_id,
            now,
            status_in=[Status.IN_FLIGHT],
            status=answer.status.value,
            response_code=answer.verdict.response_code,
            approval_code=answer.approval_code,
            cvc_result=answer.cvc_result,
            follow_up=FollowUp.REVERSE.value if answer.reversal_owed else None,
        )
        if kept and answer.reversal_owed:
            self._schedule(connection, prepared.authorisation_id, now)
        return kept

    def in_flight(self, connection: Connection, reference: str) -> list[uuid.UUID]:
        """The authorisations of a payment (``reference``) still waiting for their answer."""
        return records.in_flight_for(connection, reference)

    def abandon(self, connection: Connection, authorisation_id: uuid.UUID) -> bool:
        """Give up an authorisation still in flight (its sender died): it failed, and the
        issuer is owed a reversal in case it approved."""
        now = self.clock.now()
        taken = records.change(
            connection,
            authorisation_id,
            now,
            status_in=[Status.IN_FLIGHT],
            status=Status.FAILED.value,
            follow_up=FollowUp.REVERSE.value,
        )
        if taken:
            self._schedule(connection, authorisation_id, now, delay=dt.timedelta(0))
        return taken

    # The platform's books ------------------------------------------------------------------

    def hold(
        self, connection: Connection, *, charge_id: str, merchant_id: str, prepared: Prepared
    ) -> uuid.UUID:
        """An approved authorisation on the books: a hold that expires when the issuer's
        does. One ledger call."""
        request = prepared.request
        amount = Money.of_minor(request.amount, request.currency)
        book = self.ledger.book(connection)
        books.open_accounts(book, merchant_id, amount.currency)
        placed = book.post(
            books.authorisation_hold(
                charge_id, merchant_id, amount, request.transmitted_at + HOLD_LIFETIME
            )
        )
        return placed.id

    def capture(
        self,
        connection: Connection,
        *,
        authorisation_id: uuid.UUID,
        charge_id: str,
        merchant_id: str,
        hold_id: uuid.UUID | None,
        amount: Money,
        fee: Money | None = None,
    ) -> Money:
        """Capture ``amount`` of an approved authorisation: the hold posted (or, captured at
        once, a transfer) and the fee (``fee``, or the merchant's schedule's), in one ledger
        call; the issuer is owed the 0220. Returns the fee. Raises ``ValueError`` if the
        authorisation is not approved."""
        now = self.clock.now()
        if not records.change(
            connection,
            authorisation_id,
            now,
            status_in=[Status.APPROVED],
            status=Status.CAPTURED.value,
            completed_amount=amount.minor,
            follow_up=FollowUp.COMPLETE.value,
        ):
            raise ValueError(f"authorisation {authorisation_id} is not approved")
        if fee is None:
            fee = self.fee(connection, merchant_id, amount)
        book = self.ledger.book(connection)
        books.open_accounts(book, merchant_id, amount.currency)
        try:
            book.post_batch(books.capture(charge_id, merchant_id, hold_id, amount, fee))
        except BatchRejected as rejected:
            raise rejected.cause from None  # HoldExpired, most likely
        records.present(
            connection, authorisation_id, kind="SALE", reference=charge_id, amount=amount, now=now
        )
        self._schedule(connection, authorisation_id, now)
        return fee

    def cancel(
        self,
        connection: Connection,
        *,
        authorisation_id: uuid.UUID,
        charge_id: str,
        hold_id: uuid.UUID,
    ) -> None:
        """Release an approved authorisation: the hold voided (one ledger call); the issuer
        is owed the 0400."""
        self._release(connection, authorisation_id, books.release(charge_id, hold_id))

    def expire(
        self,
        connection: Connection,
        *,
        authorisation_id: uuid.UUID,
        charge_id: str,
        hold_id: uuid.UUID,
    ) -> None:
        """An approved authorisation never captured and now past its lifetime: the hold
        released as expired (unless a sweep of the book released it first), and the issuer
        owed the 0400 all the same, so it frees whatever it still holds."""
        self._release(connection, authorisation_id, books.expiry(charge_id, hold_id))

    def _release(
        self, connection: Connection, authorisation_id: uuid.UUID, release: VoidHold | ExpireHold
    ) -> None:
        now = self.clock.now()
        if not records.change(
            connection,
            authorisation_id,
            now,
            status_in=[Status.APPROVED],
            status=Status.CANCELED.value,
            follow_up=FollowUp.REVERSE.value,
        ):
            raise ValueError(f"authorisation {authorisation_id} is not approved")
        with contextlib.suppress(HoldAlreadyResolved):  # an expiry sweep came first
            self.ledger.book(connection).post(release)
        self._schedule(connection, authorisation_id, now)

    def refund(
        self,
        connection: Connection,
        *,
        refund_id: str,
        charge_id: str,
        merchant_id: str,
        amount: Money,
        authorisation_id: uuid.UUID | None = None,
    ) -> None:
        """Money back to the cardholder: out of the merchant's balance (one ledger call),
        presented to the card's issuer in the next clearing file. The fee is not returned,
        as Stripe keeps it."""
        book = self.ledger.book(connection)
        books.open_accounts(book, merchant_id, amount.currency)
        book.post(books.refund(refund_id, charge_id, merchant_id, amount))
        if authorisation_id is not None:
            records.present(
                connection,
                authorisation_id,
                kind="REFUND",
                reference=refund_id,
                amount=amount,
                now=self.clock.now(),
            )

    # Follow-ups ----------------------------------------------------------------------------

    def _schedule(
        self,
        connection: Connection,
        authorisation_id: uuid.UUID,
        now: dt.datetime,
        delay: dt.timedelta = FOLLOW_UP_DELAY,
    ) -> None:
        outbox.enqueue(
            connection, FOLLOW_UP_JOB, {"authorisation_id": str(authorisation_id)}, now + delay
        )

    def _send_follow_up(
        self,
        link: IssuerLink,
        pan: str,
        kind: FollowUp,
        original: AuthorizationRequest | Authorisation,
        completed: Money | None = None,
    ) -> Delivery:
        now = self.clock.now()
        stan, rrn = link.client.next_stan(), records.new_rrn(now)
        if isinstance(original, AuthorizationRequest):
            field_90 = OriginalData.of(original)
            amount = Money.of_minor(original.amount, original.currency)
        else:
            field_90 = original.original
            amount = original.amount
        try:
            if kind is FollowUp.REVERSE:
                reversal = ReversalRequest(
                    stan, rrn, pan, amount.minor, amount.currency, now, field_90,
                    link.client.acquirer_id,
                )  # fmt: skip
                code = link.client.send(reversal).response_code
                done = code in (ResponseCode.APPROVED, ResponseCode.DUPLICATE)
            else:
                assert completed is not None
                advice = CompletionAdvice(
                    stan, rrn, pan, completed.minor, completed.currency, now, field_90,
                    link.client.acquirer_id,
                )  # fmt: skip
                code = link.client.send(advice).response_code
                done = code is ResponseCode.APPROVED
        except NetworkError as error:
            log.warning("processor.follow_up_undelivered", kind=kind.value, error=error.code)
            return Delivery.PENDING
        log.info("processor.follow_up", kind=kind.value, stan=stan, response_code=code.value)
        if done:
            return Delivery.DONE
        if code in (
            ResponseCode.ORIGINAL_NOT_FOUND,  # the 0100 may still be on its way in
            ResponseCode.ISSUER_UNAVAILABLE,
            ResponseCode.SYSTEM_ERROR,
            ResponseCode.FORMAT_ERROR,
        ):
            return Delivery.PENDING
        return Delivery.REFUSED

    def follow_up(self, authorisation_id: uuid.UUID) -> Delivery:
        """Send what the issuer is still owed about an authorisation, and record it."""
        with reading(self.engine) as connection:
            found = records.load(connection, authorisation_id)
            if found is None or found.follow_up is None:
                return Delivery.DONE
            pan = self.vault.reveal(connection, found.vault_card_id).digits
        link = self.links.get(found.issuer)
        if link is None:
            return Delivery.PENDING
        kind = found.follow_up
        delivery = self._send_follow_up(link, pan, kind, found, found.completed_amount)
        if delivery is Delivery.PENDING:
            return delivery
        with writing(self.engine) as connection:
            records.change(
                connection,
                authorisation_id,
                self.clock.now(),
                follow_up_is=kind,
                follow_up=None,
                follow_up_error=None
                if delivery is Delivery.DONE
                else f"the issuer refused the {kind.value}",
            )
        return delivery

    def _run_follow_up(self, job: Job) -> Outcome:
        authorisation_id = uuid.UUID(job.payload["authorisation_id"])
        delivery = self.follow_up(authorisation_id)
        if delivery is Delivery.DONE:
            return Done()
        if delivery is Delivery.REFUSED:
            return GiveUp("the issuer refused the follow-up; see processor_authorisations")
        now = self.clock.now()
        with reading(self.engine) as connection:
            found = records.load(connection, authorisation_id)
        if found is not None and now - found.transmitted_at > HOLD_LIFETIME:
            return GiveUp("the issuer was not reached while its hold lasted")
        return Retry(now + _backoff(job.attempts), "the issuer was not reached")

    def handlers(self) -> dict[str, Handler]:
        """The outbox jobs the processor runs (for ``mercato worker`` and the demo)."""
        return {FOLLOW_UP_JOB: self._run_follow_up}


ACQUIRER_ID = "000001"
"""Mercato's processor as the card network knows it (field 32)."""


def build_processor(
    settings: Settings,
    clock: Clock,
    *,
    engine: Engine | None = None,
    vault: Vault | None = None,
    timeout: float = 5.0,
    acs: AccessControlServer | None = None,
) -> Processor:
    """The processor of an installation: one shared ISO 8583 connection to the simulated
    issuing bank at ``settings.issuer_address`` (made on the first payment), and its 3-D
    Secure server at ``settings.issuer_acs_url`` when the settings name one (else ``acs``;
    without either, a card that requires 3-D Secure is declined ``authentication_required``).

    ``engine`` and ``vault`` are the app's own, to share their pools and caches.
    """
    engine = engine or engine_for(settings, Party.PLATFORM)
    vault = vault or Vault(KeyRing.from_settings(settings, Party.PLATFORM), clock)
    host, _, port = settings.issuer_address.rpartition(":")

    def connect() -> NetworkClient:
        return NetworkClient(
            host.strip("[]"),
            int(port),
            timeout=timeout,
            acquirer_id=ACQUIRER_ID,
            clock=clock,
            stans=lambda: records.reserve_stans(engine),
        )

    acs_url: str | None = settings.issuer_acs_url
    if acs is None and acs_url:
        ca_bundle: str | None = settings.issuer_acs_ca_bundle
        acs = AccessControlServer(acs_url, verify=ca_bundle or True)
    link = IssuerLink(bins.SIMULATED_ISSUER, acs=acs, connect=connect)
    return Processor(engine=engine, clock=clock, vault=vault, links={link.name: link})
