"""One-time links that let a staff member set her password (an invitation or a reset)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base


class StaffPasswordLink(Base):
    """A link sent by e-mail; only the hash of its token is kept. Used once, or lapsed."""

    __tablename__ = "staff_password_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
