"""The declarative base of every model: instants as aware UTC, dates and wall-clock times."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import ClassVar

from sqlalchemy import Date, Time
from sqlalchemy.orm import DeclarativeBase

from booking.data.column_types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {datetime: UTCDateTime, date: Date, time: Time}
