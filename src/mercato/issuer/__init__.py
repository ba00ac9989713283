"""The issuing bank, simulated: cardholders' accounts and cards, its own books, 3-D Secure.

Step 3 of the brief's flow: the acquirer's ISO 8583 authorisation request arrives; the bank
checks the card (status, expiry, CVC, 3-D Secure) and the account (balance or credit line)
and places a hold in its own ledger; a completion posts the hold, a reversal releases it.

Start at ``bank.IssuingBank``. The rules are in ``domain`` (plain Python); the use cases in
``authorisations`` (the network's messages), ``issuance`` (cards and money) and ``threeds``
(the access control server, served by ``acs``); the chart of accounts in ``books``. Stripe's
test cards are issued with the state that makes them behave as Stripe documents
(``domain.stripe_cards``). docs/adr/0008-the-issuing-bank-simulator.md gives the reasons.
"""

from mercato.issuer.authorisations import HOLD_LIFETIME
from mercato.issuer.bank import IssuingBank
from mercato.issuer.domain.cards import AccountKind, CardStatus, Expiry
from mercato.issuer.domain.fx import RATES_PER_USD
from mercato.issuer.domain.stripe_cards import STRIPE_TEST_CARDS, StripeTestCard
from mercato.issuer.issuance import OWN_RANGES, IssuedCard, issuer_prefixes

__all__ = [
    "HOLD_LIFETIME",
    "OWN_RANGES",
    "RATES_PER_USD",
    "STRIPE_TEST_CARDS",
    "AccountKind",
    "CardStatus",
    "Expiry",
    "IssuedCard",
    "IssuingBank",
    "StripeTestCard",
    "issuer_prefixes",
]
