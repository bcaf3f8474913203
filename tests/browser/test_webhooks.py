"""The organisers' webhook pages on a phone, in a real browser: adding an endpoint shows its
secret once; the endpoints and their deliveries never scroll the page sideways."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import TeamMember
from registrations.models import WebhookDelivery, WebhookEndpoint
from tests.factories import EventFactory, TeamMemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
LONG_URL = "http://127.0.0.1:9/" + "integrations/crm-connector/" * 4 + "receive?token=" + "x" * 60


@pytest.fixture
def organiser(transactional_db):
    event = EventFactory(slug="seminar", title="Asia-Pacific Regional Seminar")
    user = UserFactory(username="organiser")
    TeamMemberFactory(event=event, user=user, role=TeamMember.Role.ORGANISER)
    return event


def sign_in(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_adding_an_endpoint_on_a_phone_shows_its_secret_once(page, live_server, organiser):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "/events/seminar/manage/webhooks/")

    page.get_by_label("Address (https)").fill(LONG_URL)
    page.get_by_label("Session changed").check()
    page.get_by_label("Registration confirmed").check()
    page.get_by_role("button", name="Add the endpoint").click()

    secret = WebhookEndpoint.objects.get().secret
    expect(page.get_by_role("status")).to_contain_text(secret)
    expect(page.locator(".event-card")).to_contain_text("Registration confirmed, Session changed")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.reload()
    expect(page.locator(".event-card")).to_have_count(1)
    assert secret not in page.content()


def test_the_deliveries_log_on_a_phone(page, live_server, organiser):
    endpoint = WebhookEndpoint.objects.create(
        event=organiser, url=LONG_URL, secret="whsec_" + "A" * 32, event_types=["session.changed"]
    )
    for n in range(3):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_browser_{n}_" + "y" * 20,
            event_type="session.changed",
            payload={},
            status="failed",
            attempts=9,
            response_status=503,
            error="ConnectionRefusedError: [Errno 111] Connection refused",
            retry_until=timezone.now(),
        )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, f"/events/seminar/manage/webhooks/{endpoint.pk}/deliveries/")

    expect(page.get_by_role("button", name="Send again")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.get_by_role("button", name="Send again").first.click()
    expect(page.get_by_role("status")).to_contain_text("Queued to be sent again.")
    assert WebhookDelivery.objects.filter(status="pending").count() == 1
