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


def _fill_the_form(page, *, name: str, email: str, ticket_label: str) -> None:
    page.get_by_label(ticket_label).check()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.locator("#id_country").select_option("VN")
    page.get_by_label("I have read the privacy notice above and agree to it.").check()
    page.get_by_role("button", name="Register").click()


def test_registering_twice_with_one_address_in_another_case(page, live_server, seminar):
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    register = f"{live_server.url}/events/seminar/register/"
    page.goto(register)
    _fill_the_form(
        page, name="Nguyen Thi Lan", email="lan@example.org", ticket_label="Online, online: free"
    )
    expect(page.get_by_role("status")).to_contain_text("Your place is confirmed, Nguyen Thi Lan.")
    mine = page.url

    # Someone else's browser (or the same person's, signed out) with the address in capitals.
    page.context.clear_cookies()
    page.goto(register)
    _fill_the_form(
        page, name="Lan Nguyen", email="LAN@Example.ORG", ticket_label="Online, online: free"
    )

    email = page.locator("#id_email_error")
    expect(email).to_contain_text("This email address already has a registration for this event")
    expect(email).to_contain_text("We have sent its link to that address")
    expect(page.get_by_role("link", name="get a sign-in link")).to_be_visible()
    expect(page.locator("#form-errors")).to_contain_text("already has a registration")
    assert page.get_by_label("Full name").input_value() == "Lan Nguyen"
    assert Registration.objects.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # The registrant, signed in by their own link, is taken back to their registration.
    page.goto(mine)
    page.goto(register)
    _fill_the_form(
        page, name="Nguyen Thi Lan", email="Lan@example.org", ticket_label="Online, online: free"
    )
    expect(page.get_by_role("status")).to_contain_text("Nguyen Thi Lan")
    expect(page.locator("main")).to_contain_text(Registration.objects.get().reference)
    assert "/events/seminar/registration/" in page.url
    assert Registration.objects.count() == 1


def test_a_wrong_access_code_is_said_then_the_right_one_in_small_letters_works(
    page, live_server, seminar
):
    event, _online = seminar
    ticket_create(
        event=event,
        by=None,
        name="Partner",
        modes="online",
        visibility="code",
        access_code="IIOE-2026",
    )
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/events/seminar/register/")
    code = page.get_by_label("Access code from your invitation")

    code.fill("IIOE-2025")
    page.get_by_role("button", name="Show my tickets").click()
    expect(page.locator("#code_error")).to_contain_text("No ticket uses this access code.")
    expect(page.locator("#form-errors")).to_contain_text("No ticket uses this access code.")
    assert code.input_value() == "IIOE-2025"
    assert code.get_attribute("aria-invalid") == "true"
    expect(page.get_by_label("Partner, online: free")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    code.fill(" iioe-2026 ")
    page.get_by_role("button", name="Show my tickets").click()
    expect(page.get_by_text("Code accepted")).to_be_visible()
    _fill_the_form(
        page, name="Amina Yusuf", email="amina@example.org", ticket_label="Partner, online: free"
    )
    expect(page.get_by_role("status")).to_contain_text("Your place is confirmed, Amina Yusuf.")
    assert Registration.objects.get().ticket.name == "Partner"
