"""Manage links: the citizen's unguessable token, stored nowhere.

The token is an HMAC of the appointment's UID under a key derived from the
site's secret key (:class:`ManageLinks`), so the scheduler can make the link
again when it sends a reminder, and the database keeps only the token's SHA-256
to find the appointment by.  A copy of the database, without the secret key,
opens no appointment.  (Links issued before tokens were derived were random;
they still open their appointments, but later messages carry no link for them.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.models import Appointment

DEFAULT_MANAGE_LINK_DAYS = 14


def hash_manage_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ManageLinks:
    """How the citizens' manage links are made: the site's public address and the key
    their tokens are derived with (never the secret key itself)."""

    base_url: str
    key: bytes

    @classmethod
    def from_secret(cls, base_url: str, secret_key: str) -> ManageLinks:
        key = hmac.new(secret_key.encode("utf-8"), b"etavaraus manage links", "sha256").digest()
        return cls(base_url.rstrip("/"), key)

    def token(self, ical_uid: str) -> str:
        """The appointment's token: 43 URL-safe characters, 256 bits."""
        digest = hmac.new(self.key, ical_uid.encode("utf-8"), "sha256").digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def url(self, token: str) -> str | None:
        return f"{self.base_url}/manage/{token}" if self.base_url else None

    def url_of(self, appointment: Appointment) -> str | None:
        """The link of ``appointment``, made again; None when its token was not made
        this way (an older random one) or there is no public address."""
        token = self.token(appointment.ical_uid)
        if appointment.manage_token_hash != hash_manage_token(token):
            return None
        return self.url(token)


def find_by_manage_token(
    session: Session,
    token: str,
    *,
    now: datetime,
    link_days: int = DEFAULT_MANAGE_LINK_DAYS,
) -> Appointment | None:
    """The appointment of a manage link; None when the token is unknown, malformed or
    the link has expired (``link_days`` after the appointment)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    appointment = session.scalar(
        select(Appointment).where(Appointment.manage_token_hash == hash_manage_token(token))
    )
    if appointment is None or appointment.personal_data_erased_at is not None:
        return None
    if now > appointment.ends_at + timedelta(days=link_days):
        return None
    return appointment
