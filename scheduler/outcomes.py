"""What rendering decides for a claimed message: send this, or skip (or wait)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from booking.data.enums import MessageStatus
from notifications.senders import SmsMessage


@dataclass(frozen=True)
class Outgoing:
    body: str  # what advisors see afterwards: the text, the manage link left out
    sms: SmsMessage | None = None
    email: EmailMessage | None = None


@dataclass(frozen=True)
class Skip:
    reason: str
    status: MessageStatus = MessageStatus.SKIPPED
    retry_at: datetime | None = None  # set when the message only waits (quiet hours)
    #: The SMS can never go (the number takes none): send it by e-mail where there is one.
    email_instead: bool = False
