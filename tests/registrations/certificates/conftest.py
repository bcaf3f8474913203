import datetime as dt

import pytest
from django.utils import timezone

from registrations.models import CheckIn, ScanResult, ScanType, Viewing
from tests.factories import EventFactory
from tests.factories.registrations import RegistrationFactory, TicketTypeFactory


@pytest.fixture
def past_event(db):
    """A two-day seminar that ended last week, with a venue."""
    start = timezone.now().date() - dt.timedelta(days=8)
    return EventFactory(
        slug="past-seminar",
        title="Policy Forum on Digital Education",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        languages=["en"],
    )


@pytest.fixture
def hybrid_ticket(past_event):
    return TicketTypeFactory(event=past_event, name="Delegate", modes="either")


def check_in(registration, *, at=None, session=None, result=ScanResult.OK):
    return CheckIn.objects.create(
        event=registration.event,
        registration=registration,
        type=ScanType.ENTRY,
        result=result,
        device="desk-1",
        scanned_at=at or registration.event_start_utc,
        session=session,
    )


def watch(registration, start, minutes, room=None):
    return Viewing.objects.create(
        event=registration.event,
        registration=registration,
        room=room,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes),
    )


@pytest.fixture
def people(past_event, hybrid_ticket):
    """In person and checked in; online for 90 minutes; online for 5 minutes; a no-show; a
    cancelled one who had been checked in."""
    day = dt.datetime.combine(past_event.start_date, dt.time(9), tzinfo=past_event.tzinfo)

    def make(name, mode, **fields):
        registration = RegistrationFactory(ticket=hybrid_ticket, name=name, mode=mode, **fields)
        registration.event_start_utc = day
        return registration

    present = make("Amina Yusuf", "in_person", language="en")
    check_in(present, at=day)
    check_in(present, at=day + dt.timedelta(days=1))
    watcher = make("Li Wei", "online")
    watch(watcher, day, 60)
    watch(watcher, day + dt.timedelta(hours=3), 30)
    brief = make("Brief Viewer", "online")
    watch(brief, day, 5)
    no_show = make("No Show", "in_person")
    gone = make("Gone Away", "in_person", state="cancelled")
    check_in(gone, at=day)
    return {
        "present": present,
        "watcher": watcher,
        "brief": brief,
        "no_show": no_show,
        "gone": gone,
    }


@pytest.fixture
def manager(past_event):
    """An organiser of the past seminar."""
    from events.models import TeamMember
    from tests.factories import TeamMemberFactory, UserFactory

    user = UserFactory(username="past-organiser")
    TeamMemberFactory(event=past_event, role=TeamMember.Role.ORGANISER, user=user)
    return user
