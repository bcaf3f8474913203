"""The iCalendar exports: what each feed holds, read with icalendar and with vobject; stable UIDs
and growing SEQUENCEs through moves, delays and cancellations; time zones across a DST change
and without DST; drafts and unpublished programmes never showing; the registration's calendar."""

import datetime as dt
from urllib.parse import urlsplit

import icalendar
import pytest
from django.conf import settings
from icalendar.parser import Contentlines

from events.models import Room
from sessions import ical
from sessions.models import RoleKind
from sessions.services.bookmarks import bookmark_add
from sessions.services.chair import session_delay
from sessions.services.people import role_assign
from sessions.services.sessions import (
    session_cancel,
    session_move,
    session_set_status,
    session_update,
)
from tests.factories import (
    EventFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TrackFactory,
    UserFactory,
    VenueFactory,
    at,
)
from tests.factories.registrations import RegistrationFactory, TicketTypeFactory
from tests.helpers import publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

UTC = dt.UTC
CALENDAR = "/events/seminar/calendar.ics"


def host() -> str:
    return urlsplit(settings.SITE_URL).hostname


def uid(session) -> str:
    return f"session-{session.pk}@{host()}"


@pytest.fixture
def panel(event):
    """A published panel with a track, an abstract, a chair and a speaker."""
    event.venue = VenueFactory(
        name="Convention Centre", address="1 Harbour Road\nFutian", city="Shenzhen"
    )
    event.save()
    session = SessionFactory(
        event=event,
        title="Digital universities",
        abstract="How universities teach online.",
        track=TrackFactory(event=event, name="Policy"),
        room=RoomFactory(event=event, name="Hall A", floor="2"),
    )
    SessionRoleFactory(
        session=session,
        person=PersonFactory(event=event, honorific="Prof.", name="Li Wei", position="Dean"),
        role=RoleKind.CHAIR,
    )
    SessionRoleFactory(
        session=session, person=PersonFactory(event=event, name="Amina Diallo", position="")
    )
    publish(event)
    return session


def test_event_calendar_holds_every_field(client, read_ics, event, panel):
    parsed = read_ics(client.get(CALENDAR))

    calendar = parsed.calendar
    assert calendar["PRODID"] == "-//confman//confman 0.1//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["X-WR-CALNAME"] == "Asia-Pacific Regional Seminar"
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in parsed.raw
    assert "X-PUBLISHED-TTL:PT6H" in parsed.raw
    entry = parsed.events[uid(panel)]
    start = at(event, 0, "10:00")
    assert entry["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert entry.start == start and entry.end == start + dt.timedelta(hours=1)
    assert entry["SUMMARY"] == "Digital universities"
    assert entry["SEQUENCE"] == 0
    assert entry["STATUS"] == "CONFIRMED"
    assert (
        entry["LOCATION"]
        == "Hall A, floor 2, Convention Centre, 1 Harbour Road, Futian, Shenzhen, China"
    )
    assert entry["URL"] == f"{settings.SITE_URL}/events/seminar/sessions/{panel.pk}/"
    assert [str(c) for c in entry.categories] == ["Policy", "Panel"]
    description = str(entry["DESCRIPTION"])
    assert description.startswith("How universities teach online.\n")
    assert "Chairs and moderators: Prof. Li Wei, Dean" in description
    assert "Speakers and panellists: Amina Diallo" in description
    assert entry.DTSTAMP.tzinfo is not None and entry.LAST_MODIFIED.tzinfo is not None
    assert entry.LAST_MODIFIED == entry.DTSTAMP

    other = parsed.other_events[uid(panel)]
    assert other.dtstart.value == start and other.dtend.value == start + dt.timedelta(hours=1)
    assert other.summary.value == "Digital universities"
    assert other.sequence.value == "0"
    assert other.status.value == "CONFIRMED"
    assert other.location.value.startswith("Hall A, floor 2")
    assert other.categories.value == ["Policy", "Panel"]
    assert "Amina Diallo" in other.description.value
    assert parsed.other.x_wr_calname.value == "Asia-Pacific Regional Seminar"


def test_lines_are_folded_and_end_with_crlf(client, read_ics, panel):
    session_update(session=panel, by=None, abstract="A long abstract. " * 40)

    parsed = read_ics(client.get(CALENDAR))

    lines = parsed.raw.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)
    assert "A long abstract. " * 3 in str(parsed.events[uid(panel)]["DESCRIPTION"])


