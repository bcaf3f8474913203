"""The confirmation mail carries the event (and the registrant's own sessions, with the stream
links they may use) as an iCalendar attachment."""

import datetime as dt

import icalendar
import pytest

from livestream import services as stream_services
from livestream.models import Stream
from registrations.mail import build_message
from registrations.services.registrations import registration_create
from registrations.services.tickets import ticket_create
from sessions.services.bookmarks import bookmark_add
from sessions.services.programme import programme_publish
from tests.factories import UserFactory
from tests.factories.events import RoomFactory
from tests.factories.sessions import SessionFactory

pytestmark = pytest.mark.django_db


def _confirmed(event, mode, user=None):
    ticket = ticket_create(event=event, by=None, name=f"T {mode}", modes=mode)
    registration = registration_create(
        ticket=ticket,
        mode=mode,
        consent_version="v1",
        name="Amina Yusuf",
        email=f"{mode}@example.org",
        country="KE",
    )
    if user is not None:
        registration.user = user
        registration.save(update_fields=["user"])
    return registration


def _calendar(message):
    [(name, content, kind)] = [a for a in message.attachments if a[0].endswith(".ics")]
    assert kind.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def test_the_confirmation_carries_the_event_and_bookmarked_sessions_with_streams(event):
    programme_publish(event=event, by=None)
    hall = RoomFactory(event=event, name="Plenary Hall")
    keynote = SessionFactory(event=event, room=hall, title="Keynote")
    SessionFactory(
        event=event,
        room=hall,
        title="Not bookmarked",
        start=keynote.end,
        end=keynote.end + dt.timedelta(hours=1),
    )
    stream_services.stream_save(
        stream=Stream(
            event=event,
            room=hall,
            provider="zoom",
            url="https://zoom.example.org/j/1",
            passcode="IIOE26",
        ),
        by=None,
    )
    user = UserFactory()
    bookmark_add(user=user, session=keynote)
    registration = _confirmed(event, "online", user)

    calendar = _calendar(build_message(registration))

    events = calendar.walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert event.title in summaries and "Keynote" in summaries
    assert "Not bookmarked" not in summaries
    keynote_entry = next(e for e in events if str(e["SUMMARY"]) == "Keynote")
    assert "https://zoom.example.org/j/1" in str(keynote_entry["DESCRIPTION"])
    assert "IIOE26" in str(keynote_entry["DESCRIPTION"])


def test_an_in_person_delegate_gets_no_restricted_stream_link(event):
    programme_publish(event=event, by=None)
    hall = RoomFactory(event=event)
    keynote = SessionFactory(event=event, room=hall, title="Keynote")
    stream_services.stream_save(
        stream=Stream(event=event, room=hall, provider="zoom", url="https://zoom.example.org/j/2"),
        by=None,
    )
    user = UserFactory()
    bookmark_add(user=user, session=keynote)
    registration = _confirmed(event, "in_person", user)

    calendar = _calendar(build_message(registration))

    assert "zoom.example.org" not in calendar.to_ical().decode()
