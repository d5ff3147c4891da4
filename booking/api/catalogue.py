"""The catalogue: service points and services, as the API's ``GET /points`` and ``GET /services``.

Each answer comes from prebuilt Core queries over only the columns it shows
(no ORM objects); names come in all three languages so that a client can choose.
"""

from __future__ import annotations

from collections import defaultdict

from flask import jsonify
from sqlalchemy import select

from booking.api.blueprint import bp
from booking.data.models import Agency, Municipality, Offering, Service, ServicePoint
from booking.web.database import get_session

_POINTS = (
    select(
        ServicePoint.id,
        ServicePoint.name_fi,
        ServicePoint.name_sv,
        ServicePoint.name_en,
        ServicePoint.street_address,
        ServicePoint.postal_code,
        ServicePoint.post_office,
        ServicePoint.phone,
        ServicePoint.timezone,
        Municipality.id,
        Municipality.name_fi,
        Municipality.name_sv,
    )
    .join(Municipality, Municipality.id == ServicePoint.municipality_id)
    .where(ServicePoint.active, ServicePoint.online)
    .order_by(ServicePoint.id)
)

_OFFERINGS = (
    select(Offering.point_id, Offering.service_id)
    .join(Service, Service.id == Offering.service_id)
    .where(Service.active)
    .order_by(Offering.point_id, Offering.service_id)
)

_SERVICES = (
    select(
        Service.id,
        Service.name_fi,
        Service.name_sv,
        Service.name_en,
        Service.duration_minutes,
        Service.photo_id_required,
        Agency.id,
        Agency.name_fi,
        Agency.name_sv,
        Agency.name_en,
    )
    .join(Agency, Agency.id == Service.agency_id)
    .where(Service.active)
    .order_by(Service.agency_id, Service.id)
)


def names(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


@bp.get("/points")
def list_points():
    connection = get_session().connection()
    offered: dict[str, list[str]] = defaultdict(list)
    for point_id, service_id in connection.execute(_OFFERINGS):
        offered[point_id].append(service_id)
    points = []
    for row in connection.execute(_POINTS):
        (point_id, fi, sv, en, street, postal_code, post_office, phone, zone) = row[:9]
        municipality_id, municipality_fi, municipality_sv = row[9:]
        points.append(
            {
                "id": point_id,
                "names": names(fi, sv, en),
                # A Finnish municipality's English name is its Finnish one.
                "municipality": {
                    "id": municipality_id,
                    "names": names(municipality_fi, municipality_sv, municipality_fi),
                },
                "address": {
                    "street": street,
                    "postal_code": postal_code,
                    "post_office": post_office,
                },
                "phone": phone,
                "timezone": zone,
                "services": offered.get(point_id, []),
            }
        )
    return jsonify(points=points)


@bp.get("/services")
def list_services():
    connection = get_session().connection()
    services = [
        {
            "id": service_id,
            "agency": {"id": agency_id, "names": names(agency_fi, agency_sv, agency_en)},
            "names": names(fi, sv, en),
            "duration_minutes": duration,
            "photo_id_required": bool(photo_id),
        }
        for (
            service_id,
            fi,
            sv,
            en,
            duration,
            photo_id,
            agency_id,
            agency_fi,
            agency_sv,
            agency_en,
        ) in connection.execute(_SERVICES)
    ]
    return jsonify(services=services)