def test_move_keeps_the_uid_and_raises_the_sequence(client, read_ics, event, panel):
    before = read_ics(client.get(CALENDAR)).events[uid(panel)]
    new_start = at(event, 1, "14:00")

    session_move(session=panel, by=None, start=new_start)

    after = read_ics(client.get(CALENDAR))
    entry = after.events[uid(panel)]
    assert entry["SEQUENCE"] == before["SEQUENCE"] + 1
    assert entry.start == new_start
    assert entry.LAST_MODIFIED >= before.LAST_MODIFIED
    other = after.other_events[uid(panel)]
    assert (other.sequence.value, other.dtstart.value) == ("1", new_start)


def test_room_change_delay_status_and_cancel_each_raise_the_sequence(
    client, read_ics, event, panel
):
    def entry():
        return read_ics(client.get(CALENDAR)).events[uid(panel)]

    session_move(session=panel, by=None, room=RoomFactory(event=event, name="Hall B"))
    assert (entry()["SEQUENCE"], str(entry()["LOCATION"]).split(",")[0]) == (1, "Hall B")

    session_delay(session=panel, by=None, minutes=15)
    delayed = entry()
    assert delayed["SEQUENCE"] == 2
    assert delayed.start == at(event, 0, "10:15")
    assert delayed.end == at(event, 0, "11:15")
    assert "Running 15 minutes late (planned start 10:00)." in str(delayed["DESCRIPTION"])

    session_set_status(session=panel, by=None, status="live")
    assert entry()["SEQUENCE"] == 3

    session_cancel(session=panel, by=None)
    cancelled = entry()
    assert cancelled["SEQUENCE"] == 4
    assert cancelled["STATUS"] == "CANCELLED"


def test_changes_of_people_or_title_leave_the_sequence_but_not_the_content(
    client, read_ics, event, panel
):
    before = read_ics(client.get(CALENDAR)).events[uid(panel)]

    role_assign(
        session=panel,
        by=None,
        person=PersonFactory(event=event, name="Sara Haddad"),
        role="speaker",
    )
    session_update(session=panel, by=None, title="Digital universities in Asia")

    entry = read_ics(client.get(CALENDAR)).events[uid(panel)]
    assert entry["SEQUENCE"] == before["SEQUENCE"] == 0
    assert entry["SUMMARY"] == "Digital universities in Asia"
    assert "Sara Haddad" in str(entry["DESCRIPTION"])
    assert entry.LAST_MODIFIED >= before.LAST_MODIFIED


def test_switching_a_session_online_raises_the_sequence(client, read_ics, event, panel):
    session_move(
        session=panel, by=None, room=Room.objects.create(event=event, name="Zoom", kind="virtual")
    )
    session_update(session=panel, by=None, attendance="online")

    entry = read_ics(client.get(CALENDAR)).events[uid(panel)]
    assert entry["SEQUENCE"] == 2
    assert entry["LOCATION"] == "Online"
    assert "GEO" not in entry


def test_cancelled_session_stays_with_status_cancelled(client, read_ics, panel):
    session_cancel(session=panel, by=None, reason="Speaker unwell")

    parsed = read_ics(client.get(CALENDAR))

    entry = parsed.events[uid(panel)]
    assert entry["STATUS"] == "CANCELLED"
    assert entry["SUMMARY"] == "Cancelled: Digital universities"
    assert "This session is cancelled." in str(entry["DESCRIPTION"])
    assert parsed.other_events[uid(panel)].status.value == "CANCELLED"


def test_drafts_never_appear(client, read_ics, event, panel):
    draft = SessionFactory(event=event, title="Secret draft", status="draft")

    parsed = read_ics(client.get(CALENDAR))

    assert uid(draft) not in parsed.events
    assert "Secret draft" not in parsed.raw
    assert client.get(f"/events/seminar/sessions/{draft.pk}/calendar.ics").status_code == 404


def test_unpublished_programme_exports_nothing_even_to_its_team(client, event, organiser):
    SessionFactory(event=event, title="Planned")
    client.force_login(organiser)

    for url in (CALENDAR, "/events/seminar/schedule.xml", "/events/seminar/schedule.json"):
        response = client.get(url)
        assert response.status_code == 404
        assert "not published yet" in response.content.decode()


def test_draft_event_is_not_found(client, draft_event):
    SessionFactory(event=draft_event)
    publish(draft_event)

    assert client.get("/events/draft-meeting/calendar.ics").status_code == 404


def test_one_session_calendar(client, read_ics, event, panel):
    other = SessionFactory(event=event, start=at(event, 1, "09:00"), end=at(event, 1, "10:00"))
    publish(event)

    parsed = read_ics(client.get(f"/events/seminar/sessions/{panel.pk}/calendar.ics"))

    assert list(parsed.events) == [uid(panel)]
    assert uid(other) not in parsed.raw
    assert parsed.calendar["X-WR-CALNAME"] == "Digital universities"
    assert "REFRESH-INTERVAL" not in parsed.calendar
    assert list(parsed.other_events) == [uid(panel)]


