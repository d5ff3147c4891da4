"""An administrator of the region changes the short days, through the page.

She sees which booked appointments the shorter days hit and what becomes of each
before she confirms; once confirmed the rules are stored (where the region file
and the free times read them), the change is in the audit log and the region's
calendar revision has risen, so no cached free time outlives it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select

from booking.data.audit_models import AuditEvent
from booking.data.availability import free_times
from booking.data.calendar_models import CalendarRevision, ShortDaySettings
from booking.data.enums import AppointmentStatus
from booking.data.short_days import region_calendar
from booking.engine.clock import HELSINKI
from booking.region.short_day_changes import set_short_days
from tests.staff.conftest import NOW, csrf_token_of, fresh

PATH = "/admin/short-days"
#: Maundy Thursday 2.4.2026 (Helsinki UTC+3): 10:00 and 12:00 local.
MAUNDY_TEN = datetime(2026, 4, 2, 7, 0, tzinfo=UTC)
MAUNDY_NOON = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
MAUNDY = MAUNDY_NOON.date()
#: Tuesday 3.3.2026 13:00 Helsinki (UTC+2): an ordinary day until 3.3. is made short.
TUESDAY_ONE_PM = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
SHIPPED_DAYS = {"moving_days": "maundy_thursday", "fixed_days": "30.4., 5.12., 23.12., 31.12."}


def post_form(client, data: dict[str, str]):
    token = csrf_token_of(client.get(PATH).get_data(as_text=True))
    return client.post(PATH, data={**data, "csrf_token": token})


def last_vero_start(session) -> str:
    """The last free start of Vero's 30-minute service at point B on Maundy Thursday."""
    starts = free_times(session, "toinen", "vero-advice", MAUNDY, MAUNDY, NOW)
    session.commit()
    return max(starts).astimezone(HELSINKI).strftime("%H:%M")


def region_revision(session) -> int:
    value = session.scalar(select(CalendarRevision.value).where(CalendarRevision.id == 1)) or 0
    session.commit()
    return value


def test_the_page_shows_the_rules_and_the_coming_short_days(staff_world, signed_in):
    page = signed_in("admin").get(PATH).get_data(as_text=True)

    assert 'value="13:00"' in page
    assert 'value="30.4., 5.12., 23.12., 31.12."' in page
    assert "torstai 2. huhtikuuta 2026: auki viimeistään klo 13.00 asti" in page


def test_earlier_closing_shows_the_hit_appointments_then_cancels_them_and_is_audited(
    staff_world, factory, signed_in, session
):
    world = staff_world
    hit = factory.appointment(point=world.point_a, service=world.kela, starts_at=MAUNDY_NOON)
    kept = factory.appointment(point=world.point_b, service=world.kela, starts_at=MAUNDY_TEN)
    admin = signed_in("admin")
    form = {"closes_at": "12:00", **SHIPPED_DAYS}
    revision_before = region_revision(session)
    assert last_vero_start(session) == "12:30"

    preview = post_form(admin, form)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert hit.reference in page and kept.reference not in page
    assert page.count('class="fate-cancelled"') == 1
    assert session.scalar(select(ShortDaySettings)) is None  # nothing saved yet
    session.commit()

    done = post_form(admin, {**form, "confirm": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith(PATH)
    assert fresh(session, hit).status is AppointmentStatus.CANCELLED
    assert fresh(session, hit).cancel_cause == "point_closed"
    assert fresh(session, kept).status is AppointmentStatus.BOOKED
    assert region_calendar(session).short_days.closes_at == time(12)
    assert last_vero_start(session) == "11:30"  # not the cached 12:30
    assert region_revision(session) > revision_before
    [audited] = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "change_region")
    ).all()
    assert audited == (
        "short days: 13:00 on maundy_thursday, 04-30, 12-05, 12-23, 12-31"
        " → 12:00 on maundy_thursday, 04-30, 12-05, 12-23, 12-31"
    )
    session.commit()
    assert 'value="12:00"' in admin.get(PATH).get_data(as_text=True)


def test_a_new_short_day_hits_only_that_day_s_afternoon(staff_world, factory, session):
    world = staff_world
    afternoon = factory.appointment(
        point=world.point_a, service=world.kela, starts_at=TUESDAY_ONE_PM
    )
    days = ("maundy_thursday", "03-03", "04-30", "12-05", "12-23", "12-31")

    result = set_short_days(
        session, time(13), days, now=datetime(2026, 3, 2, 8, tzinfo=UTC), by_user_id=None
    )

    assert [fate.appointment_id for fate in result.fates] == [afternoon.id]
    assert world.vero_at_a.status is AppointmentStatus.BOOKED  # Monday, not a short day
    session.rollback()


def test_later_closing_or_fewer_days_hit_nothing(staff_world, factory, signed_in, session):
    world = staff_world
    booked = factory.appointment(point=world.point_a, service=world.kela, starts_at=MAUNDY_NOON)
    admin = signed_in("admin")

    preview = post_form(admin, {"closes_at": "14:00", "fixed_days": "31.12."})
    assert "Muutos ei osu yhteenkään varattuun aikaan." in preview.get_data(as_text=True)
    done = post_form(admin, {"closes_at": "14:00", "fixed_days": "31.12.", "confirm": "yes"})
    assert done.status_code == 302
    stored = session.scalar(select(ShortDaySettings))
    assert (stored.closes_at, stored.days) == (time(14), "12-31")
    assert fresh(session, booked).status is AppointmentStatus.BOOKED


def test_an_unreadable_day_is_refused_in_finnish_and_nothing_changes(
    staff_world, signed_in, session
):
    admin = signed_in("admin")
    form = {"closes_at": "12:00", "fixed_days": "30.4., 31.2.", "confirm": "yes"}
    answer = post_form(admin, form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Kirjoita kukin päivä muodossa päivä.kuukausi" in page
    assert 'aria-invalid="true"' in page
    assert session.scalar(select(ShortDaySettings)) is None
    session.commit()


def test_an_unchanged_form_saves_nothing(staff_world, signed_in, session):
    answer = post_form(signed_in("admin"), {"closes_at": "13:00", **SHIPPED_DAYS})
    assert answer.status_code == 302
    assert session.scalar(select(ShortDaySettings)) is None
    changes = select(AuditEvent).where(AuditEvent.action == "change_region")
    assert session.scalars(changes).all() == []
    session.commit()


def test_an_administrator_of_some_points_may_not_change_the_region_s_short_days(
    staff_world, signed_in
):
    admin_b = signed_in("admin_b")
    assert admin_b.get(PATH).status_code == 403
    assert "/admin/short-days" not in admin_b.get("/admin/").get_data(as_text=True)
