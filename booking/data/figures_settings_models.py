"""Who may see the figures besides the council and the administrators: one row, id 1."""

from __future__ import annotations

from sqlalchemy import Boolean
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base

SETTINGS_ID = 1


class FiguresSettings(Base):
    """The region file's ``[figures]``.  Without the row (no region loaded yet) only the
    council and administrators see the figures."""

    __tablename__ = "figures_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisors_see_their_points: Mapped[bool] = mapped_column(Boolean, default=False)


def advisors_see_their_points(session) -> bool:
    """Whether an advisor may see the figures of the points she works at."""
    settings = session.get(FiguresSettings, SETTINGS_ID)
    return bool(settings and settings.advisors_see_their_points)
