"""An administrator's change of an expert: her agency, services, languages and weekly hours;
and a new expert.

Like :mod:`booking.region.calendar_changes`: one audit entry saying what was
before and after, and the consequences for her booked calls — another expert
of the agency at the same time, or a cancellation — in the caller's
transaction, flushing and never committing.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.appointments.citizen_details import DetailError, normalize_email
from booking.appointments.errors import N_
from booking.data.models import Agency, Expert, ExpertHours, Service
from booking.region.calendar_changes import (
    CalendarChangeRefused,
    ChangeResult,
    intervals_are_valid,
    one_line,
    settle_change,
)
from booking.region.point_changes import free_key
from booking.region.validity import Scope

LANGUAGES = ("fi", "sv", "en")
EXPERT_NAME_MAX_LENGTH = 120


def add_expert(
    session: Session,
    *,
    agency_id: str,
    name: str,
    email: str,
    service_ids: list[str],
    languages: list[str],
    now: datetime,
    by_user_id: int | None,
) -> Expert:
    """A new expert of the agency, with no working hours yet (so no call goes to her
    until they are set); her key in the region file is made of her name."""
    name = one_line(
        name, field="name", most=EXPERT_NAME_MAX_LENGTH, missing=N_("Enter the expert's name.")
    )
    try:
        address = normalize_email(email)
    except DetailError as error:
        raise CalendarChangeRefused(error.msgid, field="email") from error
    services = _services_of(session, agency_id, service_ids)
    if not languages or set(languages) - set(LANGUAGES):
        raise CalendarChangeRefused(N_("Choose at least one language."), field="languages")
    taken = set(session.scalars(select(Expert.key)))
    expert = Expert(
        key=free_key(name, taken, fallback="expert"),
        agency_id=agency_id,
        name=name,
        email=address,
        languages=",".join(code for code in LANGUAGES if code in languages),
        active=True,
        services=services,
    )
    session.add(expert)
    session.flush()
    after = _described(expert)
    summary = (
        f"expert {expert.key}: added ({name!r}, agency {after['agency']}, "
        f"services {after['services']}, languages {after['languages']})"
    )
    settle_change(session, summary, Scope(expert_ids=frozenset()), now, by_user_id)
    return expert


def update_expert(
    session: Session,
    expert_id: int,
    *,
    agency_id: str,
    service_ids: list[str],
    languages: list[str],
    weekly: dict[int, list[tuple[time, time]]],
    now: datetime,
    by_user_id: int | None,
) -> ChangeResult:
    """Make the expert's agency, services, languages and hours (0 = Monday) these."""
    expert = session.get(Expert, expert_id)
    if expert is None or not expert.active:
        raise CalendarChangeRefused(N_("There is no such expert."))
    services = _services_of(session, agency_id, service_ids)
    if not languages or set(languages) - set(LANGUAGES):
        raise CalendarChangeRefused(N_("Choose at least one language."), field="languages")
    if set(weekly) - set(range(7)) or not all(
        intervals_are_valid(sorted(spans)) for spans in weekly.values()
    ):
        raise CalendarChangeRefused(N_("Check the working hours."), field="hours_0")
    before = _described(expert)
    expert.agency_id = agency_id
    expert.services = sorted(services, key=lambda s: s.id)
    expert.languages = ",".join(code for code in LANGUAGES if code in languages)
    for row in list(expert.working_hours):
        session.delete(row)
    for day, spans in sorted(weekly.items()):
        for starts, ends in sorted(spans):
            session.add(ExpertHours(expert_id=expert.id, weekday=day, starts=starts, ends=ends))
    session.flush()
    session.expire(expert, ["working_hours", "agency"])
    after = _described(expert)
    changes = [
        f"{name} {before[name]} → {after[name]}" for name in before if before[name] != after[name]
    ]
    summary = f"expert {expert.key}: " + ("; ".join(changes) or "unchanged")
    scope = Scope(expert_ids=frozenset({expert.id}))
    return settle_change(session, summary, scope, now, by_user_id)


def _services_of(session: Session, agency_id: str, service_ids: list[str]) -> list[Service]:
    """The services by their ids, all the agency's and in use; else the refusal."""
    if not isinstance(agency_id, str) or session.get(Agency, agency_id) is None:
        raise CalendarChangeRefused(N_("Choose the agency."), field="agency")
    services = list(
        session.scalars(select(Service).where(Service.id.in_(sorted(set(service_ids)))))
    )
    if len(services) != len(set(service_ids)) or any(
        s.agency_id != agency_id or not s.active for s in services
    ):
        raise CalendarChangeRefused(
            N_("Choose only services of the expert's agency."), field="services"
        )
    return sorted(services, key=lambda s: s.id)


def _described(expert: Expert) -> dict[str, str]:
    hours: dict[int, list[str]] = {}
    for row in sorted(expert.working_hours, key=lambda r: (r.weekday, r.starts)):
        hours.setdefault(row.weekday, []).append(f"{row.starts:%H:%M}-{row.ends:%H:%M}")
    return {
        "agency": expert.agency_id,
        "services": ",".join(sorted(s.id for s in expert.services)) or "none",
        "languages": expert.languages,
        "hours": "; ".join(f"{day}: {', '.join(spans)}" for day, spans in sorted(hours.items()))
        or "none",
    }
