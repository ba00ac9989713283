"""Structured logs (structlog), with card numbers masked before anything is written.

Every event passes through ``redact_card_numbers``: any run of 13 to 19 digits (spaces or
dashes allowed between them) that passes the Luhn check is replaced by its last four digits.
This is the last line of defence; code should never log a card number in the first place.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from mercato.luhn import is_valid as luhn_valid

_CANDIDATE = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")


def mask_card_numbers(text: str) -> str:
    """``text`` with every Luhn-valid 13-19 digit run replaced by ``****1234``."""

    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", match.group(0))
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return f"****{digits[-4:]}"
        return match.group(0)

    return _CANDIDATE.sub(mask, text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_card_numbers(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**12:
        return mask_card_numbers(str(value))
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_masked(item) for item in value]
    return value


def redact_card_numbers(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: mask card numbers anywhere in the event, nested values included
    (runs after tracebacks are rendered to text, so those are masked too)."""
    for key, value in event_dict.items():
        event_dict[key] = _masked(value)
    return event_dict


class _RedactingFilter(logging.Filter):
    """The same masking for records from the standard library's loggers (uvicorn, alembic),
    their tracebacks included."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_card_numbers(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_card_numbers(record.exc_text)
        return True


def configure(level: str = "INFO", fmt: str = "console") -> None:
    """Set up structlog and the standard library's logging for the whole process."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact_card_numbers,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    # Every standard-library logger, uvicorn's included (it is started with log_config=None),
    # writes through this one handler and its masking filter.
    # Their records are rendered like structlog's own lines (time, level, logger, event).
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RedactingFilter())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.stdlib.add_logger_name,
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.processors.format_exc_info,
                redact_card_numbers,
            ],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Alembic narrates every step at INFO; the commands say what was done themselves.
    logging.getLogger("alembic").setLevel(max(logging.getLevelName(level), logging.WARNING))
    # The HTTP client logs every request's URL at INFO: merchants' webhook addresses.
    logging.getLogger("httpx2").setLevel(max(logging.getLevelName(level), logging.WARNING))
    # The demo mailbox's SMTP server (aiosmtpd) narrates every connection at INFO.
    logging.getLogger("mail.log").setLevel(max(logging.getLevelName(level), logging.WARNING))


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
