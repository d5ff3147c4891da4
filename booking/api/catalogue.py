"""The catalogue: service points and services, as the API's ``GET /points`` and ``GET /services``.

Each answer is two lean queries (no per-row loading); names come in all three
languages so that a client can choose.
"""

from __future__ import annotations

from collections import defaultdict

from flask import jsonify
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.api import bp
from booking.db import get_session
from booking.models import Agency, Municipality, Offering, Service, ServicePoint


def names_of(thing: ServicePoint | Service | Agency) -> dict[str, str]:
    return {"fi": thing.name_fi, "sv": thing.name_sv, "en": thing.name_en}


def municipality_names(municipality: Municipality) -> dict[str, str]:
    # A Finnish municipality's English name is its Finnish one.
    return {"fi": municipality.name_fi, "sv": municipality.name_sv, "en": municipality.name_fi}


@bp.get("/points")
def list_points():
    session = get_session()
    points = session.scalars(
        select(ServicePoint)
        .where(ServicePoint.active)
        .options(joinedload(ServicePoint.municipality))
        .order_by(ServicePoint.id)
    ).all()
    offered: dict[str, list[str]] = defaultdict(list)
    rows = session.execute(
        select(Offering.point_id, Offering.service_id)
        .join(Service, Service.id == Offering.service_id)
        .where(Service.active)
        .order_by(Offering.point_id, Offering.service_id)
    )
    for point_id, service_id in rows:
        offered[point_id].append(service_id)
    return jsonify(
        points=[
            {
                "id": point.id,
                "names": names_of(point),
                "municipality": {
                    "id": point.municipality.id,
                    "names": municipality_names(point.municipality),
                },
                "address": {
                    "street": point.street_address,
                    "postal_code": point.postal_code,
                    "post_office": point.post_office,
                },
                "phone": point.phone,
                "timezone": point.timezone,
                "services": offered.get(point.id, []),
            }
            for point in points
        ]
    )


@bp.get("/services")
def list_services():
    session = get_session()
    services = session.scalars(
        select(Service)
        .where(Service.active)
        .options(joinedload(Service.agency))
        .order_by(Service.agency_id, Service.id)
    ).all()
    return jsonify(
        services=[
            {
                "id": service.id,
                "agency": {"id": service.agency.id, "names": names_of(service.agency)},
                "names": names_of(service),
                "duration_minutes": service.duration_minutes,
                "photo_id_required": service.photo_id_required,
            }
            for service in services
        ]
    )
