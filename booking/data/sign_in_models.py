"""Failed staff sign-ins, counted per (e-mail, client address) pair."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base


class SignInThrottle(Base):
    """Failed sign-ins of one (e-mail, client address) pair, and until when it must wait.

    Keyed by a hash of the pair, so that neither what was typed as an e-mail
    address nor the client's address is kept; the row goes at a good sign-in."""

    __tablename__ = "sign_in_throttle"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(index=True)
    blocked_until: Mapped[datetime | None]
