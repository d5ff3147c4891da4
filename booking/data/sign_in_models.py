"""Staff sign-in: failed sign-ins, counted per (e-mail, client address) pair, and the
one-time links that let a staff member set her password (an invitation or a reset)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
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


class StaffPasswordLink(Base):
    """A link sent by e-mail; only the hash of its token is kept. Used once, or lapsed."""

    __tablename__ = "staff_password_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
