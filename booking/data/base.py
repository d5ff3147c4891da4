"""The declarative base every model shares, with the column types of its annotations."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import ClassVar

from sqlalchemy import Date, Time
from sqlalchemy.orm import DeclarativeBase

from booking.data.column_types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {datetime: UTCDateTime, date: Date, time: Time}
