"""A point's rooms: add, rename, and remove with the consequences shown first."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from booking.admin.blueprint import bp
from booking.admin.calendar_views import change_or_refusal, confirm_or_done, point_or_404
from booking.admin.point_forms import RemoveForm, RoomForm
from booking.data.enums import Role
from booking.data.models import Room, ServicePoint
from booking.engine.clock import utc_now
from booking.region.calendar_changes import set_room_active
from booking.region.point_changes import add_room, rename_room
from booking.web.access import LARGEST_ID, staff_required, staff_user
from booking.web.database import get_session


@bp.route("/admin/points/<point_id>/rooms", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def rooms(point_id: str):
    point = point_or_404(point_id)
    db = get_session()
    form = RoomForm()
    if form.validate_on_submit():
        user, now = staff_user(), utc_now()
        saved = _saved(
            form, point, lambda: add_room(db, point.id, form.name.data, now=now, by_user_id=user.id)
        )
        if saved is not None:
            return saved
    return _rooms_page(point, form)


@bp.route("/admin/points/<point_id>/rooms/<int:room_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def room(point_id: str, room_id: int):
    point = point_or_404(point_id)
    found = _room_or_404(point, room_id)
    db = get_session()
    form = RoomForm(data={"name": found.name})
    if form.validate_on_submit():
        user, now = staff_user(), utc_now()
        saved = _saved(
            form,
            point,
            lambda: rename_room(db, found.id, form.name.data, now=now, by_user_id=user.id),
        )
        if saved is not None:
            return saved
    db.rollback()
    return render_template(
        "admin/room.html", title=_("Room"), point=point, room=found, form=form, remove=RemoveForm()
    )


@bp.route("/admin/points/<point_id>/rooms/<int:room_id>/remove", methods=["POST"])
@staff_required(Role.ADMIN)
def remove_room(point_id: str, room_id: int):
    point = point_or_404(point_id)
    found = _room_or_404(point, room_id)
    db = get_session()
    form = RemoveForm()
    if not form.validate_on_submit():
        abort(400)
    user, now = staff_user(), utc_now()
    outcome = change_or_refusal(
        form,
        lambda: set_room_active(db, found.id, False, now=now, by_user_id=user.id),
        fallback="confirm",
    )
    if outcome is None:
        abort(404)
    back = url_for("admin.rooms", point_id=point.id)
    return confirm_or_done(form, outcome, back, title=_("Remove the room"))


def _saved(form: RoomForm, point: ServicePoint, change):
    """Adding or renaming a room hits no booking: saved at once, back to the list."""
    if change_or_refusal(form, change, fallback="name") is None:
        return None
    get_session().commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.rooms", point_id=point.id))


def _rooms_page(point: ServicePoint, form: RoomForm):
    db = get_session()
    in_use = db.scalars(
        select(Room).where(Room.point_id == point.id, Room.active).order_by(Room.name, Room.id)
    ).all()
    db.rollback()
    return render_template(
        "admin/rooms.html", title=_("Rooms"), point=point, rooms=in_use, form=form
    )


def _room_or_404(point: ServicePoint, room_id: int) -> Room:
    found = get_session().get(Room, room_id) if 0 < room_id <= LARGEST_ID else None
    if found is None or found.point_id != point.id or not found.active:
        abort(404)
    return found
