"""Fixtures of the payment tests: Stripe with its HTTP transport faked, Stripe not set up, and a
paid ticket."""

from decimal import Decimal

import pytest

from registrations.payments import client as stripe_client
from tests.factories.registrations import ticket
from tests.registrations.payments.stripe_fake import SECRET_KEY, WEBHOOK_SECRET, FakeStripeAPI


@pytest.fixture
def fake(settings, monkeypatch):
    """Stripe set up, its HTTP transport a fake that answers like Stripe's API."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    api = FakeStripeAPI()
    monkeypatch.setattr(stripe_client, "HTTP_CLIENT", api)
    return api


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.fixture
def paid_ticket(event):
    return ticket(
        event, quota=10, name="Delegate", price=Decimal("120.00"), currency="EUR", hold_minutes=30
    )
