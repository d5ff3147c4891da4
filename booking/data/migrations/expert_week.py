"""The triggers that keep ``expert.week`` from ``expert_hours`` (revision 0017).

This module sits outside ``versions/`` so that Alembic does not take it for a
revision.  A revision that recreates ``expert_hours`` on SQLite (batch mode drops
the table's triggers with it) calls :func:`create_week_triggers` again.
"""

from __future__ import annotations

from alembic import op

#: The week of the expert ``EXPERT`` (an SQL expression) as its hours say now.
POSTGRES_WEEK = """(SELECT coalesce(string_agg(
        h.weekday || ' ' || to_char(h.starts, 'HH24:MI:SS') || ' '
        || to_char(h.ends, 'HH24:MI:SS'), ';' ORDER BY h.weekday, h.starts, h.ends), '')
    FROM expert_hours AS h WHERE h.expert_id = EXPERT)"""
SQLITE_WEEK = """(SELECT coalesce(group_concat(interval, ';'), '') FROM (
        SELECT h.weekday || ' ' || substr(h.starts, 1, 8) || ' ' || substr(h.ends, 1, 8)
            AS interval
        FROM expert_hours AS h WHERE h.expert_id = EXPERT
        ORDER BY h.weekday, h.starts, h.ends))"""
#: Write the week of the expert ``EXPERT`` again.
REWRITE = "UPDATE expert SET week = WEEK WHERE id = EXPERT;"

POSTGRES_FUNCTION = """CREATE FUNCTION expert_week_kept() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN OLD_WEEK END IF;
    IF TG_OP <> 'DELETE' THEN NEW_WEEK END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""
POSTGRES_TRIGGER = """CREATE TRIGGER expert_week_kept
    AFTER INSERT OR UPDATE OR DELETE ON expert_hours
    FOR EACH ROW EXECUTE FUNCTION expert_week_kept()"""

#: SQLite: (name, event, the rows whose expert's week is written again).
SQLITE_TRIGGERS = (
    ("expert_week_after_insert", "INSERT", ("NEW",)),
    ("expert_week_after_update", "UPDATE", ("OLD", "NEW")),
    ("expert_week_after_delete", "DELETE", ("OLD",)),
)


def rewrite(week: str, row: str) -> str:
    """The statement writing again the week of ``row``'s (OLD or NEW) expert."""
    return REWRITE.replace("WEEK", week).replace("EXPERT", f"{row}.expert_id")


def create_week_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        function = POSTGRES_FUNCTION.replace("OLD_WEEK", rewrite(POSTGRES_WEEK, "OLD"))
        op.execute(function.replace("NEW_WEEK", rewrite(POSTGRES_WEEK, "NEW")))
        op.execute(POSTGRES_TRIGGER)
        return
    for name, event, rows in SQLITE_TRIGGERS:
        updates = " ".join(rewrite(SQLITE_WEEK, row) for row in rows)
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON expert_hours BEGIN {updates} END")


def drop_week_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS expert_week_kept ON expert_hours")
        op.execute("DROP FUNCTION IF EXISTS expert_week_kept()")
        return
    for name, _event, _rows in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def write_every_week() -> None:
    """Write every expert's week from its hours (once, before the triggers keep it)."""
    week = POSTGRES_WEEK if op.get_bind().dialect.name == "postgresql" else SQLITE_WEEK
    op.execute(REWRITE.replace("WEEK", week).replace("EXPERT", "expert.id"))
