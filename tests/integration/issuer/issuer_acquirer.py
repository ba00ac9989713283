"""An acquirer for the issuing bank's tests: builds the network's messages and sends them
over a real TCP connection to the bank's ISO 8583 server."""

from __future__ import annotations

from mercato.clock import ManualClock
from mercato.money import Currency
from mercato.network import (
    AuthorizationRequest,
    AuthorizationResponse,
    CompletionAdvice,
    CompletionResponse,
    NetworkClient,
    OriginalData,
    ReversalRequest,
    ReversalResponse,
    ThreeDSResult,
)

ACQUIRER_ID = "000001"
FUTURE_EXPIRY = "3412"


class Acquirer:
    """Sends purchases, completions and reversals as the platform's processor will."""

    def __init__(self, client: NetworkClient, clock: ManualClock) -> None:
        self.client = client
        self.clock = clock

    def purchase(
        self,
        pan: str,
        amount: int = 2500,
        currency: str = "USD",
        *,
        expiry: str = FUTURE_EXPIRY,
        cvc: str | None = "123",
        three_ds: ThreeDSResult | None = None,
        merchant_name: str = "Corner Shop",
    ) -> AuthorizationRequest:
        stan = self.client.next_stan()
        return AuthorizationRequest(
            stan=stan,
            rrn=f"RRN{stan:09d}",
            pan=pan,
            expiry=expiry,
            amount=amount,
            currency=Currency.of(currency),
            transmitted_at=self.clock.now(),
            merchant_id="MERCHANT0000001",
            terminal_id="WEB00001",
            merchant_category_code="5999",
            merchant_name=merchant_name,
            acquirer_id=ACQUIRER_ID,
            cvc=cvc,
            three_ds=three_ds,
        )

    def authorise(self, pan: str, amount: int = 2500, **details: object) -> AuthorizationResponse:
        return self.send(self.purchase(pan, amount, **details))  # type: ignore[arg-type]

    def send(self, request: AuthorizationRequest) -> AuthorizationResponse:
        return self.client.send(request)

    def complete(
        self, original: AuthorizationRequest, amount: int | None = None
    ) -> CompletionResponse:
        stan = self.client.next_stan()
        advice = CompletionAdvice(
            stan=stan,
            rrn=original.rrn,
            pan=original.pan,
            amount=original.amount if amount is None else amount,
            currency=original.currency,
            transmitted_at=self.clock.now(),
            original=OriginalData.of(original),
            acquirer_id=ACQUIRER_ID,
        )
        return self.client.send(advice)

    def reverse(self, original: AuthorizationRequest) -> ReversalResponse:
        stan = self.client.next_stan()
        request = ReversalRequest(
            stan=stan,
            rrn=original.rrn,
            pan=original.pan,
            amount=original.amount,
            currency=original.currency,
            transmitted_at=self.clock.now(),
            original=OriginalData.of(original),
            acquirer_id=ACQUIRER_ID,
        )
        return self.client.send(request)
