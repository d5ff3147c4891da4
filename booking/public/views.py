"""Citizen-facing views: thin, one query or one use case each."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.db import get_session
from booking.models import Municipality, ServicePoint
from booking.public import bp


@bp.get("/")
def index():
    session = get_session()
    municipalities = session.scalars(
        select(Municipality)
        .join(ServicePoint)
        .where(ServicePoint.active)
        .options(selectinload(Municipality.points))
        .order_by(Municipality.name_fi)
        .distinct()
    ).all()
    return render_template(
        "public/index.html", title=_("Service points"), municipalities=municipalities
    )
