"""Access control over every staff route and role, with CSRF on.

The table ``ROUTES`` is checked against the app's URL map: a staff route
without a rule here fails ``test_every_staff_route_has_an_access_rule``.
Objects named in URLs are point A, the Kela appointment at point A and Kela's
expert, so an advisor of point B, an administrator limited to point B and
Vero's expert must be refused them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pytest
from flask import url_for
from sqlalchemy import select

from booking.app import create_app
from booking.data.calendar_models import ShortDaySettings
from booking.data.enums import Role
from booking.data.figures_models import FiguresSettings
from booking.data.models import Appointment, ExpertHours, Offering, OpeningHours, Room, StaffUser
from tests.conftest import test_settings as settings_for
from tests.staff.conftest import CSRF_INPUT, add_account, sign_in

STAFF_BLUEPRINTS = {"auth", "desk", "expert", "feeds", "admin", "figures"}
ACCOUNTS = (
    "advisor_a",
    "advisor_b",
    "expert_kela",
    "expert_vero",
    "admin",
    "admin_b",
    "council",
)
EVERY_ADVISOR = frozenset({"advisor_a", "advisor_b", "admin", "admin_b"})
DESK_OF_A = frozenset({"advisor_a", "admin"})
EVERY_EXPERT = frozenset({"expert_kela", "expert_vero", "admin", "admin_b"})
EVERY_ADMIN = frozenset({"admin", "admin_b"})
REGION_ADMIN = frozenset({"admin"})
KELA_EXPERTS = frozenset({"expert_kela", "admin"})
EXPERT_ACCOUNTS = frozenset({"expert_kela", "expert_vero"})
#: With the region's default; where the region lets them, advisors see their points'.
FIGURES = frozenset({"council", "admin", "admin_b"})
REFUSED = {403, 404}


@dataclass(frozen=True)
class Route:
    """Who may use a route: ``allowed`` accounts; ``target`` names the URL's object."""

    allowed: frozenset[str] = frozenset()
    # "point" (point A), "appointment" (Kela at A), "expert" (Kela's), "token",
    # "room" (point A's), "offering" (Kela's service at A), "account" (advisor A's),
    # "agency" (Kela), "service" (Kela's)
    target: str | None = None
    public: bool = False
    form: dict[str, str] = field(default_factory=dict)


