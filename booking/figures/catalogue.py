"""The names the figures are shown with, and the choices of the filters: municipalities,
points, agencies and services.  Names only; nothing about anyone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.models import Agency, Municipality, Service, ServicePoint


@dataclass(frozen=True)
class Catalogue:
    municipalities: dict[str, Municipality]
    points: dict[str, ServicePoint]
    agencies: dict[str, Agency]
    services: dict[str, Service]


def figures_catalogue(session: Session) -> Catalogue:
    def by_id(model):
        return {thing.id: thing for thing in session.scalars(select(model).order_by(model.name_fi))}

    return Catalogue(
        municipalities=by_id(Municipality),
        points=by_id(ServicePoint),
        agencies=by_id(Agency),
        services=by_id(Service),
    )
