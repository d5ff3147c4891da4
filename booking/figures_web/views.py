"""``/figures/``: the council's figures with charts and tables; ``/figures/export.csv``.

The council and administrators see the whole region.  An advisor sees the
figures only where the region file allows it (``[figures]
advisors_see_their_points``), and then those of her own points alone: the
filters offer only them, and every count is limited to them.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from booking.data.enums import Role
from booking.data.figures_models import advisors_see_their_points
from booking.engine.clock import to_helsinki, utc_now
from booking.figures.catalogue import Catalogue, figures_catalogue
from booking.figures.csv_export import figures_csv
from booking.figures.report import council_figures
from booking.figures_web.asked import Asked, asked_scope
from booking.figures_web.blueprint import bp
from booking.figures_web.presentation import page_context, value_text
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session

FIGURES_ROLES = (Role.COUNCIL, Role.ADMIN, Role.ADVISOR)


def may_see_figures(db) -> bool:
    user = staff_user()
    if user.role is Role.ADVISOR:
        return bool(user.points) and advisors_see_their_points(db)
    return user.role in FIGURES_ROLES


@bp.app_context_processor
def figures_link():
    # Called by the staff layout only; reads the region's setting for advisors alone.
    return {"may_see_figures": lambda: may_see_figures(get_session())}


def asked_and_catalogue(db) -> tuple[Asked, Catalogue]:
    """What the query string asks for, within what the signed-in user may see (403 else)."""
    if not may_see_figures(db):
        abort(403)
    catalogue = figures_catalogue(db)
    user = staff_user()
    own = None
    if user.role is Role.ADVISOR:
        own = tuple(sorted(point.id for point in user.points))
        points = {key: point for key, point in catalogue.points.items() if key in own}
        municipalities = {point.municipality_id for point in points.values()}
        catalogue = replace(
            catalogue,
            points=points,
            municipalities={
                key: value
                for key, value in catalogue.municipalities.items()
                if key in municipalities
            },
        )
    asked = asked_scope(request.args, catalogue, to_helsinki(utc_now()).date())
    return replace(asked, scope=replace(asked.scope, only_points=own)), catalogue


@bp.get("/figures/")
@staff_required(*FIGURES_ROLES, read_only=True)
def index():
    db = get_session()
    asked, catalogue = asked_and_catalogue(db)
    figures = council_figures(db, asked.scope)
    return render_template(
        "figures/index.html",
        title=_("Figures"),
        asked=asked,
        scope=asked.scope,
        catalogue=catalogue,
        figures=figures,
        total=figures.total,
        csv_url=url_for("figures.export", **asked.query()),
        shown=value_text,
        **page_context(figures, catalogue),
    )


@bp.get("/figures/export.csv")
@staff_required(*FIGURES_ROLES, read_only=True)
def export():
    db = get_session()
    asked, _catalogue = asked_and_catalogue(db)
    if asked.errors:
        message = "\n".join(f"{name}: {error}" for name, error in asked.errors.items())
        return Response(message + "\n", status=400, mimetype="text/plain")
    scope = asked.scope
    name = f"figures-{scope.first_month}-{scope.last_month}.csv"
    return Response(
        figures_csv(council_figures(db, scope)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
