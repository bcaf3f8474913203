import datetime as dt

import pytest
from django.utils import timezone

from registrations.payments import client as stripe_client
from tests.factories.registrations import registered, ticket
from tests.registrations.payments.stripe_fake import SECRET_KEY, WEBHOOK_SECRET, FakeStripeAPI


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
def fake(settings, monkeypatch):
    """Stripe set up, its HTTP transport a fake that answers like Stripe's API."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    api = FakeStripeAPI()
    monkeypatch.setattr(stripe_client, "HTTP_CLIENT", api)
    return api
