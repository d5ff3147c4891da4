"""Fixtures of the staff pages: two points and two agencies, and accounts.

``staff_world`` stops time at ``NOW`` (Monday 10:00 Helsinki) and has points
A (testila) and B (toinen), Kela's and Vero's services offered at both, one
expert of each agency, and the accounts advisor_a, advisor_b, expert_kela,
expert_vero, admin, admin_b (an administrator limited to point B) and council,
all with ``PASSWORD``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import pytest
from werkzeug.security import generate_password_hash

from booking.data.enums import Role
from booking.data.models import Appointment, StaffUser
from tests.factories import NOW

PASSWORD = "oikea-hevonen-paristo"

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@cache
def cheap_password_hash() -> str:
    # The accounts' real hashing is tested in test_sign_in; here speed matters.
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@dataclass
class StaffWorld:
    point_a: object
    point_b: object
    kela: object
    vero: object
    kela_expert: object
    vero_expert: object
    accounts: dict[str, StaffUser]
    kela_at_a: Appointment
    kela_at_b: Appointment
    vero_at_a: Appointment


def add_account(session, key: str, role: Role, *, points=(), agency=None, expert=None):
    account = StaffUser(
        email=f"{key.replace('_', '.')}@staff.test",
        display_name=key,
        password_hash=cheap_password_hash(),
        role=role,
        agency_id=agency,
        expert_id=expert.id if expert is not None else None,
        points=list(points),
    )
    session.add(account)
    session.commit()
    return account


@pytest.fixture
def staff_world(factory, session, clock) -> StaffWorld:
    point_a = factory.point("testila", name="Testilä")
    point_b = factory.point("toinen", name="Toinen")
    kela = factory.service("kela-benefits", agency="kela", points=("testila", "toinen"))
    vero = factory.service("vero-advice", agency="vero", points=("testila", "toinen"))
    kela_expert = factory.expert("kela-anna", agency="kela", services=("kela-benefits",))
    vero_expert = factory.expert("vero-ville", agency="vero", services=("vero-advice",))
    accounts = {
        "advisor_a": add_account(session, "advisor_a", Role.ADVISOR, points=[point_a]),
        "advisor_b": add_account(session, "advisor_b", Role.ADVISOR, points=[point_b]),
        "expert_kela": add_account(
            session, "expert_kela", Role.EXPERT, agency="kela", expert=kela_expert
        ),
        "expert_vero": add_account(
            session, "expert_vero", Role.EXPERT, agency="vero", expert=vero_expert
        ),
        "admin": add_account(session, "admin", Role.ADMIN),
        "admin_b": add_account(session, "admin_b", Role.ADMIN, points=[point_b]),
        "council": add_account(session, "council", Role.COUNCIL),
    }
    eleven = NOW + timedelta(hours=1)  # 11:00 Helsinki
    kela_at_a = factory.appointment(
        point=point_a, service=kela, starts_at=eleven, name="Maija Meikäläinen", topic="housing"
    )
    kela_at_b = factory.appointment(
        point=point_b, service=kela, starts_at=eleven + timedelta(hours=1), name="Pekka Pouta"
    )
    vero_at_a = factory.appointment(
        point=point_a, service=vero, starts_at=eleven + timedelta(hours=2), name="Veera Virta"
    )
    return StaffWorld(
        point_a,
        point_b,
        kela,
        vero,
        kela_expert,
        vero_expert,
        accounts,
        kela_at_a,
        kela_at_b,
        vero_at_a,
    )


def fresh(session, thing):
    """``thing`` as the app left it; the read ends at once so the app can write again."""
    session.refresh(thing)
    session.commit()
    return thing


def csrf_token_of(page_text: str) -> str:
    match = CSRF_INPUT.search(page_text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, account: StaffUser, password: str = PASSWORD):
    """Sign ``account`` in through the real form (CSRF token included); returns the answer."""
    form = client.get("/staff/sign-in")
    token = CSRF_INPUT.search(form.get_data(as_text=True))
    data = {"email": account.email, "password": password}
    if token:
        data["csrf_token"] = token.group(1)
    return client.post("/staff/sign-in", data=data)


@pytest.fixture
def signed_in(app, staff_world):
    """``signed_in("advisor_a")``: a test client signed in as that account."""

    def client_for(key: str):
        client = app.test_client()
        answer = sign_in(client, staff_world.accounts[key])
        assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
        return client

    return client_for
