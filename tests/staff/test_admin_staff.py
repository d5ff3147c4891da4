"""Staff accounts through the admin pages: an invitation e-mailed with a one-time link,
access changed, deactivation and a new link; an administrator limited to a point
manages only that point's staff, and nobody grants herself more."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from booking.data.enums import MessageKind, Role
from booking.data.models import OutboxMessage, StaffUser
from tests.fakes.smtp_server import FakeSmtp
from tests.fakes.twilio_server import FakeTwilio
from tests.scheduler.conftest import make_dispatcher
from tests.staff.conftest import csrf_token_of, fresh, sign_in
from tests.staff.test_admin_calendar import post_form

LINK = re.compile(r"http://booking\.test(/staff/password/[A-Za-z0-9_-]+)")
NEW_PASSWORD = "kolme-vihreaa-kettua"
INVITE = {
    "email": "Uusi.Neuvoja@Kunta.fi",
    "display_name": "Uusi Neuvoja",
    "language": "fi",
    "role": "advisor",
    "points": "testila",
    "agency": "",
}


@pytest.fixture
def smtp():
    with FakeSmtp() as fake:
        yield fake


@pytest.fixture
def dispatcher(clean_database, smtp):
    with FakeTwilio() as twilio:
        yield make_dispatcher(clean_database, twilio, smtp)


def account_by_email(session, email: str) -> StaffUser | None:
    found = session.scalar(select(StaffUser).where(StaffUser.email == email))
    session.commit()
    return found


def mailed_links(dispatcher, smtp) -> list[str]:
    dispatcher.dispatch_batch()
    return [
        LINK.search(message.get_body(("plain",)).get_content()).group(1)
        for message in smtp.messages
    ]


def test_an_invited_advisor_sets_her_password_through_the_link_once(
    app, staff_world, signed_in, session, dispatcher, smtp
):
    admin = signed_in("admin")
    assert post_form(admin, "/admin/staff/invite", INVITE).status_code == 302
    account = account_by_email(session, "uusi.neuvoja@kunta.fi")
    assert account.role is Role.ADVISOR and [p.id for p in account.points] == ["testila"]
    session.commit()
    client = app.test_client()
    assert sign_in(client, account, NEW_PASSWORD).status_code == 200  # no password yet
    assert "uusi.neuvoja@kunta.fi" in admin.get("/admin/staff").get_data(as_text=True)

    [path] = mailed_links(dispatcher, smtp)
    assert smtp.messages[0]["Subject"] == "Etävaraus: aseta salasanasi"
    sent = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == MessageKind.STAFF_LINK))
    session.commit()
    assert sent.manage_url is None and path not in (sent.body or "")

    page = client.get(path).get_data(as_text=True)
    assert "Aseta salasanasi" in page and "uusi.neuvoja@kunta.fi" in page
    short = client.post(path, data={"password": "lyhyt", "again": "lyhyt"})
    assert "vähintään 12 merkkiä" in short.get_data(as_text=True)
    done = client.post(path, data={"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/staff/sign-in")
    assert client.get(path).status_code == 404  # once only
    assert sign_in(app.test_client(), account, NEW_PASSWORD).status_code == 302


def test_a_new_link_stops_the_old_one_and_deactivation_ends_the_sessions(
    app, staff_world, signed_in, session, dispatcher, smtp
):
    admin = signed_in("admin")
    advisor = signed_in("advisor_a")
    target = staff_world.accounts["advisor_a"]
    page = f"/admin/staff/{target.id}"
    token = csrf_token_of(admin.get(page).get_data(as_text=True))
    assert admin.post(f"{page}/reset", data={"csrf_token": token}).status_code == 302
    assert admin.post(f"{page}/reset", data={"csrf_token": token}).status_code == 302
    first, second = mailed_links(dispatcher, smtp)
    client = app.test_client()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200

    answer = admin.post(f"{page}/active", data={"csrf_token": token, "active": "no"})
    assert answer.status_code == 302
    assert not fresh(session, target).active
    assert advisor.get("/desk/testila").status_code == 302  # signed out
    assert sign_in(app.test_client(), target).status_code == 200
    assert client.get(second).status_code == 404
    assert "Poistettu käytöstä" in admin.get("/admin/staff").get_data(as_text=True)


def test_an_admin_changes_an_advisor_s_points_but_not_her_own_access(
    staff_world, signed_in, session
):
    admin = signed_in("admin")
    target = staff_world.accounts["advisor_a"]
    form = {"role": "advisor", "points": ["testila", "toinen"], "agency": ""}
    assert post_form(admin, f"/admin/staff/{target.id}", form).status_code == 302
    assert sorted(p.id for p in fresh(session, target).points) == ["testila", "toinen"]
    session.commit()

    me = staff_world.accounts["admin"]
    own = admin.get(f"/admin/staff/{me.id}").get_data(as_text=True)
    assert "Et voi muuttaa omia oikeuksiasi." in own
    refused = post_form(admin, f"/admin/staff/{me.id}", {"role": "council", "agency": ""})
    assert "Et voi muuttaa omia oikeuksiasi." in refused.get_data(as_text=True)
    assert fresh(session, me).role is Role.ADMIN


def test_an_admin_limited_to_a_point_manages_only_its_staff_and_grants_no_more(
    staff_world, signed_in, session
):
    admin_b = signed_in("admin_b")
    listing = admin_b.get("/admin/staff").get_data(as_text=True)
    assert "advisor.b@staff.test" in listing
    for other in ("advisor.a@staff.test", "admin@staff.test", "expert.kela@staff.test"):
        assert other not in listing
    assert admin_b.get(f"/admin/staff/{staff_world.accounts['advisor_a'].id}").status_code == 404

    for bad in (
        {**INVITE, "points": "testila"},  # another's point
        {**INVITE, "role": "admin", "points": []},  # the whole region
        {**INVITE, "role": "expert", "points": [], "agency": "kela"},
        {**INVITE, "role": "council", "points": []},
    ):
        answer = post_form(admin_b, "/admin/staff/invite", bad)
        assert answer.status_code == 200 and 'class="error-summary"' in answer.get_data(
            as_text=True
        ), bad
    assert account_by_email(session, "uusi.neuvoja@kunta.fi") is None

    me = staff_world.accounts["admin_b"]
    grab = {"role": "admin", "points": [], "agency": ""}
    assert post_form(admin_b, f"/admin/staff/{me.id}", grab).status_code in (200, 404)
    assert [p.id for p in fresh(session, me).points] == ["toinen"]
    session.commit()
    target = staff_world.accounts["advisor_b"]
    widen = {"role": "advisor", "points": ["toinen", "testila"], "agency": ""}
    answer = post_form(admin_b, f"/admin/staff/{target.id}", widen).get_data(as_text=True)
    assert 'class="error-summary"' in answer
    assert [p.id for p in fresh(session, target).points] == ["toinen"]
    session.commit()
    ok = {"role": "admin", "points": ["toinen"], "agency": ""}
    assert post_form(admin_b, f"/admin/staff/{target.id}", ok).status_code == 302
    assert fresh(session, target).role is Role.ADMIN
