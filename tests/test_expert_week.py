"""``Expert.week``, which free times group the experts by, follows their hours.

The database keeps it (triggers, migration 0017), whoever writes ``expert_hours``:
the ORM, a Core statement, an update that moves hours to another expert.
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import delete, insert, select, update

from booking.data.models import Expert, ExpertHours

MONDAY_TO_FRIDAY = "0 08:00:00 16:00:00;1 08:00:00 16:00:00;2 08:00:00 16:00:00;" + (
    "3 08:00:00 16:00:00;4 08:00:00 16:00:00"
)


def weeks(session) -> dict[str, str]:
    session.expire_all()
    return dict(session.execute(select(Expert.key, Expert.week)).all())


def test_the_week_is_written_with_the_hours_in_order(session, factory):
    factory.region()
    factory.expert(
        "split",
        hours={3: [(time(13), time(15, 30)), (time(8, 15), time(11))], 0: [(time(9), time(12))]},
    )
    factory.expert("none", hours={})
    session.commit()
    found = weeks(session)
    assert found["split"] == "0 09:00:00 12:00:00;3 08:15:00 11:00:00;3 13:00:00 15:30:00"
    assert found["none"] == ""
    assert found[next(key for key in found if key not in {"split", "none"})] == MONDAY_TO_FRIDAY


def test_the_week_follows_changes_of_the_hours_whoever_writes_them(session, factory):
    factory.region()
    anna = factory.expert("anna", hours={0: [(time(8), time(12))]})
    bo = factory.expert("bo", hours={})
    session.commit()
    # Core: a Tuesday for Anna.
    session.execute(
        insert(ExpertHours).values(expert_id=anna.id, weekday=1, starts=time(9), ends=time(10))
    )
    session.commit()
    assert weeks(session)["anna"] == "0 08:00:00 12:00:00;1 09:00:00 10:00:00"
    # The Monday moves to Bo, later.
    session.execute(
        update(ExpertHours)
        .where(ExpertHours.expert_id == anna.id, ExpertHours.weekday == 0)
        .values(expert_id=bo.id, starts=time(10))
    )
    session.commit()
    found = weeks(session)
    assert (found["anna"], found["bo"]) == ("1 09:00:00 10:00:00", "0 10:00:00 12:00:00")
    # The ORM deletes Anna's Tuesday.
    session.delete(
        session.scalars(select(ExpertHours).where(ExpertHours.expert_id == anna.id)).one()
    )
    session.commit()
    assert weeks(session)["anna"] == ""
    session.execute(delete(ExpertHours))
    session.commit()
    assert set(weeks(session).values()) == {""}
