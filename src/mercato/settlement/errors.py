"""What settlement refuses, drawn once:

    SettlementError                      (code)
    ├── BalanceInsufficient              balance_insufficient: a payout beyond what is available
    ├── NoExternalAccount                no_external_account: nowhere to pay a currency out to
    ├── PayoutNotCancelable              payout_not_cancelable: already sent to the bank
    ├── InvalidBankAccount               invalid_bank_account: routing, account number, IBAN, BIC
    ├── InvalidSchedule                  invalid_schedule: an interval without its anchor, ...
    └── BankLinkError                    bank_link_error: the bank could not be reached, or
        └── BankRefusedFile              bank_refused_file: refused a file (409, 422)

The gateway turns each into Stripe's error object (``gateway.payouts``,
``gateway.external_accounts``); ``param`` names the request parameter at fault, if one is.
"""

from __future__ import annotations


class SettlementError(Exception):
    code = "settlement_error"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class BalanceInsufficient(SettlementError):
    code = "balance_insufficient"


class NoExternalAccount(SettlementError):
    code = "no_external_account"


class PayoutNotCancelable(SettlementError):
    code = "payout_not_cancelable"


class InvalidBankAccount(SettlementError):
    code = "invalid_bank_account"


class InvalidSchedule(SettlementError):
    code = "invalid_schedule"


class BankLinkError(SettlementError):
    code = "bank_link_error"


class BankRefusedFile(BankLinkError):
    code = "bank_refused_file"

    def __init__(self, message: str, *, status: int, bank_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.bank_code = bank_code