ROUTES = {
    "auth.sign_in": Route(public=True),
    "auth.set_password": Route(public=True),
    "auth.sign_out": Route(frozenset(ACCOUNTS)),
    "desk.index": Route(EVERY_ADVISOR),
    "desk.day": Route(DESK_OF_A, "point"),
    "desk.day_sheet": Route(DESK_OF_A, "point"),
    "desk.appointment": Route(DESK_OF_A, "appointment"),
    "desk.slip": Route(DESK_OF_A, "appointment"),
    "desk.check_in": Route(DESK_OF_A, "appointment"),
    "desk.no_show": Route(DESK_OF_A, "appointment"),
    "desk.called": Route(DESK_OF_A, "appointment"),
    "desk.cancel": Route(DESK_OF_A, "appointment", form={"reason": "moved away"}),
    "desk.email_summary": Route(DESK_OF_A, "appointment", form={"email": "aino@example.fi"}),
    "desk.move": Route(DESK_OF_A, "appointment", form={"starts_at": "2026-03-03T08:00:00+00:00"}),
    "desk.book": Route(EVERY_ADVISOR),
    "desk.book_confirm": Route(EVERY_ADVISOR),
    "desk.search": Route(EVERY_ADVISOR),
    "expert.day": Route(EVERY_EXPERT),
    "expert.week": Route(EVERY_EXPERT),
    "expert.status": Route(EVERY_EXPERT),
    "expert.start_call": Route(KELA_EXPERTS, "appointment"),
    "expert.end_call": Route(KELA_EXPERTS, "appointment"),
    "expert.done": Route(KELA_EXPERTS, "appointment"),
    "expert.no_show": Route(KELA_EXPERTS, "appointment"),
    "expert.failure": Route(KELA_EXPERTS, "appointment", form={"reason": "connection"}),
    "expert.feed": Route(EXPERT_ACCOUNTS),
    "expert.renew_feed": Route(EXPERT_ACCOUNTS),
    "feeds.calendar": Route(target="token"),
    "figures.index": Route(FIGURES),
    "figures.export": Route(FIGURES),
    "admin.index": Route(EVERY_ADMIN),
    "admin.audit_log": Route(REGION_ADMIN),
    "admin.feedback": Route(REGION_ADMIN),
    "admin.closures": Route(
        REGION_ADMIN, "point", form={"closed_on": "2026-03-03", "reason": "Koulutus"}
    ),
    "admin.hours": Route(REGION_ADMIN, "point", form={"hours_0": "9-12"}),
    "admin.special_hours": Route(
        REGION_ADMIN,
        "point",
        form={"day": "2026-03-03", "opens": "10:00", "closes": "12:00", "reason": "Koulutus"},
    ),
    "admin.rooms": Route(REGION_ADMIN, "point", form={"name": "Huone 9"}),
    "admin.point_details": Route(
        REGION_ADMIN,
        "point",
        form={
            "name_fi": "Testilä",
            "name_sv": "Testilä",
            "name_en": "Testilä",
            "street_address": "Kirkkotie 1",
            "postal_code": "40100",
            "post_office": "TESTILÄ",
            "municipality_id": "testila",
            "online": "shown",
        },
    ),
    "admin.new_point": Route(
        REGION_ADMIN,
        form={
            "point_id": "uusi",
            "name_fi": "Uusi",
            "name_sv": "Ny",
            "name_en": "New",
            "street_address": "Tie 1",
            "postal_code": "40100",
            "post_office": "UUSI",
            "municipality_id": "testila",
            "room_name": "Huone 1",
        },
    ),
    "admin.room": Route(REGION_ADMIN, "room", form={"name": "Kirjasto"}),
    "admin.remove_room": Route(REGION_ADMIN, "room"),
    "admin.offerings": Route(EVERY_ADMIN),
    "admin.offering": Route(REGION_ADMIN, "offering", form={"offered": "withdraw"}),
    "admin.staff": Route(EVERY_ADMIN),
    "admin.invite": Route(
        EVERY_ADMIN,
        form={"email": "kutsu@kunta.fi", "role": "advisor", "points": "toinen", "language": "fi"},
    ),
    "admin.account": Route(
        REGION_ADMIN, "account", form={"role": "advisor", "points": "testila", "agency": ""}
    ),
    "admin.account_active": Route(REGION_ADMIN, "account", form={"active": "yes"}),
    "admin.account_reset": Route(REGION_ADMIN, "account"),
    "admin.services": Route(REGION_ADMIN),
    "admin.agency": Route(REGION_ADMIN, "agency", form={"name_fi": "Kela"}),
    "admin.service": Route(REGION_ADMIN, "service", form={"name_fi": "Kela"}),
    "admin.experts": Route(REGION_ADMIN),
    "admin.expert": Route(
        REGION_ADMIN, "expert", form={"agency": "kela", "services": "", "languages": "fi"}
    ),
    "admin.new_expert": Route(
        REGION_ADMIN, form={"agency": "kela", "name": "Uusi Asiantuntija", "languages": "fi"}
    ),
    "admin.absences": Route(
        REGION_ADMIN, "expert", form={"first_day": "2026-03-03", "last_day": "2026-03-03"}
    ),
    "admin.short_days": Route(
        REGION_ADMIN, form={"closes_at": "12:00", "moving_days": "maundy_thursday"}
    ),
}
HOME = {
    "advisor_a": "/desk/search",
    "advisor_b": "/desk/search",
    "expert_kela": "/expert/",
    "expert_vero": "/expert/",
    "admin": "/admin/",
    "admin_b": "/admin/",
    "council": "/figures/",
}


@pytest.fixture
def app(database_url, clean_database):
    """The app with CSRF protection on, as in production."""
    app = create_app(settings_for(database_url, WTF_CSRF_ENABLED=True))
    yield app
    app.extensions["booking.engine"].dispose()


def staff_rules(app):
    return [
        rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in STAFF_BLUEPRINTS
    ]


