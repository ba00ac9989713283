"""The card network's messages, as the bank's use cases: authorise (0100), complete (0220),
reverse (0400), and the expiry of holds nobody completed.

Each runs in one unit of work (``Book``: one database transaction, one ledger call). The
order of locks is the same in all of them, so that none waits on another in a cycle: the
authorisation's row first (claimed by its message key, or locked ``FOR UPDATE``), then the
ledger's accounts (which ``post`` locks in id order).

Idempotency. A message is known by its acquirer, STAN and transmission time (fields 32, 11
and 7): an authorisation request seen before is answered again with the first answer, and
no second hold is placed; a completion or reversal seen before changes nothing. Their
ledger requests carry keys made from the authorisation's id, which the ledger enforces too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import structlog

from mercato.ids import uuid7
from mercato.issuer import books, codes, records
from mercato.issuer.domain import decisions, fx
from mercato.issuer.domain.cards import CardState, Fault
from mercato.issuer.domain.decisions import Decline, Presented, ThreeDS
from mercato.issuer.domain.secrets import (
    BankKeys,
    authentication_holds,
    cvc_length,
    derive_cvc,
    request_digest,
)
from mercato.issuer.errors import SimulatedFault
from mercato.issuer.records import Authorisation, AuthorisationStatus
from mercato.ledger import Book, HoldStatus, PostHold, Reverse, VoidHold, hold
from mercato.ledger.errors import HoldAlreadyResolved, HoldExpired, LimitExceeded
from mercato.money import Money
from mercato.network.messages import (
    AuthorizationRequest,
    AuthorizationResponse,
    CompletionAdvice,
    CompletionResponse,
    ResponseCode,
    ReversalRequest,
    ReversalResponse,
)
from mercato.vault.errors import CardError
from mercato.vault.numbers import CardNumber
from mercato.vault.vault import Vault

HOLD_LIFETIME = dt.timedelta(days=7)
"""How long an approval holds the cardholder's money if no completion or reversal comes."""

log = structlog.get_logger("mercato.issuer")


@dataclass(frozen=True)
class _Cardholding:
    """The card a message names, with its account and the state the rules judge."""

    card: records.Card
    account: records.Account
    state: CardState


def _find_card(book: Book, vault: Vault, keys: BankKeys, pan: str) -> _Cardholding | None:
    try:
        number = CardNumber(pan)
    except CardError:
        return None
    stored = vault.find(book.connection, number)
    card = None if stored is None else records.card_by_vault_id(book.connection, stored.id)
    if card is None:
        return None
    account = records.account(book.connection, card.account_id)
    assert account is not None, "a card's account exists (foreign key)"
    cvc = derive_cvc(keys, number.digits, card.expiry, length=cvc_length(card.brand))
    state = CardState(
        status=card.status,
        expiry=card.expiry,
        cvc=cvc,
        requires_3ds=card.requires_3ds,
        accepts_any_expiry=card.accepts_any_expiry,
        accepts_any_cvc=card.accepts_any_cvc,
    )
    return _Cardholding(card, account, state)


def _three_ds(keys: BankKeys, request: AuthorizationRequest, found: _Cardholding) -> ThreeDS:
    result = request.three_ds
    if result is None:
        return ThreeDS.ABSENT
    holds = authentication_holds(
        keys,
        eci=result.eci,
        value=result.authentication_value,
        transaction_id=result.transaction_id,
        card_id=found.card.id,
        amount=Money.of_minor(request.amount, request.currency),
    )
    return ThreeDS.VALID if holds else ThreeDS.INVALID


def _digest(keys: BankKeys, request: AuthorizationRequest) -> str:
    return request_digest(
        keys,
        request.pan,
        request.expiry,
        str(request.amount),
        request.currency.code,
        request.rrn,
        request.merchant_id,
        request.terminal_id,
    )


def _answer(
    request: AuthorizationRequest, authorisation: Authorisation, now: dt.datetime
) -> AuthorizationResponse:
    return AuthorizationResponse(
        request.stan,
        request.rrn,
        ResponseCode(authorisation.response_code),
        authorisation.approval_code,
        now,
        authorisation.cvc_result,
    )


