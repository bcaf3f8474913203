"""The programme in the Frab schedule format that schedule apps read (Giggity, EventFahrplan,
c3voc tooling, info-beamer), as XML and as JSON, valid against the c3voc schemas
(tests/fixtures/frab-schedule.xml.xsd and frab-schedule.schema.json).

- guids are UUID5s of this installation's namespace (from SITE_URL, so they do not depend on any
  secret) and the session's, room's or person's id: stable, and never the same on two sites;
- days run from midnight to midnight in the event's zone (day_change 00:00, like the agenda's
  days); a session belongs to the day its actual start (delay included) falls on, and a day
  with a session outside the event's dates is added rather than the session dropped;
- cancelled sessions are left out: schedule apps have no notion of cancellation, and would show
  them as taking place;
- `version` is the programme's last update number, so it changes with every change the update
  log records;
- people are named (with their honorific), without biographies: the update log does not number
  a change of biography, so an export showing them could not tell it had changed;
- a session's public materials are its attachments (files, through the download view) and
  links (recordings and other links); the others are for participants, not for public feeds."""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.models import Event, Room, Track
from sessions.ical import clean, session_url_prefix
from sessions.materials import material_href, public_materials_by_session
from sessions.models import MaterialKind, Person, Session, SessionKind
from sessions.selectors import day_bounds

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = {"name": "confman", "version": "0.1"}
TIMESLOT = "00:05"

# The c3voc schemas' kinds of reference.
REFERENCE_TYPES = {
    MaterialKind.SLIDES: "slides",
    MaterialKind.DOCUMENT: "paper",
    MaterialKind.RECORDING: "media",
    MaterialKind.PHOTOS: "media",
    MaterialKind.LINK: "web",
}

_TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")
_ROOM_SLUG = re.compile(r"[a-z0-9_-]+[a-z0-9]")


def namespace() -> uuid.UUID:
    """This installation's namespace for guids: the same for as long as its address is."""
    return _namespace(settings.SITE_URL)


@lru_cache(maxsize=8)
def _namespace(site_url: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, site_url + "/")


def guid(kind: str, pk: int) -> str:
    return str(uuid.uuid5(namespace(), f"{kind}:{pk}"))


def acronym(event: Event) -> str:
    """The event's slug in the shape both schemas accept: lower-case letters, digits and
    underscores, at least four characters."""
    return event.slug.replace("-", "_").ljust(4, "_")


def session_slug(event: Event, session: Session) -> str:
    title = slugify(session.title)[:50].strip("-_")
    return f"{acronym(event)}-{session.pk}-{title if len(title) >= 3 else 'session'}"


def track_slugs(tracks: list[Track]) -> dict[int, str]:
    """A slug per track that starts with a letter (schedule apps require it), unique."""
    slugs: dict[int, str] = {}
    for track in tracks:
        slug = slugify(track.name).replace("_", "-").strip("-")
        if not _TRACK_SLUG.fullmatch(slug) or slug in slugs.values():
            slug = f"track-{track.pk}"
        slugs[track.pk] = slug
    return slugs


def _room_slug(room: Room) -> str | None:
    slug = slugify(room.name).strip("-_")
    return slug if _ROOM_SLUG.fullmatch(slug) else None