def requests_to_try(app, world):
    """(endpoint, method, path) for every staff route and method; sign-out last."""
    objects = {
        "point": {"point_id": world.point_a.id},
        "appointment": {"appointment_id": world.kela_at_a.id},
        "expert": {"expert_id": world.kela_expert.id},
        "room": {"point_id": world.point_a.id, "room_id": world.point_a.rooms[0].id},
        "offering": {"point_id": world.point_a.id, "service_id": world.kela.id},
        "account": {"user_id": world.accounts["advisor_a"].id},
        "agency": {"agency_id": "kela"},
        "service": {"service_id": world.kela.id},
    }
    found = []
    with app.test_request_context():
        for rule in staff_rules(app):
            route = ROUTES[rule.endpoint]
            if route.public or route.target == "token":
                continue
            path = url_for(rule.endpoint, **objects.get(route.target, {}), _external=False)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, path))
    return sorted(found, key=lambda item: item[0] == "auth.sign_out")


def snapshot(session):
    """What a refused request must leave as it was."""
    appointments = session.execute(
        select(Appointment.id, Appointment.status, Appointment.starts_at, Appointment.revision)
    ).all()
    feeds = session.execute(
        select(StaffUser.id, StaffUser.feed_token_hash, StaffUser.role, StaffUser.active)
    ).all()
    rooms = session.execute(select(Room.id, Room.name, Room.active)).all()
    hours = session.execute(select(OpeningHours.point_id, OpeningHours.weekday)).all()
    offerings = session.execute(select(Offering.point_id, Offering.service_id)).all()
    expert_hours = session.execute(select(ExpertHours.expert_id, ExpertHours.weekday)).all()
    short_days = session.execute(select(ShortDaySettings.closes_at, ShortDaySettings.days)).all()
    session.commit()  # end the read, so that the app under test can write
    return [
        sorted(rows)
        for rows in (appointments, feeds, rooms, hours, offerings, expert_hours, short_days)
    ]


def csrf_token(client, account_key: str) -> str:
    page = client.get(HOME[account_key]).get_data(as_text=True)
    return CSRF_INPUT.search(page).group(1)


def send(client, method: str, path: str, form: dict[str, str], token: str | None):
    if method == "GET":
        return client.get(path)
    data = dict(form)
    if token is not None:
        data["csrf_token"] = token
    return client.post(path, data=data)


def is_sign_in_redirect(answer) -> bool:
    return answer.status_code == 302 and "/staff/sign-in" in answer.headers["Location"]


def test_every_staff_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    assert endpoints - ROUTES.keys() == set(), "staff routes without an access rule"
    assert ROUTES.keys() - endpoints == set(), "rules for routes that no longer exist"


def test_every_staff_view_declares_its_roles(app):
    undeclared = [
        endpoint
        for endpoint in {rule.endpoint for rule in staff_rules(app)}
        if not ROUTES[endpoint].public
        and ROUTES[endpoint].target != "token"
        and not hasattr(app.view_functions[endpoint], "staff_roles")
    ]
    assert undeclared == []


def test_anonymous_visitors_are_sent_to_sign_in(app, staff_world, session):
    client = app.test_client()
    token = CSRF_INPUT.search(client.get("/staff/sign-in").get_data(as_text=True)).group(1)
    before = snapshot(session)
    wrong = [
        (endpoint, method, answer.status_code)
        for endpoint, method, path in requests_to_try(app, staff_world)
        if not is_sign_in_redirect(
            answer := send(client, method, path, ROUTES[endpoint].form, token)
        )
    ]
    assert wrong == []
    assert snapshot(session) == before


@pytest.mark.parametrize("account_key", ACCOUNTS)
def test_each_role_reaches_only_what_it_may(app, staff_world, session, account_key):
    client = app.test_client()
    assert sign_in(client, staff_world.accounts[account_key]).status_code == 302
    token = csrf_token(client, account_key)
    wrong = []
    for endpoint, method, path in requests_to_try(app, staff_world):
        route = ROUTES[endpoint]
        before = snapshot(session)
        answer = send(client, method, path, route.form, token)
        if account_key in route.allowed:
            signed_out = is_sign_in_redirect(answer) and endpoint != "auth.sign_out"
            if answer.status_code in REFUSED | {400, 500} or signed_out:
                wrong.append((endpoint, method, answer.status_code, "should be allowed"))
        else:
            if answer.status_code not in REFUSED:
                wrong.append((endpoint, method, answer.status_code, "should be refused"))
            if snapshot(session) != before:
                wrong.append((endpoint, method, "changed data although refused"))
    assert wrong == []


