import datetime as dt

import pytest
from django.utils import timezone

from registrations.services.tickets import ticket_create
from tests.factories.registrations import registered, ticket


@pytest.fixture
def today_event(event):
    """The seminar, happening now (two days, so 'today' holds in any zone)."""
    today = timezone.now().date()
    event.start_date, event.end_date = today, today + dt.timedelta(days=1)
    event.save()
    return event


@pytest.fixture
def guest(today_event):
    """A confirmed delegate in person, with a badge."""
    return registered(ticket(today_event, name="Delegate"), name="Amina Yusuf")


@pytest.fixture
def online(event):
    """A free online ticket without a limit."""
    return ticket_create(
        event=event, by=None, name="Online participant", modes="online", quota=None
    )
