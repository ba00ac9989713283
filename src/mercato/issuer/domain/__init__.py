"""The issuing bank's rules and values, in plain Python: no database, no wire format.

``cards`` says what a card and its account are, ``decisions`` how an authorisation is
judged, ``secrets`` how the bank derives CVCs and 3-D Secure values, ``fx`` its exchange
rates, ``stripe_cards`` the test cards it issues.
"""