def test_state_changing_routes_refuse_requests_without_a_valid_token(app, staff_world, session):
    clients = {}
    wrong = []
    for endpoint, method, path in requests_to_try(app, staff_world):
        if method != "POST":
            continue
        account_key = "admin" if "admin" in ROUTES[endpoint].allowed else "expert_kela"
        if account_key not in clients:
            clients[account_key] = app.test_client()
            sign_in(clients[account_key], staff_world.accounts[account_key])
        client = clients[account_key]
        before = snapshot(session)
        for token in (None, "not-a-valid-token"):
            answer = send(client, "POST", path, ROUTES[endpoint].form, token)
            if answer.status_code != 400:
                wrong.append((endpoint, token, answer.status_code))
        if snapshot(session) != before:
            wrong.append((endpoint, "changed data without a valid token"))
    assert wrong == []


def test_sign_in_form_refuses_a_post_without_a_token(app, staff_world):
    answer = app.test_client().post(
        "/staff/sign-in", data={"email": "admin@staff.test", "password": "x"}
    )
    assert answer.status_code == 400


def test_feed_with_an_unknown_token_is_not_found(app, staff_world):
    assert app.test_client().get("/feeds/no-such-token.ics").status_code == 404


def test_advisor_search_finds_only_her_own_points(app, staff_world):
    client = app.test_client()
    sign_in(client, staff_world.accounts["advisor_b"])
    page = client.get("/desk/search?q=Maija").get_data(as_text=True)
    assert "Meikäläinen" not in page
    page = client.get("/desk/search?q=Pekka").get_data(as_text=True)
    assert "Pekka Pouta" in page


def test_expert_sees_no_other_agency_s_calls(app, staff_world):
    client = app.test_client()
    sign_in(client, staff_world.accounts["expert_vero"])
    page = client.get("/expert/?day=2026-03-02&scope=agency").get_data(as_text=True)
    assert "Veera" in page
    assert "Maija" not in page and "Pekka" not in page


def test_advisor_without_points_sees_no_desk(app, staff_world, session):
    lonely = add_account(session, "lonely", Role.ADVISOR)
    client = app.test_client()
    sign_in(client, lonely)
    assert client.get("/desk/").status_code == 200
    assert client.get("/desk/testila").status_code == 403
    assert client.get(f"/desk/appointments/{staff_world.kela_at_a.id}").status_code == 404
    assert "Meikäläinen" not in client.get("/desk/search?q=Maija").get_data(as_text=True)


def test_an_admin_limited_to_one_point_sees_and_changes_only_hers(app, staff_world, session):
    client = app.test_client()
    sign_in(client, staff_world.accounts["admin_b"])
    front = client.get("/admin/").get_data(as_text=True)
    assert "/admin/points/toinen/closures" in front
    assert "/admin/points/testila/closures" not in front
    assert client.get("/admin/points/testila/closures").status_code == 403
    assert client.get("/admin/points/toinen/closures").status_code == 200
    assert client.get("/desk/testila").status_code == 403
    assert client.get(f"/desk/appointments/{staff_world.kela_at_a.id}").status_code == 404
    assert client.get(f"/desk/appointments/{staff_world.kela_at_b.id}").status_code == 200
    assert "Meikäläinen" not in client.get("/desk/search?q=Maija").get_data(as_text=True)
    answer = client.post(
        "/admin/points/testila/closures",
        data={
            "csrf_token": csrf_token(client, "admin_b"),
            "closed_on": "2026-03-02",
            "reason": "x",
            "confirm": "yes",
        },
    )
    assert answer.status_code == 403
    assert fresh_status(session, staff_world.kela_at_a) == "booked"


def fresh_status(session, appointment) -> str:
    session.refresh(appointment)
    session.commit()
    return appointment.status.value


def test_a_council_member_sees_no_personal_data_anywhere(app, staff_world):
    client = app.test_client()
    assert (
        sign_in(client, staff_world.accounts["council"]).headers["Location"].endswith("/figures/")
    )
    seen = []
    for endpoint, method, path in requests_to_try(app, staff_world):
        if method == "GET" and endpoint != "auth.sign_out":
            answer = client.get(path)
            seen.append(answer.status_code)
            text = answer.get_data(as_text=True)
            for personal in ("Maija", "Meikäläinen", "Pekka", "Veera", "+35840", "housing"):
                assert personal not in text, (endpoint, personal)
            if not endpoint.startswith("figures."):
                assert answer.status_code in REFUSED, endpoint
    assert 200 in seen
    assert client.get("/desk/search?q=Maija").status_code == 403


