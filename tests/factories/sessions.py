import datetime as dt

import factory

from events.models import AttendanceMode
from sessions.models import Person, Session, SessionRole
from tests.factories.events import EventFactory, RoomFactory


def published_around_today(*, days_after: int = 1, **fields):
    """A published event from yesterday to `days_after` days after today (UTC): "now" falls
    inside it whatever the hour and the event's zone, so the live schedule has a today."""
    from django.utils import timezone

    from sessions.services.programme import programme_publish
    from tests.factories.events import EventFactory

    today = timezone.localdate(timezone=dt.UTC)
    event = EventFactory(
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=days_after),
        **fields,
    )
    programme_publish(event=event, by=None)
    return event


def at(event, day: int, hh_mm: str) -> dt.datetime:
    """An aware datetime on the event's `day` (0-based) at "HH:MM" in the event's own zone."""
    hours, minutes = map(int, hh_mm.split(":"))
    local = dt.datetime.combine(
        event.start_date + dt.timedelta(days=day), dt.time(hours, minutes), tzinfo=event.tzinfo
    )
    return local


def session_at(event, room, start, end, **fields) -> Session:
    return SessionFactory(event=event, room=room, start=start, end=end, **fields)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    position = "Professor"
    country = "KE"


class SessionFactory(factory.django.DjangoModelFactory):
    """A scheduled session on the event's first day, 10:00-11:00 event time, unless told."""

    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    kind = Session.Kind.PANEL
    room = factory.LazyAttribute(lambda s: RoomFactory(event=s.event))
    start = factory.LazyAttribute(lambda s: at(s.event, 0, "10:00"))
    end = factory.LazyAttribute(lambda s: s.start + dt.timedelta(hours=1))
    attendance = AttendanceMode.HYBRID
    status = Session.Status.SCHEDULED


class SessionRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionRole

    session = factory.SubFactory(SessionFactory)
    person = factory.LazyAttribute(lambda r: PersonFactory(event=r.session.event))
    role = SessionRole.Kind.SPEAKER
