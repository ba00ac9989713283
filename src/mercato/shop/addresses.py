"""Postal addresses as a checkout takes them: the fields each country requires, and its
postal code's format. Pure: no database, no web framework.

``read`` answers an ``Address`` or a message per field, in plain words, so the page can put
each one beside its field.

    >>> read({"name": "Ada", "line1": "1 Main St", "city": "Boston", "postal_code": "02101",
    ...       "state": "ma", "country": "US"}).state
    'MA'
    >>> read({"name": "Ada", "line1": "Rue 1", "city": "Paris", "postal_code": "7500",
    ...       "country": "FR"})
    {'postal_code': 'Enter a French postal code of 5 digits, such as 75001.'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from mercato.tax import US_STATES

COUNTRIES = {
    "AT": "Austria",
    "BE": "Belgium",
    "DE": "Germany",
    "ES": "Spain",
    "FR": "France",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "IT": "Italy",
    "NL": "Netherlands",
    "US": "United States",
}
"""The countries the shop's checkout knows how to address, by ISO 3166 code."""

# Postal code formats: (pattern of the normalised code, what to say when it does not match).
POSTAL_CODES: dict[str, tuple[re.Pattern[str], str]] = {
    "US": (re.compile(r"\d{5}(-\d{4})?"), "a ZIP code of 5 digits, such as 94103 or 94103-1234"),
    "DE": (re.compile(r"\d{5}"), "a German postal code of 5 digits, such as 10115"),
    "FR": (re.compile(r"\d{5}"), "a French postal code of 5 digits, such as 75001"),
    "IT": (re.compile(r"\d{5}"), "an Italian postal code (CAP) of 5 digits, such as 00184"),
    "ES": (
        re.compile(r"(0[1-9]|[1-4]\d|5[0-2])\d{3}"),
        "a Spanish postal code of 5 digits, such as 28013",
    ),
    "NL": (
        re.compile(r"[1-9]\d{3} (?!SA|SD|SS)[A-Z]{2}"),
        "a Dutch postcode of 4 digits and 2 letters, such as 1012 AB",
    ),
    "GB": (
        re.compile(r"GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}"),
        "a UK postcode, such as SW1A 1AA",
    ),
    "IE": (
        re.compile(r"([AC-FHKNPRTV-Y]\d{2}|D6W) [0-9AC-FHKNPRTV-Y]{4}"),
        "an Eircode, such as D02 X285",
    ),
    "AT": (re.compile(r"[1-9]\d{3}"), "an Austrian postal code of 4 digits, such as 1010"),
    "BE": (re.compile(r"[1-9]\d{3}"), "a Belgian postal code of 4 digits, such as 1000"),
}
_SPACED = {"NL": 4, "GB": -3, "IE": 3}  # where the space goes when the customer left it out

REQUIRED = {"name": "the name", "line1": "the street and number", "city": "the town or city"}
FIELDS = ("name", "line1", "line2", "city", "postal_code", "state", "country")
MAX_LENGTH = 120


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    state: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def country_name(self) -> str:
        return COUNTRIES.get(self.country, self.country)

    def lines(self) -> list[str]:
        """The address as it goes on a label."""
        place = f"{self.postal_code} {self.city}"
        if self.country == "US":
            place = f"{self.city}, {self.state} {self.postal_code}"
        elif self.country in ("GB", "IE"):
            place = f"{self.city} {self.postal_code}"
        return [p for p in (self.name, self.line1, self.line2, place, self.country_name) if p]


def normal_postal_code(country: str, text: str) -> str:
    """Upper case, single spaces, and the space where the country writes one."""
    code = " ".join(text.upper().split())
    at = _SPACED.get(country)
    if at is not None and " " not in code and len(code) > abs(at):
        code = f"{code[:at]} {code[at:]}"
    return code


def _required(given: Mapping[str, str]) -> dict[str, str]:
    problems = {}
    if given["country"].upper() not in COUNTRIES:
        problems["country"] = "Choose the country from the list."
    for name, label in REQUIRED.items():
        if not given[name]:
            problems[name] = f"Enter {label}."
    for name in FIELDS:
        if len(given[name]) > MAX_LENGTH:
            problems[name] = f"Keep this under {MAX_LENGTH} characters."
    return problems


def _postal_code_problem(country: str, code: str) -> str | None:
    if country in POSTAL_CODES:
        pattern, example = POSTAL_CODES[country]
        return None if pattern.fullmatch(code) else f"Enter {example}."
    return "Enter the postal code." if country and not code else None


def _state_problem(country: str, state: str | None) -> str | None:
    if country != "US":
        return None
    if state is None:
        return "Choose the state."
    return None if state in US_STATES else "Choose the state from the list (its two-letter code)."


def read(fields: Mapping[str, str]) -> Address | dict[str, str]:
    """The address in ``fields``, or a message for each field that is not right."""
    given = {name: " ".join(str(fields.get(name) or "").split()) for name in FIELDS}
    problems = _required(given)
    country = given["country"].upper()
    code = normal_postal_code(country, given["postal_code"])
    state = (given["state"].upper() or None) if country == "US" else None
    for name, problem in (
        ("postal_code", _postal_code_problem(country, code)),
        ("state", _state_problem(country, state)),
    ):
        if problem is not None:
            problems.setdefault(name, problem)
    if problems:
        return problems
    return Address(
        name=given["name"],
        line1=given["line1"],
        line2=given["line2"],
        city=given["city"],
        postal_code=code,
        country=country,
        state=state,
    )


def from_dict(stored: Mapping[str, Any]) -> Address:
    """An address as an order stored it."""
    return Address(
        **{name: stored.get(name) or "" for name in FIELDS} | {"state": stored.get("state")}
    )
