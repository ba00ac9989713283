"""The issuer's answer as Stripe reports it: ISO 8583 response codes (field 39) become an
error ``code``, a ``decline_code``, a message for the customer and the charge's ``outcome``.

Pure values. Each verdict keeps the ISO code it came from, so a charge can show both what
Stripe's clients expect and what the network said (``mercato_network``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mercato.network.messages import ResponseCode

DECLINED = "Your card was declined."
PROCESSING_ERROR = "An error occurred while processing your card. Try again in a little bit."


@dataclass(frozen=True)
class Verdict:
    """What one authorisation came to, in Stripe's words.

    ``network_status``: ``approved_by_network``, ``declined_by_network`` or
    ``not_sent_to_network``; ``outcome_type``: ``authorized``, ``issuer_declined`` or
    ``invalid``. ``response_code`` is the issuer's code, None when no answer came.
    """

    approved: bool
    code: str | None
    decline_code: str | None
    message: str
    network_status: str
    outcome_type: str
    response_code: str | None = None

    @property
    def seller_message(self) -> str:
        if self.approved:
            return "Payment complete."
        if self.decline_code in (None, "generic_decline"):
            return "The bank did not return any further details with this decline."
        if self.network_status == "not_sent_to_network":
            return f"Mercato did not send this payment to the card network ({self.decline_code})."
        return f"The bank returned the decline code `{self.decline_code}`."

    def outcome(self) -> dict[str, Any]:
        """The charge's ``outcome``, as Stripe shows it."""
        return {
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None if self.approved else self.response_code,
            "network_status": self.network_status,
            "reason": None if self.approved else self.decline_code,
            "risk_level": "normal",
            "seller_message": self.seller_message,
            "type": self.outcome_type,
        }


APPROVED = Verdict(True, None, None, "Payment complete.", "approved_by_network", "authorized", "00")


def _declined(code: str, decline_code: str, message: str = DECLINED) -> tuple[str, str, str]:
    return code, decline_code, message


_DECLINES: dict[ResponseCode, tuple[str, str, str]] = {
    ResponseCode.DO_NOT_HONOUR: _declined("card_declined", "generic_decline"),
    ResponseCode.INSUFFICIENT_FUNDS: _declined(
        "card_declined", "insufficient_funds", "Your card has insufficient funds."
    ),
    ResponseCode.EXPIRED_CARD: _declined("expired_card", "expired_card", "Your card has expired."),
    ResponseCode.INVALID_CARD: _declined(
        "incorrect_number", "incorrect_number", "Your card number is incorrect."
    ),
    ResponseCode.LOST_CARD: _declined("card_declined", "lost_card"),
    ResponseCode.STOLEN_CARD: _declined("card_declined", "stolen_card"),
    ResponseCode.EXCEEDS_LIMIT: _declined(
        "card_declined",
        "card_velocity_exceeded",
        "Your card was declined for making repeated attempts too frequently or exceeding its "
        "amount limit.",
    ),
    ResponseCode.CVC_FAILED: _declined(
        "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."
    ),
    ResponseCode.CVC_FAILED_N7: _declined(
        "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."
    ),
    ResponseCode.INVALID_AMOUNT: _declined("card_declined", "invalid_amount"),
    ResponseCode.AUTHENTICATION_REQUIRED: _declined(
        "authentication_required",
        "authentication_required",
        "Your card was declined. This transaction requires authentication.",
    ),
    ResponseCode.ISSUER_UNAVAILABLE: _declined(
        "card_declined",
        "issuer_not_available",
        "Your card was declined because the card issuer could not be reached. Try again in a "
        "little bit.",
    ),
    ResponseCode.INVALID_TRANSACTION: _declined("card_declined", "transaction_not_allowed"),
    ResponseCode.SYSTEM_ERROR: _declined("processing_error", "processing_error", PROCESSING_ERROR),
    # Answers that say the request itself went wrong (unreadable, unknown original, a
    # duplicate of another request's key): the customer can only try again.
    ResponseCode.FORMAT_ERROR: _declined("processing_error", "processing_error", PROCESSING_ERROR),
    ResponseCode.ORIGINAL_NOT_FOUND: _declined(
        "processing_error", "processing_error", PROCESSING_ERROR
    ),
    ResponseCode.DUPLICATE: _declined("processing_error", "processing_error", PROCESSING_ERROR),
}


def verdict_for(response_code: ResponseCode | str) -> Verdict:
    """The verdict of an issuer's answer to an authorisation request."""
    code = ResponseCode(response_code)
    if code.approved:
        return APPROVED
    error, decline, message = _DECLINES[code]
    return Verdict(
        False, error, decline, message, "declined_by_network", "issuer_declined", code.value
    )


def unanswered() -> Verdict:
    """No answer came (a timeout, a dropped or refused connection, an unreadable answer)."""
    return Verdict(
        False,
        "processing_error",
        "processing_error",
        PROCESSING_ERROR,
        "declined_by_network",
        "issuer_declined",
    )


def not_supported() -> Verdict:
    """No issuer serves this card's range: nothing is sent to the network."""
    return Verdict(
        False,
        "card_declined",
        "card_not_supported",
        "Your card is not supported.",
        "not_sent_to_network",
        "invalid",
    )


def cvc_check(cvc_result: str | None) -> str | None:
    """``checks.cvc_check`` from the issuer's CVC result (field 48, sub-element 87)."""
    return {"M": "pass", "N": "fail", "P": "unchecked"}.get(cvc_result or "")
