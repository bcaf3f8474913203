"""The check-in statistics page follows the desk without a reload."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import TeamMember
from registrations.checkin.scan import checkin_scan
from registrations.services.registrations import registration_create
from registrations.services.tickets import ticket_create
from tests.factories import EventFactory, TeamMemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def test_statistics_update_while_the_desk_checks_people_in(page, live_server, transactional_db):
    today = timezone.now().date()
    event = EventFactory(slug="seminar", start_date=today, end_date=today + dt.timedelta(days=1))
    delegate = ticket_create(event=event, by=None, name="Delegate", modes="in_person")
    guests = [
        registration_create(
            ticket=delegate,
            mode="in_person",
            consent_version="v",
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            country="KE",
        )
        for name in ("Amina Yusuf", "Boris Petrov")
    ]
    TeamMemberFactory(event=event, user=UserFactory(username="desk"), role=TeamMember.Role.CHECKIN)
    page.goto(f"{live_server.url}/accounts/login/?next=/events/seminar/manage/checkin/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    checked_in = page.locator('[data-cf-total="checked_in"]')
    expect(checked_in).to_have_text("0")
    expect(page.locator('[data-cf-total="of_expected"]')).to_have_text("of 2 expected")
    page.evaluate("window.__sameDocument = true")

    answer = checkin_scan(
        event=event, secret=guests[0].badge_secret, device="desk-1", gate="North", by=None
    )

    assert answer.ok
    expect(checked_in).to_have_text("1", timeout=6_000)
    expect(page.locator('[data-cf-total="inside"]')).to_have_text("1")
    expect(page.locator('[data-cf-total="checked_in_percent"]')).to_have_text("50%")
    entrance = page.locator('[data-cf-chart="by_entrance"] tr[data-key="North"]')
    expect(entrance).to_contain_text("1 (100%)")
    assert entrance.locator("[data-cf-bar]").evaluate("bar => bar.style.width") == "100%"
    expect(page.locator('[data-cf-chart="by_hour"] li[data-key]')).to_have_count(1)
    # On the event's clock, as the server writes it (Asia/Shanghai).
    expect(page.locator("[data-cf-status]")).to_have_text(
        re.compile(r"^Updated at \d\d:\d\d:\d\d \(UTC\+08:00\)\.$")
    )
    expect(page.locator("[data-cf-announce]")).to_have_text("1 of 2 expected has checked in.")
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
