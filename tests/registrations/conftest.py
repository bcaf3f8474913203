import datetime as dt

import pytest
from django.utils import timezone

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
