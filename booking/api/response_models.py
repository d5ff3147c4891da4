"""The JSON answers of the API, as pydantic models: the schemas of the OpenAPI document.

The views build their answers as plain dicts (the catalogue and the free
times are tuned for speed); these models describe them, and the tests hold
every real answer to its model with no undocumented field allowed.  Every
field an answer always carries is required here, so that a documented field
no answer gives cannot pass either.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from booking.data.enums import AppointmentStatus

Instant = Annotated[
    datetime,
    Field(
        description="ISO 8601 with the Helsinki offset, e.g. 2026-03-30T09:15:00+03:00.",
        examples=["2026-03-30T09:15:00+03:00"],
    ),
]
Url = Annotated[str, Field(json_schema_extra={"format": "uri"})]


class Health(BaseModel):
    status: Literal["ok"]


class Names(BaseModel):
    """A name in Finnish, Swedish and English."""

    fi: str
    sv: str
    en: str


class Municipality(BaseModel):
    id: str
    names: Names


class Address(BaseModel):
    street: str
    postal_code: str
    post_office: str


class Point(BaseModel):
    """A service point where citizens meet the agencies by video."""

    id: Annotated[str, Field(examples=["jyvaskyla-korpilahti"])]
    names: Names
    municipality: Municipality
    address: Address
    phone: str | None
    timezone: Annotated[str, Field(examples=["Europe/Helsinki"])]
    services: Annotated[list[str], Field(description="Ids of the services offered at this point.")]


class PointList(BaseModel):
    points: list[Point]


class Agency(BaseModel):
    id: Annotated[str, Field(examples=["kela"])]
    names: Names


class Service(BaseModel):
    """A service of an agency, booked for a fixed time."""

    id: Annotated[str, Field(examples=["kela-benefits"])]
    agency: Agency
    names: Names
    duration_minutes: Annotated[int, Field(ge=1)]
    photo_id_required: Annotated[
        bool, Field(description="The agency checks a photo ID at the point.")
    ]


class ServiceList(BaseModel):
    services: list[Service]


class Availability(BaseModel):
    """Free start times of a service at a point, ascending; dates are local."""

    point: str
    service: str
    from_: Annotated[date, Field(alias="from")]
    to: date
    timezone: Literal["Europe/Helsinki"]
    times: Annotated[list[Instant], Field(description="Free starts.")]


class Appointment(BaseModel):
    """An appointment as its manage token shows it."""

    id: int
    reference: Annotated[str, Field(description="Short reference for phone and slip.")]
    point: str
    service: str
    start: Instant
    end: Instant
    status: AppointmentStatus
    manage_url: Url
    calendar_url: Annotated[
        str,
        Field(
            description="The .ics file; opens without headers or sign-in.",
            json_schema_extra={"format": "uri"},
        ),
    ]


class BookedAppointment(Appointment):
    """A new appointment, with the token that reads, moves and cancels it."""

    manage_token: Annotated[
        str, Field(description="Bearer token for reading, moving and cancelling.")
    ]


class Alternative(BaseModel):
    point: str
    start: Instant


class SlotTaken(BaseModel):
    """The time was just taken."""

    error: Literal["slot_taken"]
    message: str
    alternatives: Annotated[
        list[Alternative],
        Field(description="Nearest free times: this point first, then other points."),
    ]


class Error(BaseModel):
    error: Annotated[str, Field(examples=["not_found"])]
    message: Annotated[str, Field(description="In the caller's language.")]


class FieldErrors(BaseModel):
    errors: Annotated[
        dict[str, str],
        Field(
            description="Field name → message in the caller's language.",
            examples=[{"from": "Give the date as YYYY-MM-DD, for example 2026-03-30."}],
        ),
    ]
