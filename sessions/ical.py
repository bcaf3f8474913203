"""The programme as iCalendar (RFC 5545, RFC 7986), built with the `icalendar` library: the whole
event (or a part of it), one session, someone's own bookmarked sessions, and the calendar that
goes with a registration's confirmation.

What keeps subscribed calendars right when the programme changes:
- each session keeps one UID for good, made from its id (never from its time slot), and ids are
  never reused (public sessions can only be cancelled, not deleted);
- SEQUENCE counts the session's revisions of time, place and status in the update log
  (selectors.session_revisions), so it grows with every move, delay, status change and
  cancellation;
- a cancelled session stays, with STATUS:CANCELLED, so that calendars remove or strike it;
- times carry the event's TZID with a VTIMEZONE covering the dates concerned, delays included.
Calendars have no METHOD: DTSTAMP is then the entry's last modification (RFC 5545, 3.8.7.2),
which keeps an export of one programme state byte-for-byte the same however often it is built.
The one exception is the file attached to a change notice (registrations.notices): an iTIP
message (RFC 5546) with METHOD:REQUEST or CANCEL, an ORGANIZER and the recipient as ATTENDEE,
the same UID and SEQUENCE as the feeds, and DTSTAMP the time it was written, so that a mail
program applies it to the entry the person already has.

The calendar, its VTIMEZONE and the event's own entry are icalendar components. The sessions'
entries are written as content lines from icalendar's value types (vText, vDatetime,
vCategory, vGeo), in the order icalendar writes them: an icalendar component costs about a
millisecond to build and serialise, 600 of them more than half a second, the lines a tenth of
that. tests/sessions/test_ical.py checks that both ways give the same lines."""

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Timezone, vCategory, vDatetime, vGeo, vText
from icalendar import Event as VEvent

from events.models import AttendanceMode, Event
from events.timezones import local_today
from sessions import selectors
from sessions.models import Session, SessionKind, SessionRole

PRODID = "-//confman//confman 0.1//EN"
# How often subscribed calendars should look again: often while the event is near or on (delays,
# room changes), rarely otherwise.
REFRESH_DURING_EVENT = timedelta(minutes=15)
REFRESH_OTHERWISE = timedelta(hours=6)
# The VTIMEZONE covers the calendar's dates with this margin on each side.
ZONE_MARGIN = timedelta(days=7)
FOLD_OCTETS = 75  # per line, CRLF excluded (RFC 5545, 3.1)

# Characters RFC 5545 text (and XML) cannot carry: C0 controls other than tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    return _CONTROL.sub("", text or "")


