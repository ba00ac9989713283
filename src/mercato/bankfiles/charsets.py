"""The characters each bank format can carry, and how a name gets there.

A merchant is called "Müller & Söhne GmbH" or "Café Łódź"; NACHA files carry upper-case
ASCII, and SEPA messages the EPC's basic Latin set (``a-z A-Z 0-9 / - ? : ( ) . , ' +`` and
space). Letters are transliterated (accents dropped, ``ß`` to ``SS``, ``Ł`` to ``L``);
punctuation a format cannot carry becomes a space. What has no Latin spelling (Greek,
Cyrillic, Chinese, emoji) is refused with `UnsupportedText` rather than guessed at: a bank
must never receive a name that is not the merchant's.

Names longer than their field are cut to fit, as every bank does with names; identifiers
and amounts are never cut (see `InvalidReference` and `AmountOutOfRange`).
"""

from __future__ import annotations

import re
import unicodedata

from mercato.bankfiles.errors import InvalidReference, UnsupportedText

# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "Þ": "TH",
        "þ": "th",
        "\u0131": "i",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": ",",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u00a0": " ",
    }
)
_SEPA_ALLOWED = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]")
_SPACES = re.compile(r" {2,}")


def _latin(text: str, *, what: str) -> str:
    """ASCII spelling of `text`, or `UnsupportedText` naming the first letter without one."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    for char in kept:
        if not (" " <= char <= "~"):
            raise UnsupportedText(
                f"{what} has {char!r} ({unicodedata.name(char, 'unnamed character')}), "
                "which has no Latin spelling"
            )
    return kept


def nacha_text(text: str, width: int, *, what: str) -> str:
    """`text` in upper-case printable ASCII, cut to `width` characters, without padding."""
    ascii_text = _latin(" ".join(text.split()), what=what).upper()
    return _SPACES.sub(" ", ascii_text)[:width].rstrip()


def sepa_text(text: str, max_length: int, *, what: str) -> str:
    """`text` in the EPC basic Latin character set, cut to `max_length` characters.

    ``&`` becomes ``+``, which keeps its meaning; other punctuation outside the set becomes a
    space. The result is never empty: text with nothing left to say is refused.
    """
    latin = _latin(" ".join(text.split()), what=what).replace("&", "+")
    kept = "".join(char if _SEPA_ALLOWED.fullmatch(char) else " " for char in latin)
    result = _SPACES.sub(" ", kept).strip()[:max_length].rstrip()
    if not result:
        raise UnsupportedText(f"{what} is empty once put in the SEPA character set")
    return result


def is_sepa_text(text: str) -> bool:
    """Whether `text` uses only the EPC basic Latin characters."""
    return all(_SEPA_ALLOWED.fullmatch(char) for char in text)


def sepa_reference(value: str, *, what: str) -> str:
    """`value` if it can be a SEPA reference (message id, end-to-end id): never altered.

    1 to 35 characters of the EPC basic Latin set, not starting or ending with ``/`` and
    without ``//``, as the EPC implementation guidelines ask. References come back in the
    bank's answers, so one that does not fit is refused, not rewritten.
    """
    if not (
        0 < len(value) <= 35
        and is_sepa_text(value)
        and value.strip() == value
        and not value.startswith("/")
        and not value.endswith("/")
        and "//" not in value
    ):
        raise InvalidReference(
            f"{what} {value!r} is not 1-35 characters of A-Z a-z 0-9 / - ? : ( ) . , ' + "
            "(no leading, trailing or double slash)"
        )
    return value
