"""The bank's reasons as ISO 8583 response codes (field 39), and the codes it approves with."""

from __future__ import annotations

import secrets
import string

from mercato.issuer.domain.decisions import Decline
from mercato.network.messages import ResponseCode

_CODES: dict[Decline, ResponseCode] = {
    Decline.FORMAT_ERROR: ResponseCode.FORMAT_ERROR,
    Decline.INVALID_TRANSACTION: ResponseCode.INVALID_TRANSACTION,
    Decline.INVALID_AMOUNT: ResponseCode.INVALID_AMOUNT,
    Decline.UNKNOWN_CARD: ResponseCode.INVALID_CARD,
    Decline.LOST_CARD: ResponseCode.LOST_CARD,
    Decline.STOLEN_CARD: ResponseCode.STOLEN_CARD,
    Decline.BLOCKED_CARD: ResponseCode.DO_NOT_HONOUR,
    Decline.EXPIRED_CARD: ResponseCode.EXPIRED_CARD,
    Decline.INCORRECT_CVC: ResponseCode.CVC_FAILED,
    Decline.AUTHENTICATION_REQUIRED: ResponseCode.AUTHENTICATION_REQUIRED,
    Decline.INSUFFICIENT_FUNDS: ResponseCode.INSUFFICIENT_FUNDS,
    Decline.OVER_CREDIT_LIMIT: ResponseCode.EXCEEDS_LIMIT,
}


def response_code(decline: Decline, brand: str | None = None) -> ResponseCode:
    """The code for ``decline``. Visa issuers answer a failed CVC2 with N7, the others 82."""
    if decline is Decline.INCORRECT_CVC and brand == "visa":
        return ResponseCode.CVC_FAILED_N7
    return _CODES[decline]


_APPROVAL_ALPHABET = string.ascii_uppercase + string.digits


def new_approval_code() -> str:
    """Six letters and digits (field 38), as the bank writes on an approval."""
    return "".join(secrets.choice(_APPROVAL_ALPHABET) for _ in range(6))
