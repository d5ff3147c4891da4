"""``/figures/``: the council's figures with charts and tables; ``/figures/export.csv``."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from booking.data.enums import Role
from booking.engine.clock import to_helsinki, utc_now
from booking.figures.catalogue import figures_catalogue
from booking.figures.csv_export import figures_csv
from booking.figures.report import council_figures
from booking.figures_web.asked import asked_scope
from booking.figures_web.blueprint import bp
from booking.figures_web.presentation import page_context, value_text
from booking.web.access import staff_required
from booking.web.database import get_session

FIGURES_ROLES = (Role.COUNCIL, Role.ADMIN)


@bp.get("/figures/")
@staff_required(*FIGURES_ROLES, read_only=True)
def index():
    db = get_session()
    catalogue = figures_catalogue(db)
    asked = asked_scope(request.args, catalogue, to_helsinki(utc_now()).date())
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
    asked = asked_scope(request.args, figures_catalogue(db), to_helsinki(utc_now()).date())
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
