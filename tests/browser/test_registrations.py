"""Registering and the organiser's list, in a real browser."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import TeamMember
from registrations.models import Registration
from registrations.services.registrations import registration_create
from registrations.services.tickets import ticket_create
from tests.factories import EventFactory, TeamMemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def seminar(transactional_db):
    event = EventFactory(slug="seminar", title="Asia-Pacific Regional Seminar")
    online = ticket_create(event=event, by=None, name="Online", modes="online")
    return event, online


def test_registering_on_a_phone_with_a_mistake_then_fixed(page, live_server, seminar):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/events/seminar/register/")

    page.get_by_label("Online, online: free").check()
    page.get_by_label("Full name").fill("Nguyen Thi Lan")
    page.get_by_label("Email").fill("lan@example")
    page.locator("#id_country").select_option("VN")
    page.get_by_role("button", name="Register").click()

    alert = page.locator("#form-errors")
    expect(alert).to_contain_text("Email")
    expect(alert).to_contain_text("privacy notice")
    assert page.get_by_label("Full name").input_value() == "Nguyen Thi Lan"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.get_by_label("Email").fill("lan@example.org")
    page.get_by_label("I have read the privacy notice above and agree to it.").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("status")).to_contain_text("Your place is confirmed, Nguyen Thi Lan.")
    assert Registration.objects.get().state == "confirmed"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_registrations_list_does_not_scroll_sideways(page, live_server, seminar, width):
    event, online = seminar
    user = UserFactory(username="organiser")
    TeamMemberFactory(event=event, user=user, role=TeamMember.Role.ORGANISER)
    for n in range(3):
        registration_create(
            ticket=online,
            mode="online",
            consent_version="v",
            name=f"Person {n}",
            email=f"p{n}@example.org",
            country="KE",
        )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/events/seminar/manage/registrations/")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".reg-headline")).to_contain_text(
        "3 confirmed participants. They come from 1 country."
    )
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_the_desk_on_a_phone_admits_once_then_says_when(page, live_server, transactional_db):
    today = timezone.now().date()
    event = EventFactory(slug="seminar", start_date=today, end_date=today + dt.timedelta(days=1))
    online = ticket_create(event=event, by=None, name="Delegate", modes="in_person")
    guest = registration_create(
        ticket=online,
        mode="in_person",
        consent_version="v",
        name="Amina Yusuf",
        email="amina@example.org",
        country="KE",
    )
    TeamMemberFactory(event=event, user=UserFactory(username="desk"), role=TeamMember.Role.CHECKIN)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/?next=/events/seminar/checkin/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    answer = page.locator("[data-desk-answer]")

    page.get_by_label("Badge code").fill(Registration.objects.get(pk=guest.pk).badge_secret)
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(answer).to_contain_text("ADMITTED")
    expect(answer).to_contain_text("Amina Yusuf")
    assert page.url.endswith("/events/seminar/checkin/")  # answered without a page load

    page.get_by_label("Badge code").fill(Registration.objects.get(pk=guest.pk).badge_secret)
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(answer).to_contain_text("ALREADY CHECKED IN")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
