"""Where e-mail goes: an SMTP server (``SmtpTransport``, smtplib), or nowhere
(``NoTransport``, when no server is configured), chosen by the settings.

A transport answers by raising: ``TemporaryFailure`` when trying again later may work
(the server is down, or answers 4xx), ``PermanentFailure`` when it never will (5xx).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from mercato.mail.errors import PermanentFailure, TemporaryFailure
from mercato.settings import Settings

TIMEOUT = 30.0  # seconds, for connecting and for each command


class Transport(Protocol):
    sender: str

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` over for delivery, or raise ``TransportError``."""


class SmtpTransport:
    """Sends through an SMTP server, one connection per message."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        starttls: bool = False,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls = starttls
        self.tls_context = tls_context

    def send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT) as smtp:
                if self.starttls:
                    smtp.starttls(context=self.tls_context or ssl.create_default_context())
                smtp.send_message(message, from_addr=self.sender)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused ({codes[0]})") from None
            raise TemporaryFailure(f"recipient deferred ({codes[0]})") from None
        except smtplib.SMTPResponseException as error:
            failure = PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
            raise failure(f"SMTP {error.smtp_code}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(f"{type(error).__name__}: {error}"[:200]) from None


class NoTransport:
    """No SMTP server configured: nothing is sent."""

    sender = "receipts@mercato.localhost"

    def send(self, message: EmailMessage) -> None:
        raise PermanentFailure("no SMTP server is configured (MERCATO_SMTP_HOST)")


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_host is None:
        return NoTransport()
    return SmtpTransport(
        settings.smtp_host,
        settings.smtp_port,
        sender=settings.smtp_sender,
        starttls=settings.smtp_starttls,
    )