def authorise(
    book: Book, vault: Vault, keys: BankKeys, request: AuthorizationRequest
) -> AuthorizationResponse:
    """Judge a 0100 and, on approval, hold the money on the cardholder's account."""
    connection = book.connection
    now = book.ledger.clock.now()
    digest = _digest(keys, request)
    row: dict[str, Any] = {
        "id": uuid7(),
        "acquirer_id": request.acquirer_id,
        "stan": request.stan,
        "transmitted_at": request.transmitted_at,
        "rrn": request.rrn,
        "request_digest": digest,
        "amount": request.amount,
        "currency": request.currency.code,
        "merchant_id": request.merchant_id,
        "merchant_name": request.merchant_name,
        "response_code": ResponseCode.SYSTEM_ERROR.value,
        "status": AuthorisationStatus.PENDING.value,
        "created_at": now,
        "updated_at": now,
    }
    if not records.claim_authorisation(connection, row):
        first = records.authorisation_by_message(
            connection, request.acquirer_id, request.stan, request.transmitted_at
        )
        assert first is not None, "the message key is taken, so its row exists"
        if first.request_digest != digest:
            # The same key for a different request: not a retransmission.
            return AuthorizationResponse(
                request.stan, request.rrn, ResponseCode.DUPLICATE, None, now
            )
        return _answer(request, first, now)

    found = _find_card(book, vault, keys, request.pan)
    if found is not None and found.card.fault is Fault.PROCESSING_ERROR:
        raise SimulatedFault(f"card {found.card.id} fails on purpose (a processing error)")
    amount = Money.of_minor(request.amount, request.currency)
    presented = Presented(
        amount,
        request.expiry,
        request.cvc,
        ThreeDS.ABSENT if found is None else _three_ds(keys, request, found),
    )
    judgement = decisions.judge(None if found is None else found.state, presented, now.date())
    decline = judgement.decline
    values: dict[str, Any] = {
        "card_id": None if found is None else found.card.id,
        "account_id": None if found is None else found.account.id,
        "cvc_result": None if judgement.cvc_result is None else judgement.cvc_result.value,
    }
    if decline is None and found is not None:
        held = decisions.held_amount(amount, found.account.currency)
        expires_at = now + HOLD_LIFETIME
        try:
            # A savepoint: the ledger's refusal undoes only the hold, and the decline is
            # still recorded in this transaction.
            with connection.begin_nested():
                placed = book.post(
                    hold(
                        f"issuer:authorisation:{row['id']}:hold",
                        debit=found.account.ledger_code,
                        credit=books.network_payable(found.account.currency),
                        amount=held,
                        expires_at=expires_at,
                        description=f"card purchase at {request.merchant_name}",
                        metadata={"authorisation": str(row["id"]), "rrn": request.rrn},
                        occurred_at=now,
                    )
                )
        except LimitExceeded:
            decline = decisions.funds_decline(found.account.kind)
        else:
            values |= {
                "held_amount": held.minor,
                "held_currency": held.currency.code,
                "hold_id": placed.id,
                "hold_expires_at": expires_at,
                "approval_code": codes.new_approval_code(),
                "response_code": ResponseCode.APPROVED.value,
                "status": AuthorisationStatus.APPROVED.value,
            }
    if decline is not None:
        brand = None if found is None else found.card.brand
        values |= {
            "decline": decline.value,
            "response_code": codes.response_code(decline, brand).value,
            "status": AuthorisationStatus.DECLINED.value,
        }
    records.update_authorisation(connection, row["id"], now, **values)
    log.info(
        "authorisation",
        stan=request.stan,
        rrn=request.rrn,
        card=None if found is None else f"****{found.card.last4}",
        amount=str(amount),
        response_code=values["response_code"],
        decline=None if decline is None else decline.value,
    )
    return AuthorizationResponse(
        request.stan,
        request.rrn,
        ResponseCode(values["response_code"]),
        values.get("approval_code"),
        now,
        values["cvc_result"],
    )


def _original(
    book: Book, vault: Vault, message: CompletionAdvice | ReversalRequest
) -> Authorisation | None:
    """The authorisation field 90 names, locked; None unless it exists, was a 0100, and
    was for the same card."""
    original = message.original
    if original.mti != AuthorizationRequest.MTI:
        return None
    found = records.authorisation_by_message(
        book.connection, original.acquirer_id, original.stan, original.transmitted_at, lock=True
    )
    if found is None or found.card_id is None:
        return found
    try:
        stored = vault.find(book.connection, CardNumber(message.pan))
    except CardError:
        return None
    card = None if stored is None else records.card_by_vault_id(book.connection, stored.id)
    if card is None or card.id != found.card_id:
        return None
    return found


