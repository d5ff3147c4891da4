"""The audit page filters by person, service point and kind, and keeps the filters from
page to page; unknown values filter nothing out and never fail."""

from __future__ import annotations

from booking.staff.audit import AuditAction, record
from tests.factories import NOW


def add_events(session, world) -> None:
    advisor_a, admin = world.accounts["advisor_a"], world.accounts["admin"]
    record(
        session,
        user_id=advisor_a.id,
        action=AuditAction.VIEW_APPOINTMENT,
        now=NOW,
        appointment_id=world.kela_at_a.id,
    )
    record(
        session,
        user_id=admin.id,
        action=AuditAction.VIEW_APPOINTMENT,
        now=NOW,
        appointment_id=world.kela_at_b.id,
    )
    record(
        session,
        user_id=admin.id,
        action=AuditAction.CHANGE_REGION,
        now=NOW,
        detail="closure testila 2026-03-03 whole day: open → closed (Vesivahinko)",
    )
    record(
        session,
        user_id=admin.id,
        action=AuditAction.CHANGE_REGION,
        now=NOW,
        detail="room toinen/video-1: in use → out of use",
    )
    session.commit()


def shown(client, query: str) -> str:
    answer = client.get(f"/admin/audit?{query}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_the_audit_page_filters_by_person_point_and_kind(staff_world, signed_in, session):
    add_events(session, staff_world)
    admin = signed_in("admin")
    by_person = shown(admin, "person=ADVISOR.A@staff.test")
    assert staff_world.kela_at_a.reference in by_person
    assert staff_world.kela_at_b.reference not in by_person and "Vesivahinko" not in by_person

    at_a = shown(admin, "point=testila")
    assert staff_world.kela_at_a.reference in at_a and "Vesivahinko" in at_a
    assert staff_world.kela_at_b.reference not in at_a and "video-1" not in at_a

    changes = shown(admin, "kind=change_region&point=toinen")
    assert "video-1" in changes and "Vesivahinko" not in changes
    assert staff_world.kela_at_b.reference not in changes
    assert '<option value="change_region" selected>' in changes


def test_unknown_filters_change_nothing_and_never_fail(staff_world, signed_in, session):
    add_events(session, staff_world)
    admin = signed_in("admin")
    everything = shown(admin, "")
    for query in ("kind=nonsense", "point=%27;drop", "person=", "point=" + "x" * 500):
        assert shown(admin, query).count("<tr>") == everything.count("<tr>"), query
