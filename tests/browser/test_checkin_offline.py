"""The offline scenario of the check-in desk in a real browser: two phones at two entrances lose
the network, both let the same badge in, and when they come back the record holds one check-in
and one flagged duplicate. And finding people without a badge, online and offline alike."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import TeamMember
from registrations.models import CheckIn, Registration
from registrations.services.registrations import registration_cancel, registration_create
from registrations.services.tickets import ticket_create
from sessions.services.programme import programme_publish
from tests.browser.conftest import CHROMIUM_ARGS, playwright_session, screenshot
from tests.factories import EventFactory, TeamMemberFactory, UserFactory
from tests.factories.events import OrganizationFactory, RoomFactory
from tests.factories.sessions import SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def chromium():
    """A browser whose contexts do not share storage: each context is one phone."""
    with playwright_session() as (playwright, executable):
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def guest(transactional_db):
    today = timezone.now().date()
    event = EventFactory(slug="seminar", start_date=today, end_date=today + dt.timedelta(days=1))
    delegate = ticket_create(event=event, by=None, name="Delegate", modes="in_person")
    registration = registration_create(
        ticket=delegate,
        mode="in_person",
        consent_version="v",
        name="Amina Yusuf",
        email="amina@example.org",
        country="KE",
    )
    TeamMemberFactory(event=event, user=UserFactory(username="desk"), role=TeamMember.Role.CHECKIN)
    return Registration.objects.get(pk=registration.pk)


def _phone(chromium, live_server, gate, width=390, people="1 person"):
    context = chromium.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/?next=/events/seminar/checkin/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Entrance").fill(gate)
    # The desk has downloaded the check-in list before the network goes.
    expect(page.locator("[data-desk-sync]")).to_contain_text(people)
    return context, page


def _check_in(page, secret):
    page.get_by_label("Badge code").fill(secret)
    page.get_by_role("button", name="Check in", exact=True).click()


def test_two_offline_desks_admit_one_badge_then_sync_to_one_check_in_and_one_flag(
    chromium, live_server, guest
):
    north_context, north = _phone(chromium, live_server, "North gate")
    south_context, south = _phone(chromium, live_server, "South gate")
    north_context.set_offline(True)
    south_context.set_offline(True)

    _check_in(north, guest.badge_secret)
    _check_in(south, guest.badge_secret)

    for page in (north, south):
        expect(page.locator("[data-desk-answer]")).to_contain_text("ADMITTED")
        expect(page.locator("[data-desk-answer]")).to_contain_text("Amina Yusuf")
        expect(page.locator("[data-desk-answer]")).to_contain_text("Offline")
        sync = page.locator("[data-desk-sync]")
        expect(sync).to_contain_text("Offline")
        expect(sync).to_have_attribute("data-queue", "1")
    # Both still answer from their own list: a second scan at the same desk is refused, with
    # the time written as the server writes it, on the event's clock.
    _check_in(north, guest.badge_secret)
    expect(north.locator("[data-desk-answer]")).to_contain_text("ALREADY CHECKED IN")
    expect(north.locator("[data-desk-answer]")).to_contain_text(
        re.compile(r"Already checked in at \d\d:\d\d \(UTC\+08:00\)\.")
    )
    assert not CheckIn.objects.exists()

    north_context.set_offline(False)
    expect(north.locator("[data-desk-sync]")).to_have_attribute("data-queue", "0")
    south_context.set_offline(False)
    expect(south.locator("[data-desk-sync]")).to_have_attribute("data-queue", "0")
    expect(south.locator("[data-desk-sync]")).to_contain_text("1 flagged")

    admitted = CheckIn.objects.filter(registration=guest, result="ok", type="entry")
    assert admitted.count() == 1 and admitted.get().gate == "North gate"
    flagged = CheckIn.objects.get(flagged=True)
    assert flagged.gate == "South gate" and flagged.duplicate_of == admitted.get()
    assert flagged.offline and flagged.result == "already_checked_in"

    # Online again: the server's answer, with the time of the entry that counts.
    _check_in(south, guest.badge_secret)
    expect(south.locator("[data-desk-answer]")).to_contain_text("ALREADY CHECKED IN")
    expect(south.locator("[data-desk-answer]")).to_contain_text("North gate")
    north_context.close()
    south_context.close()


def test_offline_a_person_without_a_badge_is_found_by_name_and_checked_in(
    chromium, live_server, guest
):
    context, page = _phone(chromium, live_server, "North gate")
    context.set_offline(True)
    find = page.get_by_role("search")

    find.get_by_label("Name, email, organisation or reference").fill("nobody like this")
    find.get_by_role("button", name="Find").click()
    expect(page.locator("[data-desk-found]")).to_contain_text("Nobody on this device's list")

    find.get_by_label("Name, email, organisation or reference").fill("amina")
    find.get_by_role("button", name="Find").click()
    found = page.locator("[data-desk-found]")
    expect(found).to_contain_text("Offline: found on this device's list")
    found.get_by_role("button", name="Check in Amina Yusuf").click()

    expect(page.locator("[data-desk-answer]")).to_contain_text("ADMITTED")
    expect(page.locator("[data-desk-answer]")).to_contain_text("Amina Yusuf")
    expect(page.locator("[data-desk-sync]")).to_have_attribute("data-queue", "1")
    # Her badge, scanned now at the same desk, is already in.
    _check_in(page, guest.badge_secret)
    expect(page.locator("[data-desk-answer]")).to_contain_text("ALREADY CHECKED IN")
    assert not CheckIn.objects.exists()

    context.set_offline(False)
    expect(page.locator("[data-desk-sync]")).to_have_attribute("data-queue", "0")
    admitted = CheckIn.objects.get(registration=guest, result="ok", type="entry")
    assert admitted.offline and admitted.gate == "North gate"
    assert CheckIn.objects.filter(result="already_checked_in").count() == 1
    context.close()


def test_the_desk_with_a_session_door_fits_a_phone(chromium, live_server, guest):
    """A long session title in the door list widened the page past a phone's screen."""
    event = guest.event
    programme_publish(event=event, by=None)
    SessionFactory(
        event=event,
        room=RoomFactory(event=event, name="Plenary hall", capacity=300),
        title="Roundtable on digital transformation of higher education in Asia and the Pacific",
        start=timezone.now(),
        end=timezone.now() + dt.timedelta(hours=1),
    )
    context, page = _phone(chromium, live_server, "North gate")

    expect(page.get_by_label("Where this desk scans")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()


# What the server writes in every language: "14:05 (UTC+08:00)", Western digits.
SERVER_TIME = re.compile(r"\d\d:\d\d \(UTC[+\u2212]\d\d:\d\d\)")
EASTERN_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")


def test_an_arabic_desk_offline_writes_the_time_as_the_server_does(chromium, live_server, guest):
    context = chromium.new_context(locale="ar-EG")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/?next=/ar/events/seminar/checkin/")
    page.locator("input[name=username]").fill("desk")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/ar/events/seminar/checkin/")
    assert page.evaluate("document.documentElement.lang") == "ar"
    page.locator("[data-desk-gate]").fill("North gate")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.endsWith('.list'))")
    context.set_offline(True)

    secret = page.locator("#desk-secret")
    admit = page.locator("[data-desk-form] button[value=entry]")
    for _ in range(2):
        secret.fill(guest.badge_secret)
        admit.click()
    answer = page.locator("[data-desk-answer]")
    expect(answer).to_have_attribute("data-result", "warn")
    offline = SERVER_TIME.search(answer.inner_text())
    assert offline, answer.inner_text()
    assert not EASTERN_DIGITS.search(page.locator("[data-desk-sync]").inner_text())

    # Online again, the server says when she came in: the same words for the same moment.
    context.set_offline(False)
    expect(page.locator("[data-desk-sync]")).to_have_attribute("data-queue", "0")
    secret.fill(guest.badge_secret)
    admit.click()
    expect(answer).to_contain_text("North gate")
    online = SERVER_TIME.search(answer.inner_text())
    assert online and online.group(0) == offline.group(0)
    assert offline.group(0).endswith("(UTC+08:00)")
    context.close()


