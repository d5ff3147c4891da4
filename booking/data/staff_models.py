"""Staff accounts and the points each may work at."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.data.base import Base
from booking.data.column_types import str_enum
from booking.data.enums import Role

if TYPE_CHECKING:
    from booking.data.models import Agency, Expert, ServicePoint


class StaffPoint(Base):
    __tablename__ = "staff_point"

    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"), primary_key=True)


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role, "staff_role"))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agency.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rises at each sign-out; a session keeps the number it began with (old copies open nothing).
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(2), default="fi")

    points: Mapped[list[ServicePoint]] = relationship(secondary="staff_point")
    agency: Mapped[Agency | None] = relationship()
    expert: Mapped[Expert | None] = relationship()

    # The attributes Flask-Login expects of a user.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)
