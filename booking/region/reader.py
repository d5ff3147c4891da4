"""Read and check a region file (``config/regions/*.toml``) into frozen dataclasses.

Pure: no Flask, no database.  :func:`read_region_file` either returns a
:class:`Region` whose every reference resolves (an offering names an existing
service, an expert's services belong to its agency, ids are unique) or raises
:class:`RegionFileError` naming the file, the line and the field.  Loading the
result into the database is ``booking.region_loader``'s job.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from booking.engine.calendar_rules import MAUNDY_THURSDAY, is_short_day_name
from booking.region.absence_entries import read_absences
from booking.region.fields import Fields, FileContext, RegionFileError, check_slug
from booking.region.schema import (
    WHAT_TO_BRING,
    WHAT_TO_BRING_FIELDS,
    AgencyDef,
    CalendarRules,
    ClosureDef,
    ExpertDef,
    FiguresRules,
    MunicipalityDef,
    PointDef,
    Region,
    RoomDef,
    ServiceDef,
)
from booking.region.toml_locations import format_path

__all__ = [
    "Region",
    "RegionFileError",
    "parse_region",
    "read_region_file",
]

_SYNTAX_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_POSTAL_CODE = re.compile(r"^\d{5}$")
NAME = 120  # column lengths in booking.models
SMS_NAME = 60


def read_region_file(path: str | Path) -> Region:
    """Read and check the region file at ``path``; raise :class:`RegionFileError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RegionFileError(str(path), None, "", f"cannot be read: {error}") from error
    return parse_region(text, source=str(path))


def parse_region(text: str, *, source: str) -> Region:
    """Check the TOML ``text`` of a region file; ``source`` names it in errors."""
    context = FileContext(source, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"at line (\d+)", message)
        line = int(found.group(1)) if found else len(text.splitlines())
        field = format_path(context.locations.key_at(line))
        reason = "TOML syntax error: " + _SYNTAX_LINE.sub("", message)
        raise RegionFileError(source, line, field, reason) from None
    return _RegionReader(context, data).read()


class _RegionReader:
    def __init__(self, context: FileContext, data: dict) -> None:
        self.context = context
        self.root = Fields(context, data, ())

    def read(self) -> Region:
        meta = self.root.table("region")
        region_id = meta.slug("id", max_length=60)
        names = [meta.text(f"name_{lang}", max_length=NAME) for lang in ("fi", "sv", "en")]
        timezone = self._timezone(meta, "timezone")
        meta.finish()
        calendar = self._calendar(self.root.table("calendar"))
        figures = self._figures()
        municipalities = self._municipalities(self.root.table("municipalities"))
        agencies = self._agencies(self.root.table("agencies"))
        services = self._services(self.root.table("services"), {a.id for a in agencies})
        service_agency = {s.id: s.agency for s in services}
        points = self._points(
            self.root.table("points"),
            {m.id: m.postal_codes for m in municipalities},
            service_agency,
            timezone,
        )
        closures = self._closures(self.root.array_of_tables("closures", required=False), points)
        experts = self._experts(
            self.root.array_of_tables("experts"), {a.id for a in agencies}, service_agency
        )
        absences = read_absences(
            self.root.array_of_tables("absences", required=False),
            {expert.key for expert in experts},
            timezone,
        )
        self.root.finish()
        return Region(
            source=self.context.source,
            id=region_id,
            name_fi=names[0],
            name_sv=names[1],
            name_en=names[2],
            timezone=timezone,
            calendar=calendar,
            municipalities=municipalities,
            agencies=agencies,
            services=services,
            points=points,
            closures=closures,
            experts=experts,
            figures=figures,
            absences=absences,
        )

    def _timezone(self, fields: Fields, key: str, *, required: bool = True) -> str | None:
        name = fields.text(key, max_length=40, required=required)
        if name is not None:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                fields.fail(key, f"{name!r} is not a known time zone")
        return name

    def _calendar(self, fields: Fields) -> CalendarRules:
        closes = fields.time_of_day("short_day_closes")
        days = fields.strings("short_days", max_length=20)
        for day in days:
            if not is_short_day_name(day):
                fields.fail(
                    "short_days",
                    f'{day!r} is not "{MAUNDY_THURSDAY}" or a day "MM-DD"',
                    day,
                )
        fields.finish()
        return CalendarRules(short_day_closes=closes, short_days=days)

    def _figures(self) -> FiguresRules:
        """``[figures]``, optional: by default only the council and administrators see them."""
        if "figures" not in self.root.data:
            return FiguresRules()
        fields = self.root.table("figures")
        rules = FiguresRules(advisors_see_their_points=fields.boolean("advisors_see_their_points"))
        fields.finish()
        return rules

    def _ids(self, fields: Fields, max_length: int) -> Iterable[tuple[str, Fields]]:
        for key in fields.data:
            check_slug(self.context, (*fields.path, key), key, max_length)
            yield key, fields.table(key)

    def _municipalities(self, fields: Fields) -> tuple[MunicipalityDef, ...]:
        result = []
        owner: dict[str, str] = {}
        for key, entry in self._ids(fields, 40):
            codes = (
                entry.strings("postal_codes", max_length=5) if "postal_codes" in entry.data else ()
            )
            for code in codes:
                if not _POSTAL_CODE.match(code):
                    entry.fail("postal_codes", f"{code!r} is not a postal code of 5 digits", code)
                if code in owner:
                    entry.fail(
                        "postal_codes", f"{code!r} is already a code of {owner[code]!r}", code
                    )
                owner[code] = key
            result.append(
                MunicipalityDef(
                    key,
                    entry.text("fi", max_length=80),
                    entry.text("sv", max_length=80),
                    postal_codes=codes,
                    location=entry.location(),
                )
            )
            entry.finish()
        return tuple(result)

    def _agencies(self, fields: Fields) -> tuple[AgencyDef, ...]:
        result = []
        for key, entry in self._ids(fields, 40):
            template = entry.text("meeting_link_template", max_length=200)
            if "{reference}" not in template:
                entry.fail("meeting_link_template", "must contain {reference}")
            result.append(
                AgencyDef(
                    id=key,
                    name_fi=entry.text("name_fi", max_length=NAME),
                    name_sv=entry.text("name_sv", max_length=NAME),
                    name_en=entry.text("name_en", max_length=NAME),
                    sms_name_fi=entry.text("sms_name_fi", max_length=SMS_NAME),
                    sms_name_sv=entry.text("sms_name_sv", max_length=SMS_NAME),
                    sms_name_en=entry.text("sms_name_en", max_length=SMS_NAME),
                    meeting_link_template=template,
                )
            )
            entry.finish()
        return tuple(result)

    def _services(self, fields: Fields, agencies: set[str]) -> tuple[ServiceDef, ...]:
        result = []
        for key, entry in self._ids(fields, 60):
            agency = entry.text("agency", max_length=40)
            if agency not in agencies:
                entry.fail("agency", f"no agency {agency!r} in [agencies]")
            result.append(
                ServiceDef(
                    id=key,
                    agency=agency,
                    name_fi=entry.text("name_fi", max_length=NAME),
                    name_sv=entry.text("name_sv", max_length=NAME),
                    name_en=entry.text("name_en", max_length=NAME),
                    # 8 h + 2 h: well under the database's limit of a day for both.
                    duration_minutes=entry.integer("duration_minutes", minimum=5, maximum=480),
                    buffer_minutes=entry.integer("buffer_minutes", minimum=0, maximum=120),
                    grid_minutes=entry.integer("grid_minutes", minimum=5, maximum=120),
                    min_notice_minutes=entry.integer(
                        "min_notice_minutes", minimum=0, maximum=60 * 24 * 60
                    ),
                    horizon_days=entry.integer("horizon_days", minimum=1, maximum=366),
                    photo_id_required=entry.boolean("photo_id_required"),
                    **{
                        field: entry.text(field, max_length=WHAT_TO_BRING, required=False) or ""
                        for field in WHAT_TO_BRING_FIELDS
                    },
                )
            )
            entry.finish()
        return tuple(result)

    def _points(
        self,
        fields: Fields,
        municipalities: dict[str, tuple[str, ...]],
        service_agency: dict[str, str],
        default_timezone: str,
    ) -> tuple[PointDef, ...]:
        result = []
        for key, entry in self._ids(fields, 60):
            municipality = entry.text("municipality", max_length=40)
            if municipality not in municipalities:
                entry.fail("municipality", f"no municipality {municipality!r} in [municipalities]")
            postal_code = entry.text("postal_code", max_length=10)
            codes = municipalities[municipality]
            if codes and postal_code not in codes:
                entry.fail(
                    "postal_code", f"{postal_code!r} is not among {municipality!r}'s postal_codes"
                )
            offers = entry.strings("offers", max_length=60)
            for service in offers:
                if service not in service_agency:
                    entry.fail("offers", f"no service {service!r} in [services]", service)
            result.append(
                PointDef(
                    id=key,
                    municipality=municipality,
                    name_fi=entry.text("name_fi", max_length=NAME),
                    name_sv=entry.text("name_sv", max_length=NAME),
                    name_en=entry.text("name_en", max_length=NAME),
                    street_address=entry.text("street_address", max_length=120),
                    postal_code=postal_code,
                    post_office=entry.text("post_office", max_length=60),
                    phone=entry.text("phone", max_length=20, required=False),
                    timezone=self._timezone(entry, "timezone", required=False) or default_timezone,
                    rooms=self._rooms(entry),
                    offers=offers,
                    hours=entry.weekly_hours("hours"),
                    location=entry.location(),
                    online=entry.boolean("online") if "online" in entry.data else True,
                )
            )
            entry.finish()
        return tuple(result)

    def _rooms(self, point: Fields) -> tuple[RoomDef, ...]:
        rooms = []
        for entry in point.array_of_tables("rooms"):
            key = entry.slug("key", max_length=40)
            if any(room.key == key for room in rooms):
                entry.fail("key", f"duplicate room key {key!r}", key)
            rooms.append(RoomDef(key, entry.text("name", max_length=80)))
            entry.finish()
        if not rooms:
            point.fail("rooms", "a point needs at least one room")
        return tuple(rooms)

    def _closures(
        self, entries: list[Fields], points: tuple[PointDef, ...]
    ) -> tuple[ClosureDef, ...]:
        point_ids = {p.id for p in points}
        result = []
        for entry in entries:
            point = entry.text("point", max_length=60)
            if point not in point_ids:
                entry.fail("point", f"no point {point!r} in [points]")
            closed_on = entry.date("date")
            starts = entry.time_of_day("starts", required=False)
            ends = entry.time_of_day("ends", required=False)
            if (starts is None) != (ends is None):
                entry.fail(
                    "starts" if starts is None else "ends", "give both starts and ends, or neither"
                )
            if starts is not None and ends <= starts:
                entry.fail("ends", "must be later than starts")
            reason = entry.text("reason", max_length=200, required=False) or ""
            result.append(ClosureDef(point, closed_on, starts, ends, reason))
            entry.finish()
        return tuple(result)

    def _experts(
        self, entries: list[Fields], agencies: set[str], service_agency: dict[str, str]
    ) -> tuple[ExpertDef, ...]:
        result: list[ExpertDef] = []
        for entry in entries:
            key = entry.slug("key", max_length=60)
            if any(expert.key == key for expert in result):
                entry.fail("key", f"duplicate expert key {key!r}")
            agency = entry.text("agency", max_length=40)
            if agency not in agencies:
                entry.fail("agency", f"no agency {agency!r} in [agencies]")
            services = entry.strings("services", max_length=60)
            for service in services:
                if service not in service_agency:
                    entry.fail("services", f"no service {service!r} in [services]", service)
                if service_agency[service] != agency:
                    entry.fail("services", f"{service!r} is not a service of {agency!r}", service)
            languages = entry.strings("languages", max_length=2)
            for language in languages:
                if not _LANGUAGE.match(language):
                    entry.fail(
                        "languages", f"{language!r} is not a two-letter language code", language
                    )
            result.append(
                ExpertDef(
                    key=key,
                    agency=agency,
                    name=entry.text("name", max_length=NAME),
                    email=entry.text("email", max_length=254, required=False),
                    languages=languages,
                    services=services,
                    hours=entry.weekly_hours("hours"),
                )
            )
            entry.finish()
        return tuple(result)