@pytest.fixture
def crowd(guest):
    """Beside Amina: people the review could not find, one attending online, one cancelled."""
    event = guest.event
    delegate = event.ticket_types.get(name="Delegate")
    online = ticket_create(event=event, by=None, name="Online participant", modes="online")
    geneva = OrganizationFactory(name="Université de Genève", acronym="UNIGE", country="CH")

    def register(ticket, name, email, **fields):
        return registration_create(
            ticket=ticket,
            mode=ticket.allowed_modes[0],
            consent_version="v",
            name=name,
            email=email,
            country=fields.pop("country", "FR"),
            **fields,
        )

    register(delegate, "Amélie Dupont", "amelie.dupont@unige.ch", organization=geneva)
    register(delegate, "Milica Jovanović", "milica@bg.ac.rs", country="RS")
    register(online, "欧阳娜", "ouyang@example.cn", country="CN")
    register(delegate, "Łukasz Østergård-Strauß", "lukasz@example.pl", country="PL")
    cancelled = register(delegate, "Amélie Laurent", "amelie.laurent@example.fr")
    registration_cancel(registration=cancelled, by=None, reason="visa refused")


def _find(page, query):
    find = page.get_by_role("search")
    find.get_by_label("Name, email, organisation or reference").fill(query)
    find.get_by_role("button", name="Find").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_desk_finds_people_accents_and_case_aside_online_and_offline(
    chromium, live_server, crowd, width
):
    # The list holds the five confirmed badges: all but Amélie Laurent's, cancelled.
    context, page = _phone(chromium, live_server, "North gate", width, people="5 people")
    matches = page.locator(".desk-matches")

    # Online: the server's search, one page per search.
    _find(page, "amelie")
    expect(matches.locator("li")).to_have_count(2)
    dupont = matches.locator("li", has_text="Amélie Dupont")
    expect(dupont.get_by_role("button", name="Check in Amélie Dupont")).to_be_visible()
    laurent = matches.locator("li", has_text="Amélie Laurent")
    expect(laurent).to_contain_text("Cancelled: no check-in")
    expect(laurent.get_by_role("button")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, f"desk-search-{width}")
    _find(page, "Jovanovic")
    expect(matches.locator("li")).to_have_count(1)
    expect(matches).to_contain_text("Milica Jovanović")
    _find(page, "ouyang")
    expect(matches.locator("li")).to_have_count(1)
    expect(matches).to_contain_text("欧阳娜")
    expect(matches).to_contain_text("Attends online: no door check-in")
    expect(matches.get_by_role("button")).to_have_count(0)
    _find(page, "STRAUSS lukasz ostergard")
    expect(matches).to_contain_text("Łukasz Østergård-Strauß")

    # Offline: the device's list, searched the same way.
    context.set_offline(True)
    found = page.locator("[data-desk-found]")
    _find(page, "amelie")
    expect(found).to_contain_text("Offline: found on this device's list")
    expect(found.locator("li")).to_have_count(1)  # the cancelled badge is not on the list
    expect(found.get_by_role("button", name="Check in Amélie Dupont")).to_be_visible()
    _find(page, "JOVANOVIC milica")
    expect(found.locator("li")).to_have_count(1)
    expect(found).to_contain_text("Milica Jovanović")
    _find(page, "ouyang")
    expect(found.locator("li")).to_have_count(1)
    expect(found).to_contain_text("欧阳娜")
    expect(found).to_contain_text("Attends online: no door check-in")
    expect(found.get_by_role("button")).to_have_count(0)
    _find(page, "universite geneve")
    expect(found.locator("li")).to_have_count(1)
    expect(found).to_contain_text("Amélie Dupont")
    _find(page, "STRAUSS lukasz ostergard")  # letters without a separable accent: ß, Ł, Ø
    expect(found.locator("li")).to_have_count(1)
    expect(found).to_contain_text("Łukasz Østergård-Strauß")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()