def test_berlin_across_the_october_change(client, read_ics):
    event = EventFactory(
        slug="berlin",
        timezone="Europe/Berlin",
        start_date=dt.date(2026, 10, 24),
        end_date=dt.date(2026, 10, 25),
    )
    saturday = SessionFactory(event=event, start=at(event, 0, "10:00"), end=at(event, 0, "11:00"))
    sunday = SessionFactory(event=event, start=at(event, 1, "10:00"), end=at(event, 1, "11:00"))
    publish(event)

    parsed = read_ics(client.get("/events/berlin/calendar.ics"))

    (zone,) = parsed.calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    daylight, standard = zone.walk("DAYLIGHT"), zone.walk("STANDARD")
    assert daylight and standard
    change = next(s for s in standard if s["TZOFFSETFROM"].td == dt.timedelta(hours=2))
    assert change["DTSTART"].dt == dt.datetime(2026, 10, 25, 3, 0)
    assert change["TZOFFSETTO"].td == dt.timedelta(hours=1)
    events = parsed.events
    assert events[uid(saturday)]["DTSTART"].to_ical() == b"20261024T100000"
    assert events[uid(sunday)]["DTSTART"].to_ical() == b"20261025T100000"
    assert events[uid(saturday)].start.astimezone(UTC) == dt.datetime(2026, 10, 24, 8, tzinfo=UTC)
    assert events[uid(sunday)].start.astimezone(UTC) == dt.datetime(2026, 10, 25, 9, tzinfo=UTC)
    # vobject resolves the times through the VTIMEZONE in the file, not through its own data.
    other = parsed.other_events
    assert other[uid(saturday)].dtstart.value.astimezone(UTC).hour == 8
    assert other[uid(sunday)].dtstart.value.astimezone(UTC).hour == 9


def test_shanghai_has_one_standard_offset(client, read_ics, event, panel):
    parsed = read_ics(client.get(CALENDAR))

    (zone,) = parsed.calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Shanghai"
    assert zone.walk("DAYLIGHT") == []
    assert {s["TZOFFSETTO"].td for s in zone.walk("STANDARD")} == {dt.timedelta(hours=8)}
    start = parsed.other_events[uid(panel)].dtstart.value
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert start.astimezone(UTC) == dt.datetime.combine(event.start_date, dt.time(2), tzinfo=UTC)


def test_utc_event_has_utc_times_and_no_vtimezone(client, read_ics):
    event = EventFactory(slug="online-forum", timezone="UTC", format="online", venue=None)
    session = SessionFactory(event=event, room=None, attendance="online")
    publish(event)

    parsed = read_ics(client.get("/events/online-forum/calendar.ics"))

    assert parsed.calendar.walk("VTIMEZONE") == []
    entry = parsed.events[uid(session)]
    assert entry["DTSTART"].to_ical().endswith(b"Z")
    assert entry["LOCATION"] == "Online"


def test_filters_choose_sessions_and_name_the_calendar(client, read_ics, event, panel):
    other_track = TrackFactory(event=event, name="Practice")
    keynote = SessionFactory(
        event=event,
        kind="keynote",
        track=other_track,
        start=at(event, 1, "09:00"),
        end=at(event, 1, "10:00"),
    )
    publish(event)
    chair = panel.chairs[0].person

    by_track = read_ics(client.get(f"{CALENDAR}?track={other_track.pk}"))
    by_room = read_ics(client.get(f"{CALENDAR}?room={panel.room_id}"))
    by_kind = read_ics(client.get(f"{CALENDAR}?kind=keynote"))
    by_person = read_ics(client.get(f"{CALENDAR}?person={chair.pk}"))
    unfiltered = read_ics(client.get(f"{CALENDAR}?track=&room="))

    assert list(by_track.events) == [uid(keynote)]
    assert by_track.calendar["X-WR-CALNAME"] == "Asia-Pacific Regional Seminar: Practice"
    assert list(by_room.events) == [uid(panel)]
    assert list(by_kind.events) == [uid(keynote)]
    assert by_kind.calendar["X-WR-CALNAME"] == "Asia-Pacific Regional Seminar: Keynote"
    assert list(by_person.events) == [uid(panel)]
    assert set(unfiltered.events) == {uid(panel), uid(keynote)}


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("track=999999", "has no track 999999. Its tracks are: "),
        ("track=policy", "?track= takes a number (an id), not “policy”."),
        ("room=0", "?room= takes a number"),
        ("room=999999", "has no room 999999"),
        ("kind=talk", "?kind= takes one of: opening, keynote"),
        ("person=999999", "No person 999999 is on the public programme"),
        ("person=-3", "?person= takes a number"),
        ("track=99999999999999999999999", "?track= takes a number"),
        ("person=99999999999999999999999", "?person= takes a number"),
    ],
)
def test_unknown_filter_values_are_a_400_that_says_why(client, panel, query, says):
    response = client.get(f"{CALENDAR}?{query}")

    assert response.status_code == 400
    assert says in response.content.decode()


