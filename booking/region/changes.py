"""Every change between two region snapshots, as lines an operator reads.

Snapshots come from :func:`booking.region.export.region_snapshot`: taken before
and after loading a region file, their difference is what the load changed —
field by field ("point keuruu: hours.fri ['08:30-13:00'] -> ['08:30-12:00']").
"""

from __future__ import annotations

from booking.region.export import Snapshot

_KEYED_SECTIONS = ("municipalities", "agencies", "services", "points")


def region_changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What differs, one line a change, in the file's order of sections."""
    lines = [
        f"calendar: {path} {old!r} -> {new!r}"
        for path, old, new in _differences(before["calendar"], after["calendar"], "")
    ]
    lines += [
        f"figures: {path} {old!r} -> {new!r}"
        for path, old, new in _differences(before["figures"], after["figures"], "")
    ]
    for section in _KEYED_SECTIONS:
        lines += _keyed(section, before[section], after[section])
    lines += _keyed("closures", _closures(before), _closures(after))
    experts_before = {e["key"]: e for e in before["experts"]}
    experts_after = {e["key"]: e for e in after["experts"]}
    lines += _keyed("experts", experts_before, experts_after)
    lines += _keyed("absences", _absences(before), _absences(after))
    return lines


def _absences(snapshot: Snapshot) -> dict[str, dict]:
    keyed = {}
    for absence in snapshot["absences"]:
        since = absence.get("first_day", absence.get("starts"))
        keyed[f"{absence['expert']} {since.isoformat()}"] = absence
    return keyed


def _closures(snapshot: Snapshot) -> dict[str, dict]:
    keyed = {}
    for closure in snapshot["closures"]:
        when = f"{closure['date']}" + (f" {closure['starts']}" if "starts" in closure else "")
        keyed[f"{closure['point']} {when}"] = closure
    return keyed


def _keyed(section: str, before: dict, after: dict) -> list[str]:
    kind = _SINGULAR[section]
    lines = []
    for key in before.keys() - after.keys():
        lines.append((key, f"{kind} {key}: removed (inactive)"))
    for key in after.keys() - before.keys():
        lines.append((key, f"{kind} {key}: added"))
    for key in before.keys() & after.keys():
        for path, old, new in _differences(before[key], after[key], ""):
            lines.append((key, f"{kind} {key}: {path} {old!r} -> {new!r}"))
    return [line for _, line in sorted(lines)]


def _differences(old: object, new: object, path: str):
    if isinstance(old, dict) and isinstance(new, dict):
        for name in sorted(old.keys() | new.keys()):
            inner = f"{path}.{name}" if path else name
            yield from _differences(old.get(name), new.get(name), inner)
    elif old != new:
        yield path, old, new


_SINGULAR = {
    "municipalities": "municipality",
    "agencies": "agency",
    "services": "service",
    "points": "point",
    "closures": "closure",
    "experts": "expert",
    "absences": "absence",
}
