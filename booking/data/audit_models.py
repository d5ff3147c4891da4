"""The audit log: which staff member saw or changed whose personal data, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base


class AuditEvent(Base):
    """Who saw or changed which personal data, and when."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    action: Mapped[str] = mapped_column(String(40))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))
    detail: Mapped[str] = mapped_column(String(500), default="")