def test_an_admin_limited_to_one_point_cannot_change_another_s_hours_rooms_or_services(
    app, staff_world, session
):
    client = app.test_client()
    sign_in(client, staff_world.accounts["admin_b"])
    token = csrf_token(client, "admin_b")
    room_a = staff_world.point_a.rooms[0].id
    before = snapshot(session)
    refused = [
        client.get("/admin/points/testila/hours").status_code,
        client.get("/admin/points/testila/rooms").status_code,
        client.post(
            "/admin/points/testila/hours", data={"csrf_token": token, "confirm": "yes"}
        ).status_code,
        client.post(
            f"/admin/points/testila/rooms/{room_a}/remove",
            data={"csrf_token": token, "confirm": "yes"},
        ).status_code,
        client.post(
            f"/admin/points/toinen/rooms/{room_a}/remove",
            data={"csrf_token": token, "confirm": "yes"},
        ).status_code,
        client.post(
            "/admin/points/testila/offerings/kela-benefits",
            data={"csrf_token": token, "offered": "withdraw", "confirm": "yes"},
        ).status_code,
    ]
    assert all(code in REFUSED for code in refused), refused
    assert snapshot(session) == before
    assert client.get("/admin/points/toinen/hours").status_code == 200
    assert "/admin/points/testila/" not in client.get("/admin/offerings").get_data(as_text=True)


def figure_points(client, query: str = "") -> set[str]:
    answer = client.get(f"/figures/export.csv?from=2026-02&to=2026-03{query}")
    assert answer.status_code == 200, answer.status_code
    return {row["point"] for row in csv.DictReader(io.StringIO(answer.get_data(as_text=True)))}


def test_an_advisor_sees_figures_only_where_the_region_allows_and_only_of_her_points(
    app, staff_world, session
):
    client = app.test_client()
    sign_in(client, staff_world.accounts["advisor_a"])
    assert client.get("/figures/").status_code == 403
    assert 'href="/figures/"' not in client.get("/desk/search").get_data(as_text=True)

    session.add(FiguresSettings(id=1, advisors_see_their_points=True))
    session.commit()
    assert 'href="/figures/"' in client.get("/desk/search").get_data(as_text=True)
    assert figure_points(client) == {"testila"}
    page = client.get("/figures/?from=2026-02&to=2026-03&lang=en").get_data(as_text=True)
    assert 'value="testila"' in page and 'value="toinen"' not in page
    asked_other = client.get("/figures/export.csv?from=2026-02&to=2026-03&point=toinen")
    assert asked_other.status_code == 400
    council = app.test_client()
    sign_in(council, staff_world.accounts["council"])
    assert figure_points(council) == {"testila", "toinen"}
    lonely = app.test_client()
    sign_in(lonely, add_account(session, "lonely", Role.ADVISOR))
    assert lonely.get("/figures/").status_code == 403


def test_an_admin_limited_to_one_point_cannot_manage_another_s_staff_or_herself(
    app, staff_world, session
):
    client = app.test_client()
    sign_in(client, staff_world.accounts["admin_b"])
    token = csrf_token(client, "admin_b")
    advisor_a = staff_world.accounts["advisor_a"].id
    me = staff_world.accounts["admin_b"].id
    before = snapshot(session)
    answers = [
        client.get(f"/admin/staff/{advisor_a}").status_code,
        client.post(f"/admin/staff/{advisor_a}/active", data={"csrf_token": token}).status_code,
        client.post(f"/admin/staff/{advisor_a}/reset", data={"csrf_token": token}).status_code,
        client.post(
            f"/admin/staff/{advisor_a}",
            data={"csrf_token": token, "role": "advisor", "points": "toinen"},
        ).status_code,
    ]
    assert all(code in REFUSED for code in answers), answers
    grab = client.post(f"/admin/staff/{me}", data={"csrf_token": token, "role": "admin"})
    assert grab.status_code in REFUSED | {200}
    assert snapshot(session) == before
