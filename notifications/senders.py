"""Senders behind one small interface: ``send(message) -> SendResult``.

A sender raises :class:`TransientSendError` when trying again later may help
(HTTP 5xx and 429, timeouts, refused connections, SMTP 4xx) and
:class:`PermanentSendError` when it will not (an invalid number, an address the
server refuses). The console senders print only what an operator needs — never
the recipient or the text; the one exception is a verification code, which
the console SMS sender prints so that a booking can be finished on a machine
without an SMS gateway (``make run``).
"""

from __future__ import annotations

import itertools
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit

#: Twilio error codes that no retry can fix (invalid or unreachable numbers, opt-outs).
TWILIO_PERMANENT_CODES = {21211, 21214, 21408, 21606, 21610, 21612, 21614, 21617, 21635}


class SendError(Exception):
    """Sending failed; ``str(error)`` is free of personal data (it goes to ``last_error``)."""


class TransientSendError(SendError):
    """Try again later."""


class PermanentSendError(SendError):
    """Do not try again."""


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    status: str  # the provider's word, e.g. "queued", "accepted"


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    body: str
    status_callback: str | None = None
    #: The verification code the text carries, if any (printed by the console sender).
    code: str | None = None


class SmsSender(Protocol):
    def send(self, message: SmsMessage) -> SendResult: ...


class EmailSender(Protocol):
    def send(self, message: EmailMessage) -> SendResult: ...


class ConsoleSmsSender:
    """Prints that an SMS would go, with its length — not the number or the text — and
    the verification code it carries, so that a booking can be finished by hand."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)

    def send(self, message: SmsMessage) -> SendResult:
        provider_id = f"console-sms-{next(self.counter)}"
        code = f", verification code {message.code}" if message.code else ""
        print(f"[sms] {provider_id}: {len(message.body)} characters{code}", flush=True)
        return SendResult(provider_id=provider_id, status="accepted")


class ConsoleEmailSender:
    """Prints that an e-mail would go, with its subject's length — not the address."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)

    def send(self, message: EmailMessage) -> SendResult:
        provider_id = str(message["Message-ID"] or f"console-email-{next(self.counter)}")
        parts = len(list(message.walk()))
        print(f"[email] {provider_id}: {parts} MIME parts", flush=True)
        return SendResult(provider_id=provider_id, status="accepted")


class TwilioSmsSender:
    """SMS through the real ``twilio`` client; ``api_base`` points it at any compatible host."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        api_base: str = "",
        timeout: float = 10.0,
    ) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.sender = sender
        # The client logs each request's number and text at INFO: keep them out of our logs.
        quiet = logging.getLogger("twilio.http_client")
        quiet.setLevel(logging.WARNING)
        http_client = TwilioHttpClient(timeout=timeout, logger=quiet)
        self.client = Client(account_sid, auth_token, http_client=http_client)
        if api_base:
            self.client.api.base_url = api_base.rstrip("/")

    def send(self, message: SmsMessage) -> SendResult:
        from requests import RequestException
        from twilio.base.exceptions import TwilioException, TwilioRestException

        options = {"to": message.to, "from_": self.sender, "body": message.body}
        if message.status_callback:
            options["status_callback"] = message.status_callback
        try:
            sent = self.client.messages.create(**options)
        except TwilioRestException as error:
            described = f"twilio error {error.code} (HTTP {error.status})"
            if error.status == 429 or error.status >= 500:
                raise TransientSendError(described) from None
            if error.code in TWILIO_PERMANENT_CODES or 400 <= error.status < 500:
                raise PermanentSendError(described) from None
            raise TransientSendError(described) from None
        except RequestException as error:
            raise TransientSendError(f"twilio unreachable: {type(error).__name__}") from None
        except TwilioException as error:
            raise TransientSendError(f"twilio client error: {type(error).__name__}") from None
        return SendResult(provider_id=sent.sid, status=str(sent.status or "queued"))


class SmtpEmailSender:
    """E-mail over SMTP: ``smtp://[user:password@]host[:port]`` (STARTTLS when the
    server offers it), ``smtps://`` for TLS from the start."""

    def __init__(self, url: str, *, timeout: float = 15.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("BOOKING_SMTP_URL must look like smtp://host:port")
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def connect(self) -> smtplib.SMTP:
        if self.tls:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        connection.ehlo()
        if connection.has_extn("starttls"):
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
        return connection

    def send(self, message: EmailMessage) -> SendResult:
        try:
            with self.connect() as connection:
                if self.username:
                    connection.login(self.username, self.password or "")
                refused = connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            raise classify_smtp(codes[0] if codes else 550, "recipient refused") from None
        except smtplib.SMTPResponseException as error:
            raise classify_smtp(error.smtp_code, type(error).__name__) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise TransientSendError(f"smtp unreachable: {type(error).__name__}") from None
        if refused:
            raise PermanentSendError("smtp recipient refused")
        return SendResult(provider_id=str(message["Message-ID"] or ""), status="accepted")


def classify_smtp(code: int, what: str) -> SendError:
    described = f"smtp {code}: {what}"
    if 400 <= code < 500:
        return TransientSendError(described)
    return PermanentSendError(described)


def sms_sender_from_settings(settings: dict) -> SmsSender:
    backend = str(settings.get("BOOKING_SMS_BACKEND") or "console")
    if backend == "console":
        return ConsoleSmsSender()
    if backend == "twilio":
        return TwilioSmsSender(
            account_sid=str(settings["TWILIO_ACCOUNT_SID"]),
            auth_token=str(settings["TWILIO_AUTH_TOKEN"]),
            sender=str(settings.get("BOOKING_SMS_FROM") or "Etavaraus"),
            api_base=str(settings.get("BOOKING_TWILIO_API_BASE") or ""),
        )
    raise ValueError(f"unknown BOOKING_SMS_BACKEND {backend!r}")


def email_sender_from_settings(settings: dict) -> EmailSender:
    url = str(settings.get("BOOKING_SMTP_URL") or "")
    return SmtpEmailSender(url) if url else ConsoleEmailSender()