def host() -> str:
    """The site's host name, the right-hand side of every UID."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_uid(session: Session) -> str:
    return f"session-{session.pk}@{host()}"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{host()}"


def refresh_interval(event: Event, today: date | None = None) -> timedelta:
    """From the day before the event to its last day (event time) a feed changes by the minute;
    otherwise hardly at all."""
    today = today or local_today(event.timezone)
    if event.start_date - timedelta(days=1) <= today <= event.end_date:
        return REFRESH_DURING_EVENT
    return REFRESH_OTHERWISE


# Where other modules add lines to someone's own sessions (livestream: their stream links).
# Each source is called as source(user, event, session_ids, registration) and returns
# {session_id: [line, ...]}; sessions does not import them, they register here.
PERSONAL_LINE_SOURCES: list = []


def personal_lines(
    user: User | None, event: Event, session_ids: Iterable[int], registration=None
) -> dict[int, list[str]]:
    """Lines added to the description of each session (by id) in someone's own calendar: the
    personal feed and the confirmation's attachment (e.g. how to follow it online, for a
    registered online participant). Whatever it returns is part of the personal feed's cache
    key."""
    ids = list(session_ids)
    lines: dict[int, list[str]] = {}
    for source in PERSONAL_LINE_SOURCES:
        for session_id, extra in source(user, event, ids, registration).items():
            lines.setdefault(session_id, []).extend(extra)
    return lines


def fold(line: str) -> bytes:
    """One content line in lines of at most 75 octets (RFC 5545, 3.1), cut neither inside a
    UTF-8 character nor between a backslash and the character it escapes. icalendar folds the
    same way, character by character; this works on the bytes, which a feed of hundreds of
    sessions needs."""
    data = line.encode()
    if len(data) <= FOLD_OCTETS:
        return data
    parts = []
    start, width = 0, FOLD_OCTETS
    while len(data) - start > width:
        end = start + width
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            end -= 1
        backslashes = len(data[start:end]) - len(data[start:end].rstrip(b"\\"))
        if backslashes % 2:
            end -= 1
        parts.append(data[start:end])
        start, width = end, FOLD_OCTETS - 1  # continuation lines begin with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts)


@lru_cache(maxsize=128)
def _vtimezone(zone: str, first: date, last: date) -> Timezone:
    # Computing the transitions takes milliseconds; a component is never changed once built.
    return Timezone.from_tzinfo(ZoneInfo(zone), zone, first, last)


def _duration(value: timedelta) -> str:
    """A positive duration as RFC 5545 writes it (PT15M, PT6H)."""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or not hours else "")


def _person(role: SessionRole) -> str:
    person = role.person
    return f"{person.display_name}, {person.position}" if person.position else person.display_name


def venue_parts(event: Event) -> list[str]:
    venue = event.venue if event.has_venue else None
    if venue is None:
        return []
    parts = [venue.name, *venue.address.splitlines(), venue.city, str(venue.country.name)]
    seen: list[str] = []
    for part in (p.strip().rstrip(",") for p in parts):
        if part and part not in seen:
            seen.append(part)
    return seen


def session_url_prefix(event: Event) -> str:
    """The address of the event's session pages up to the session's id."""
    return settings.SITE_URL + reverse("agenda:session", kwargs={"slug": event.slug, "pk": 0})[:-2]


def _value(value) -> str:
    encoded = value.to_ical()
    return encoded.decode() if isinstance(encoded, bytes) else encoded


class _Writer:
    """Builds the entries of one calendar: what every entry shares (translations, the venue,
    the address of the session pages) is worked out once, not per session."""

    def __init__(self, event: Event, itip: list[str] | None = None):
        self.event = event
        # ORGANIZER and ATTENDEE lines of an iTIP message, and its DTSTAMP (now).
        self.itip = itip or []
        self.now = _value(vDatetime(datetime.now(UTC).replace(microsecond=0))) if itip else ""
        self.utc = event.timezone == "UTC"
        self.tz = event.tzinfo
        sample = vDatetime(datetime(2000, 1, 1, tzinfo=UTC if self.utc else self.tz))
        self.tzid = f";{sample.params.to_ical().decode()}" if sample.params else ""
        self.online = _("Online")
        self.venue = venue_parts(event)
        self.floor = _("floor %(floor)s")
        self.groups = (
            _("Chairs and moderators"),
            _("Speakers and panellists"),
            _("Rapporteurs"),
        )
        self.attendance = {
            value: _("Attendance: %(mode)s") % {"mode": label}
            for value, label in AttendanceMode.choices
        }
        self.kinds = {value: str(label) for value, label in SessionKind.choices}
        self.cancelled = _("This session is cancelled.")
        self.cancelled_title = _("Cancelled: %(title)s")
        self.url_prefix = session_url_prefix(event)
        venue = event.venue
        self.geo = None
        if venue is not None and event.has_venue and venue.latitude is not None:
            self.geo = (float(venue.latitude), float(venue.longitude))

    def moment(self, name: str, value: datetime) -> str:
        """DTSTART or DTEND: in the event's zone with its TZID (the parameter as icalendar
        writes it, worked out once), or in UTC."""
        moment = vDatetime(value.astimezone(UTC if self.utc else self.tz))
        return f"{name}{self.tzid}:{_value(moment)}"

    def is_online(self, session: Session) -> bool:
        room = session.room
        if (room is not None and room.is_virtual) or session.attendance == AttendanceMode.ONLINE:
            return True
        return room is None and self.event.format == AttendanceMode.ONLINE

    def location(self, session: Session) -> str:
        """ "Online" for an online session or a virtual room, else the room (and floor), the
        venue and its address."""
        if self.is_online(session):
            return self.online
        parts = []
        if session.room is not None:
            parts.append(session.room.name)
            if session.room.floor:
                parts.append(self.floor % {"floor": session.room.floor})
        return ", ".join(parts + self.venue)

    def description(self, session: Session, url: str, extra: list[str]) -> str:
        lines = []
        if session.abstract:
            lines += [session.abstract.strip(), ""]
        for label, group in zip(
            self.groups, (session.chairs, session.speakers, session.rapporteurs), strict=True
        ):
            if group:
                lines.append(f"{label}: " + "; ".join(_person(role) for role in group))
        lines.append(self.attendance[session.attendance])
        if session.is_cancelled:
            lines.append(self.cancelled)
        elif session.delay_minutes:
            planned = session.start.astimezone(self.tz).strftime("%H:%M")
            lines.append(
                ngettext(
                    "Running %(minutes)s minute late (planned start %(time)s).",
                    "Running %(minutes)s minutes late (planned start %(time)s).",
                    session.delay_minutes,
                )
                % {"minutes": session.delay_minutes, "time": planned}
            )
        lines += extra
        lines += ["", url]
        return clean("\n".join(lines))

    def session(
        self, session: Session, revision: selectors.Revision | None, extra: list[str]
    ) -> list[str]:
        """The session's entry as unfolded content lines (see the module's docstring)."""
        modified = session.updated_at
        if revision is not None and revision.last_logged is not None:
            modified = max(modified, revision.last_logged)
        modified_stamp = _value(vDatetime(modified.astimezone(UTC).replace(microsecond=0)))
        stamp = self.now or modified_stamp
        url = f"{self.url_prefix}{session.pk}/"
        title = clean(session.title)
        if session.is_cancelled:
            title = self.cancelled_title % {"title": title}
        categories = [clean(session.track.name)] if session.track_id else []
        categories.append(self.kinds[session.kind])
        location = clean(self.location(session))
        lines = [
            "BEGIN:VEVENT",
            f"SUMMARY:{_value(vText(title))}",
            self.moment("DTSTART", session.actual_start),
            self.moment("DTEND", session.actual_end),
            f"DTSTAMP:{stamp}",
            f"UID:{_value(vText(session_uid(session)))}",
            f"SEQUENCE:{revision.number if revision is not None else 0}",
            *self.itip,
            f"CATEGORIES:{_value(vCategory(categories))}",
            "CLASS:PUBLIC",
            f"DESCRIPTION:{_value(vText(self.description(session, url, extra)))}",
        ]
        if self.geo is not None and session.room is not None and not self.is_online(session):
            lines.append(f"GEO:{_value(vGeo(self.geo))}")
        lines.append(f"LAST-MODIFIED:{modified_stamp}")
        if location:
            lines.append(f"LOCATION:{_value(vText(location))}")
        lines += [
            f"STATUS:{'CANCELLED' if session.is_cancelled else 'CONFIRMED'}",
            f"URL:{url}",
            "END:VEVENT",
        ]
        return lines

    def whole_event(self) -> VEvent:
        """The event itself, all day from its first to its last day."""
        event = self.event
        modified = event.updated_at.astimezone(UTC).replace(microsecond=0)
        location = self.online if event.format == AttendanceMode.ONLINE else ", ".join(self.venue)
        agenda = settings.SITE_URL + reverse("agenda:agenda", kwargs={"slug": event.slug})
        description = "\n".join(
            part
            for part in (event.description.strip(), _("Agenda: %(url)s") % {"url": agenda})
            if part
        )
        component = VEvent.new(
            uid=event_uid(event),
            stamp=modified,
            last_modified=modified,
            start=event.start_date,
            end=event.end_date + timedelta(days=1),
            summary=clean(event.title),
            sequence=0,
            status="CONFIRMED",
            location=clean(location) or None,
            url=settings.SITE_URL + event.get_absolute_url(),
            description=clean(description),
        )
        component.add("TRANSP", "TRANSPARENT")
        return component


def _zone_range(event: Event, sessions: list[Session]) -> tuple[date, date]:
    tz = event.tzinfo
    days = [event.start_date, event.end_date]
    if sessions:
        days.append(min(s.actual_start for s in sessions).astimezone(tz).date())
        days.append(max(s.actual_end for s in sessions).astimezone(tz).date())
    return min(days) - ZONE_MARGIN, max(days) + ZONE_MARGIN


def build_calendar(event: Event, sessions: list[Session], **options) -> bytes:
    """The calendar of these sessions (see calendar_lines), as the bytes of a .ics file."""
    return folded(calendar_lines(event, sessions, **options))


def calendar_lines(
    event: Event,
    sessions: list[Session],
    *,
    name: str,
    revisions: dict[int, selectors.Revision],
    extra: dict[int, list[str]] | None = None,
    refresh: timedelta | None = None,
    with_event: bool = False,
    method: str = "",
    organizer: str = "",
    attendee: str = "",
) -> list[str]:
    """The calendar of these sessions (placed, public: the caller chose them). `refresh` makes
    it a feed that tells subscribers how often to look again. `method` (REQUEST or CANCEL)
    makes it an iTIP message from `organizer` to `attendee` (email addresses)."""
    extra = extra or {}
    itip = []
    if method:
        itip = [
            f"ORGANIZER;CN={_value(vText(clean(event.title)))}:mailto:{organizer}",
            f"ATTENDEE;ROLE=OPT-PARTICIPANT;RSVP=FALSE:mailto:{attendee}",
        ]
    writer = _Writer(event, itip)
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    if method:
        calendar.add("METHOD", method)
    calendar.add("CALSCALE", "GREGORIAN")
    name = " ".join(clean(name).split())  # one line, whatever it was given
    calendar.add("NAME", name)
    calendar.add("X-WR-CALNAME", name)
    calendar.add("X-WR-TIMEZONE", event.timezone)
    calendar.add("URL", settings.SITE_URL + reverse("agenda:agenda", kwargs={"slug": event.slug}))
    if refresh is not None:
        calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", vText(_duration(refresh)))
    if not writer.utc:
        calendar.add_component(_vtimezone(event.timezone, *_zone_range(event, sessions)))
    if with_event:
        calendar.add_component(writer.whole_event())
    lines = [line for line in calendar.content_lines() if line]
    end = lines.pop()  # END:VCALENDAR, after the sessions
    for session in sessions:
        lines += writer.session(session, revisions.get(session.pk), extra.get(session.pk, []))
    lines.append(end)
    return lines


def folded(lines: list[str]) -> bytes:
    return b"\r\n".join(fold(line) for line in lines) + b"\r\n"


def registration_calendar(registration) -> bytes:
    """The calendar to attach to a registration's confirmation: the event as an all-day entry
    over its days, and the public sessions its user (if the registration has one) bookmarked."""
    event = registration.event
    user = registration.user
    sessions = []
    if user is not None:
        sessions = selectors.export_sessions(event, ids=selectors.bookmarked_ids(user, event))
    ids = [s.pk for s in sessions]
    return build_calendar(
        event,
        sessions,
        name=event.title,
        revisions=selectors.session_revisions(event, ids) if ids else {},
        extra=personal_lines(user, event, ids, registration),
        with_event=True,
    )