def _refuse_completion(original: Authorisation | None, amount: Money) -> ResponseCode | None:
    """Why a completion of ``original`` for ``amount`` cannot post (None: it can). A repeat
    of the completion already made is answered 00 again."""
    if original is None:
        return ResponseCode.ORIGINAL_NOT_FOUND
    if amount.currency != original.amount.currency:
        return ResponseCode.INVALID_TRANSACTION
    if original.status is AuthorisationStatus.COMPLETED:
        same = original.completed_amount == amount
        return ResponseCode.APPROVED if same else ResponseCode.INVALID_TRANSACTION
    if original.status is not AuthorisationStatus.APPROVED:
        return ResponseCode.INVALID_TRANSACTION
    if not 0 < amount.minor <= original.amount.minor:
        return ResponseCode.INVALID_AMOUNT
    return None


def complete(book: Book, vault: Vault, advice: CompletionAdvice) -> CompletionResponse:
    """A 0220: post the hold for the completed amount; the rest of it is released."""
    now = book.ledger.clock.now()

    def answer(code: ResponseCode) -> CompletionResponse:
        return CompletionResponse(advice.stan, advice.rrn, code, now)

    original = _original(book, vault, advice)
    amount = Money.of_minor(advice.amount, advice.currency)
    refusal = _refuse_completion(original, amount)
    if refusal is not None:
        return answer(refusal)
    assert original is not None
    assert original.held is not None
    assert original.hold_id is not None
    posted_part = fx.proportion(original.held, amount.minor, original.amount.minor)
    try:
        with book.connection.begin_nested():
            posted = book.post(
                PostHold(
                    f"issuer:authorisation:{original.id}:completion",
                    original.hold_id,
                    amount=posted_part,
                    description=f"card purchase at {original.merchant_name}",
                    metadata={"authorisation": str(original.id), "rrn": advice.rrn},
                )
            )
    except (HoldExpired, HoldAlreadyResolved):
        # Too late: the hold ran out (the expiry sweep will record it, if it has not).
        return answer(ResponseCode.INVALID_TRANSACTION)
    records.update_authorisation(
        book.connection,
        original.id,
        now,
        status=AuthorisationStatus.COMPLETED.value,
        completed_amount=amount.minor,
        resolution_id=posted.id,
    )
    log.info("completion", stan=advice.stan, rrn=advice.rrn, amount=str(amount))
    return answer(ResponseCode.APPROVED)


def reverse(book: Book, vault: Vault, request: ReversalRequest) -> ReversalResponse:
    """A 0400: release the hold of an approved authorisation, or reverse its completion.

    A reversal is how an acquirer cleans up after a timeout, not knowing what the bank
    answered, so one for an authorisation that holds nothing (declined, expired, reversed
    already) is answered 00 and changes nothing. Only an unknown original is refused (25).
    """
    now = book.ledger.clock.now()

    def answer(code: ResponseCode) -> ReversalResponse:
        return ReversalResponse(request.stan, request.rrn, code, now)

    original = _original(book, vault, request)
    if original is None:
        return answer(ResponseCode.ORIGINAL_NOT_FOUND)
    if original.status is AuthorisationStatus.APPROVED:
        assert original.hold_id is not None
        try:
            with book.connection.begin_nested():
                resolution = book.post(
                    VoidHold(
                        f"issuer:authorisation:{original.id}:void",
                        original.hold_id,
                        description="authorisation reversed",
                    )
                )
        except HoldAlreadyResolved:
            return answer(ResponseCode.APPROVED)  # it expired meanwhile: nothing is held
        resolution_id = resolution.id
    elif original.status is AuthorisationStatus.COMPLETED:
        assert original.resolution_id is not None
        resolution_id = book.post(
            Reverse(
                f"issuer:authorisation:{original.id}:reversal",
                original.resolution_id,
                description="completed authorisation reversed",
            )
        ).id
    else:
        return answer(ResponseCode.APPROVED)
    records.update_authorisation(
        book.connection,
        original.id,
        now,
        status=AuthorisationStatus.REVERSED.value,
        resolution_id=resolution_id,
    )
    log.info("reversal", stan=request.stan, rrn=request.rrn)
    return answer(ResponseCode.APPROVED)


def record_expired_holds(book: Book) -> int:
    """Mark the authorisations whose hold the ledger has expired; returns how many."""
    now = book.ledger.clock.now()
    marked = 0
    for authorisation in records.open_authorisations(book.connection, due_by=now):
        assert authorisation.hold_id is not None
        held = book.hold(authorisation.hold_id)
        if held.status is HoldStatus.EXPIRED:
            records.update_authorisation(
                book.connection,
                authorisation.id,
                now,
                status=AuthorisationStatus.EXPIRED.value,
                resolution_id=held.resolved_by,
            )
            marked += 1
    return marked


__all__ = ["HOLD_LIFETIME", "Decline", "authorise", "complete", "record_expired_holds", "reverse"]