def test_person_only_in_drafts_is_not_a_filter(client, event, panel):
    hidden = PersonFactory(event=event, name="Not yet announced")
    SessionRoleFactory(session=SessionFactory(event=event, status="draft"), person=hidden)

    assert client.get(f"{CALENDAR}?person={hidden.pk}").status_code == 400


def test_control_characters_are_dropped(client, read_ics, panel):
    session_update(session=panel, by=None, abstract="Bell\x07 and form\x0cfeed")

    parsed = read_ics(client.get(CALENDAR))

    assert str(parsed.events[uid(panel)]["DESCRIPTION"]).startswith("Bell and formfeed")


def test_refresh_interval_is_short_around_the_event():
    event = EventFactory.build(start_date=dt.date(2026, 5, 10), end_date=dt.date(2026, 5, 11))

    assert ical.refresh_interval(event, dt.date(2026, 5, 1)) == dt.timedelta(hours=6)
    assert ical.refresh_interval(event, dt.date(2026, 5, 9)) == dt.timedelta(minutes=15)
    assert ical.refresh_interval(event, dt.date(2026, 5, 11)) == dt.timedelta(minutes=15)
    assert ical.refresh_interval(event, dt.date(2026, 5, 12)) == dt.timedelta(hours=6)


def test_registration_calendar_has_the_event_and_the_bookmarked_sessions(event, panel):
    user = UserFactory(username="delegate")
    SessionFactory(
        event=event, title="Not mine", start=at(event, 1, "09:00"), end=at(event, 1, "10:00")
    )
    publish(event)
    bookmark_add(user=user, session=panel)
    registration = RegistrationFactory(ticket=TicketTypeFactory(event=event), user=user)

    content = ical.registration_calendar(registration)

    calendar = icalendar.Calendar.from_ical(content)
    entries = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    whole = entries[f"event-{event.pk}@{host()}"]
    assert whole.start == event.start_date
    assert whole.end == event.end_date + dt.timedelta(days=1)
    assert whole["DTSTART"].params["VALUE"] == "DATE"
    assert whole["SUMMARY"] == "Asia-Pacific Regional Seminar"
    assert set(entries) == {f"event-{event.pk}@{host()}", uid(panel)}
    assert b"Not mine" not in content
    assert "REFRESH-INTERVAL" not in calendar


def test_registration_without_an_account_gets_the_event_alone(event, panel):
    registration = RegistrationFactory(ticket=TicketTypeFactory(event=event), user=None)

    calendar = icalendar.Calendar.from_ical(ical.registration_calendar(registration))

    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [f"event-{event.pk}@{host()}"]


def test_session_entries_are_the_lines_icalendar_itself_writes(client, read_ics, event, panel):
    """The sessions' entries are written as lines, for speed; icalendar, reading them and
    writing them again, gives the very same lines."""
    event.venue.latitude, event.venue.longitude = 22.5431, 114.0579
    event.venue.save()
    session_update(session=panel, by=None, abstract="Commas, semicolons; a \\ backslash\nand 中文")
    session_delay(session=panel, by=None, minutes=5)

    parsed = read_ics(client.get(CALENDAR))

    ours = Contentlines.from_ical(parsed.raw)
    block = ours[ours.index("BEGIN:VEVENT") : ours.index("END:VEVENT") + 1]
    entry = parsed.events[uid(panel)]
    again = Contentlines.from_ical(entry.to_ical().decode())
    assert [str(line) for line in block] == [str(line) for line in again if line]
    assert "GEO" in entry


@pytest.mark.parametrize(
    "line",
    [
        "DESCRIPTION:" + "x" * 300,
        "SUMMARY:" + "中文标题" * 40,
        "DESCRIPTION:" + "a" * 62 + "\\n" + "b" * 100,
        "DESCRIPTION:" + "a" * 61 + "\\\\" + "\\," + "c" * 100,
        "LOCATION:short",
    ],
)
def test_fold_keeps_lines_short_and_whole(line):
    folded = ical.fold(line)

    pieces = folded.split(b"\r\n")
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.startswith(b" ") for piece in pieces[1:])
    assert all(not piece.endswith(b"\\") or piece.endswith(b"\\\\") for piece in pieces[:-1])
    assert b"".join(piece.removeprefix(b" ") for piece in pieces).decode() == line
