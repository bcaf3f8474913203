"""Recording online attendance (the live channel calls these)."""

import datetime as dt

import pytest
from django.utils import timezone

from registrations.models import Viewing
from registrations.services.attendance import viewing_extend, viewing_open
from tests.factories import EventFactory
from tests.factories.events import RoomFactory
from tests.factories.registrations import registered, ticket


@pytest.mark.django_db
def test_a_room_of_another_event_is_not_recorded():
    today = timezone.localdate(timezone=dt.UTC)
    days = {"start_date": today - dt.timedelta(days=1), "end_date": today + dt.timedelta(days=1)}
    event = EventFactory(timezone="UTC", **days)
    elsewhere = RoomFactory(event=EventFactory(timezone="UTC", **days))
    person = registered(ticket(event, name="Online", modes="online"), mode="online")
    now = timezone.now()

    viewing = viewing_open(
        event_id=event.pk, registration_id=person.pk, room_id=elsewhere.pk, at=now
    )
    viewing_extend(viewing_id=viewing, at=now + dt.timedelta(minutes=5))
    viewing_extend(viewing_id=viewing, at=now + dt.timedelta(minutes=2))  # late, out of order

    row = Viewing.objects.get(pk=viewing)
    assert row.room_id is None
    assert row.seconds == 300


def at_ten(event, minutes: int = 0) -> dt.datetime:
    return dt.datetime.combine(event.start_date, dt.time(10), tzinfo=event.tzinfo) + dt.timedelta(
        minutes=minutes
    )


@pytest.mark.django_db
def test_online_attendance_counts_each_moment_once_and_only_in_the_events_days():
    from registrations.attendance import Viewings
    from registrations.models import CertificateSettings

    today = timezone.localdate(timezone=dt.UTC)
    event = EventFactory(
        timezone="Asia/Shanghai",
        start_date=today - dt.timedelta(days=3),
        end_date=today + dt.timedelta(days=1),
    )
    CertificateSettings.objects.create(event=event, online_minutes=45)
    online = ticket(event, name="Online", modes="online")
    two_tabs, before, enough = (
        registered(online, mode="online", email=f"{n}@example.org") for n in range(3)
    )
    for person, start, end in (
        (two_tabs, 0, 30),
        (two_tabs, 10, 40),  # open in a second tab: 40 minutes, not 60
        (before, -24 * 60, -23 * 60),  # the day before the first day
        (enough, 0, 20),
        (enough, 60, 90),  # 20 + 30 = 50
    ):
        Viewing.objects.create(
            event=event,
            registration=person,
            started_at=at_ten(event, start),
            ended_at=at_ten(event, end),
        )

    viewings = Viewings(event)

    assert viewings.watched()[two_tabs.pk] == dt.timedelta(minutes=40)
    assert before.pk not in viewings.watched()
    assert viewings.attended() == {enough.pk}