def _duration(value: timedelta) -> str:
    hours, minutes = divmod(int(value.total_seconds() // 60), 60)
    return f"{hours:02d}:{minutes:02d}"


@dataclass
class RoomDay:
    name: str
    guid: str | None
    sessions: list[Session] = field(default_factory=list)


@dataclass
class Day:
    index: int
    date: date
    start: datetime
    end: datetime
    rooms: list[RoomDay]


class Schedule:
    """The programme arranged the Frab way: days, then rooms (in the agenda's order), then
    sessions in time order."""

    def __init__(
        self,
        event: Event,
        sessions: list[Session],
        rooms: list[Room],
        tracks: list[Track],
        *,
        version: int,
    ):
        self.event = event
        self.rooms = rooms
        self.tracks = tracks
        self.version = str(version)
        self.track_slugs = track_slugs(tracks)
        self.acronym = acronym(event)
        self.url_prefix = session_url_prefix(event)
        self.kinds = {value: str(label) for value, label in SessionKind.choices}
        sessions = [s for s in sessions if not s.is_cancelled and s.is_placed]
        self.materials = public_materials_by_session(sessions)
        tz = event.tzinfo
        by_day: dict = {}
        for session in sessions:
            by_day.setdefault(session.actual_start.astimezone(tz).date(), []).append(session)
        unplaced = _("Room to be announced")
        self.days = []
        for index, day in enumerate(sorted(set(event.days) | set(by_day)), start=1):
            start, end = day_bounds(event, day)
            columns = {room.pk: RoomDay(room.name, guid("room", room.pk)) for room in rooms}
            columns[None] = RoomDay(unplaced, None)
            for session in sorted(by_day.get(day, []), key=lambda s: (s.actual_start, s.pk)):
                columns[session.room_id].sessions.append(session)
            day_rooms = [columns[room.pk] for room in rooms]
            if columns[None].sessions:
                day_rooms.append(columns[None])
            self.days.append(Day(index, day, start.astimezone(tz), end.astimezone(tz), day_rooms))

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.event.tzinfo)

    def language(self, session: Session) -> str | None:
        return session.language or (self.event.languages[0] if self.event.languages else None)

    @property
    def url(self) -> str:
        return settings.SITE_URL + reverse("agenda:schedule-xml", kwargs={"slug": self.event.slug})

    @property
    def event_url(self) -> str:
        return settings.SITE_URL + self.event.get_absolute_url()

    def references(self, session: Session) -> tuple[list[dict], list[dict]]:
        """The session's public (attachments, links): files and links, each with its url,
        title and c3voc type."""
        attachments, links = [], []
        for material in self.materials.get(session.pk, []):
            reference = {
                "url": material_href(material, self.event),
                "title": clean(str(material.title)),
                "type": REFERENCE_TYPES[material.kind],
            }
            (links if material.is_link else attachments).append(reference)
        return attachments, links

    def people(self, session: Session) -> list[Person]:
        seen, people = set(), []
        for role in session.ordered_roles:
            if role.person_id not in seen:
                seen.add(role.person_id)
                people.append(role.person)
        return people


# --- XML ------------------------------------------------------------------------------------


class _Xml:
    """Indented XML written as text, every text and attribute escaped: ElementTree takes
    several times as long for a programme of hundreds of sessions."""

    def __init__(self):
        self.parts = ["<?xml version='1.0' encoding='utf-8'?>\n"]
        self.depth = 0

    @staticmethod
    def _attributes(attributes: dict) -> str:
        return "".join(
            f" {name}={quoteattr(clean(value))}"
            for name, value in attributes.items()
            if value is not None
        )

    def open(self, tag: str, **attributes) -> None:
        self.parts.append(f"{' ' * self.depth}<{tag}{self._attributes(attributes)}>\n")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.parts.append(f"{' ' * self.depth}</{tag}>\n")

    def leaf(self, tag: str, text: str = "", **attributes) -> None:
        indent, attrs = " " * self.depth, self._attributes(attributes)
        if text:
            self.parts.append(f"{indent}<{tag}{attrs}>{escape(clean(text))}</{tag}>\n")
        else:
            self.parts.append(f"{indent}<{tag}{attrs} />\n")

    def encode(self) -> bytes:
        return "".join(self.parts).encode()


def _xml_references(xml: _Xml, tag: str, item: str, references: list[dict]) -> None:
    if not references:
        xml.leaf(tag)
        return
    xml.open(tag)
    for reference in references:
        xml.leaf(item, reference["title"], href=reference["url"], type=reference["type"])
    xml.close(tag)


def schedule_xml(schedule: Schedule) -> bytes:
    event = schedule.event
    xml = _Xml()
    xml.open("schedule")
    xml.leaf("generator", name=GENERATOR["name"], version=GENERATOR["version"])
    xml.leaf("url", schedule.url)
    xml.leaf("version", schedule.version)
    xml.open("conference")
    xml.leaf("acronym", schedule.acronym)
    xml.leaf("title", event.title)
    xml.leaf("start", event.start_date.isoformat())
    xml.leaf("end", event.end_date.isoformat())
    xml.leaf("days", str(len(schedule.days)))
    xml.leaf("timeslot_duration", TIMESLOT)
    xml.leaf("base_url", settings.SITE_URL + "/")
    xml.leaf("url", schedule.event_url)
    xml.leaf("time_zone_name", event.timezone)
    for track in schedule.tracks:
        xml.leaf(
            "track",
            track.name,
            name=track.name,
            color=track.colour,
            slug=schedule.track_slugs[track.pk],
        )
    xml.close("conference")
    for day in schedule.days:
        xml.open(
            "day",
            index=str(day.index),
            date=day.date.isoformat(),
            start=day.start.isoformat(),
            end=day.end.isoformat(),
        )
        for column in day.rooms:
            if not column.sessions:
                xml.leaf("room", name=column.name, guid=column.guid)
                continue
            xml.open("room", name=column.name, guid=column.guid)
            for session in column.sessions:
                start = schedule.local(session.actual_start)
                xml.open("event", id=str(session.pk), guid=guid("session", session.pk))
                xml.leaf("date", start.isoformat())
                xml.leaf("start", start.strftime("%H:%M"))
                xml.leaf("duration", _duration(session.end - session.start))
                xml.leaf("room", column.name)
                xml.leaf("slug", session_slug(event, session))
                xml.leaf("url", f"{schedule.url_prefix}{session.pk}/")
                xml.leaf("title", session.title)
                xml.leaf("subtitle")
                xml.leaf("track", session.track.name if session.track_id else "")
                xml.leaf("type", schedule.kinds[session.kind])
                language = schedule.language(session)
                if language:
                    xml.leaf("language", language)
                xml.leaf("abstract", session.abstract)
                xml.leaf("description")
                people = schedule.people(session)
                if people:
                    xml.open("persons")
                    for person in people:
                        xml.leaf(
                            "person",
                            person.display_name,
                            id=str(person.pk),
                            guid=guid("person", person.pk),
                        )
                    xml.close("persons")
                else:
                    xml.leaf("persons")
                attachments, links = schedule.references(session)
                _xml_references(xml, "links", "link", links)
                if attachments:
                    _xml_references(xml, "attachments", "attachment", attachments)
                xml.close("event")
            xml.close("room")
        xml.close("day")
    xml.close("schedule")
    return xml.encode()


# --- JSON -----------------------------------------------------------------------------------


def _session_json(schedule: Schedule, session: Session, room_name: str) -> dict:
    event = schedule.event
    start = schedule.local(session.actual_start)
    attachments, links = schedule.references(session)
    return {
        "guid": guid("session", session.pk),
        "id": session.pk,
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "end": schedule.local(session.actual_end).isoformat(),
        "duration": _duration(session.end - session.start),
        "room": room_name,
        "slug": session_slug(event, session),
        "url": f"{schedule.url_prefix}{session.pk}/",
        "title": clean(session.title),
        "subtitle": "",
        "track": session.track.name if session.track_id else None,
        "type": schedule.kinds[session.kind],
        "language": schedule.language(session),
        "abstract": clean(session.abstract) or None,
        "description": None,
        "persons": [
            {
                "guid": guid("person", person.pk),
                "name": person.display_name,
                "public_name": person.display_name,
            }
            for person in schedule.people(session)
        ],
        "links": links,
        "attachments": attachments,
    }


def schedule_json(schedule: Schedule) -> bytes:
    event = schedule.event
    rooms = [
        {
            "name": room.name,
            "guid": guid("room", room.pk),
            **({"slug": slug} if (slug := _room_slug(room)) else {}),
            **({"type": "online"} if room.is_virtual else {}),
            "capacity": room.capacity,
            "description": room.description or None,
        }
        for room in schedule.rooms
    ]
    conference = {
        "acronym": schedule.acronym,
        "title": clean(event.title),
        "description": clean(event.description) or "",
        "start": event.start_date.isoformat(),
        "end": event.end_date.isoformat(),
        "daysCount": len(schedule.days),
        "timeslot_duration": TIMESLOT,
        "time_zone_name": event.timezone,
        "url": schedule.event_url,
        "tracks": [
            {"name": track.name, "slug": schedule.track_slugs[track.pk], "color": track.colour}
            for track in schedule.tracks
        ],
        "rooms": rooms,
        "days": [
            {
                "index": day.index,
                "date": day.date.isoformat(),
                "day_start": day.start.isoformat(),
                "day_end": day.end.isoformat(),
                "rooms": {
                    column.name: [
                        _session_json(schedule, session, column.name) for session in column.sessions
                    ]
                    for column in day.rooms
                },
            }
            for day in schedule.days
        ],
    }
    document = {
        "$schema": SCHEMA_URL,
        "generator": GENERATOR,
        "schedule": {
            "url": settings.SITE_URL + reverse("agenda:schedule-json", kwargs={"slug": event.slug}),
            "version": schedule.version,
            "base_url": settings.SITE_URL + "/",
            "conference": conference,
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
