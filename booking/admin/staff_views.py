"""Staff accounts: the list, an invitation by e-mail, an account's access, deactivating
it and sending a new link to set the password.

An administrator sees only the accounts she may manage
(:func:`booking.staff.invitations.manageable`) and is offered only what she may
give; the use cases refuse the rest whatever is posted.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from booking.admin.blueprint import bp
from booking.admin.staff_forms import ROLE_LABELS, AccessForm, AccountActionForm, InviteForm
from booking.data.enums import Role
from booking.data.models import Agency, StaffUser
from booking.engine.clock import utc_now
from booking.staff.access import desk_points, is_region_admin
from booking.staff.invitations import (
    StaffChangeRefused,
    change_access,
    invite_staff,
    manageable,
    send_password_link,
    set_active,
)
from booking.web.access import LARGEST_ID, staff_required, staff_user
from booking.web.database import get_session
from booking.web.i18n import localized
from booking.web.refusals import translated

YES = "yes"


@bp.get("/admin/staff")
@staff_required(Role.ADMIN, read_only=True)
def staff():
    db, actor = get_session(), staff_user()
    accounts = [
        account
        for account in db.scalars(select(StaffUser).order_by(StaffUser.email))
        if manageable(actor, account)
    ]
    return render_template(
        "admin/staff.html", title=_("Staff accounts"), accounts=accounts, roles=ROLE_LABELS
    )


@bp.route("/admin/staff/invite", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def invite():
    db, actor = get_session(), staff_user()
    form = _offered(InviteForm(), actor)
    if form.validate_on_submit():
        try:
            account = invite_staff(
                db,
                actor,
                email=form.email.data,
                display_name=form.display_name.data or "",
                role=Role(form.role.data),
                point_ids=form.points.data,
                agency_id=form.agency.data or None,
                language=form.language.data,
                now=utc_now(),
                link_for=_link,
            )
        except StaffChangeRefused as refusal:
            db.rollback()
            _show(form, refusal, "email")
        else:
            db.commit()
            flash(_("Invitation sent to %(email)s.", email=account.email), "success")
            return redirect(url_for("admin.staff"))
    db.rollback()
    return render_template("admin/staff_invite.html", title=_("Invite a staff member"), form=form)


@bp.route("/admin/staff/<int:user_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def account(user_id: int):
    db, actor = get_session(), staff_user()
    found = _account_or_404(user_id)
    current = {
        "role": found.role.value,
        "points": [p.id for p in found.points],
        "agency": found.agency_id or "",
    }
    form = _offered(AccessForm(data=current), actor)
    if form.validate_on_submit():
        try:
            change_access(
                db,
                actor,
                found,
                role=Role(form.role.data),
                point_ids=form.points.data,
                agency_id=form.agency.data or None,
                now=utc_now(),
            )
        except StaffChangeRefused as refusal:
            db.rollback()
            _show(form, refusal, "role")
        else:
            db.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.account", user_id=user_id))
    found = _account_or_404(user_id)
    return render_template(
        "admin/staff_account.html",
        title=_("Staff account"),
        account=found,
        form=form,
        action=AccountActionForm(formdata=None),
        is_self=found.id == actor.id,
        roles=ROLE_LABELS,
    )


@bp.post("/admin/staff/<int:user_id>/active")
@staff_required(Role.ADMIN)
def account_active(user_id: int):
    db, actor = get_session(), staff_user()
    found = _account_or_404(user_id)
    form = AccountActionForm()
    if not form.validate_on_submit():
        abort(400)
    return _done(
        lambda: set_active(db, actor, found, form.active.data == YES, now=utc_now()), user_id
    )


@bp.post("/admin/staff/<int:user_id>/reset")
@staff_required(Role.ADMIN)
def account_reset(user_id: int):
    db, actor = get_session(), staff_user()
    found = _account_or_404(user_id)
    if not AccountActionForm().validate_on_submit():
        abort(400)
    return _done(
        lambda: send_password_link(db, actor, found, now=utc_now(), link_for=_link), user_id
    )


def _done(change, user_id: int):
    db = get_session()
    try:
        change()
    except StaffChangeRefused as refusal:
        db.rollback()
        flash(translated(refusal.msgid, refusal.params), "error")
    else:
        db.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("admin.account", user_id=user_id))


def _offered(form: AccessForm, actor: StaffUser) -> AccessForm:
    db = get_session()
    roles = list(Role) if is_region_admin(actor) else [Role.ADVISOR, Role.ADMIN]
    points = [(p, localized(p)) for p in desk_points(db, actor)]
    agencies = [(a, localized(a)) for a in db.scalars(select(Agency).order_by(Agency.id))]
    form.offer(roles, points, agencies)
    return form


def _show(form, refusal: StaffChangeRefused, fallback: str) -> None:
    field = getattr(form, refusal.field or "", None) or getattr(form, fallback)
    field.errors = [*field.errors, translated(refusal.msgid, refusal.params)]


def _account_or_404(user_id: int) -> StaffUser:
    found = get_session().get(StaffUser, user_id) if 0 < user_id <= LARGEST_ID else None
    if found is None or not manageable(staff_user(), found):
        abort(404)
    return found


def _link(token: str) -> str:
    base = current_app.config["BOOKING_BASE_URL"].rstrip("/")
    return base + url_for("auth.set_password", token=token)
