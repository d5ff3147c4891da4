"""Feedback on the service's accessibility, as citizens send it from the statement page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base


class AccessibilityFeedback(Base):
    """One message sent with the accessibility statement's form.  Kept for the staff to
    read and answer; ``reply_to`` only when the sender wants an answer."""

    __tablename__ = "accessibility_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    language: Mapped[str] = mapped_column(String(2))
    page: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(254))
