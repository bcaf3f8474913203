"""An organiser standing in for an absent chair, in a real browser: the console lists every
session of the event (now and next first, then the days, the others folded), and a delay posted
from it on someone else's session lands."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import TeamMember
from events.timezones import local_today
from sessions.models import RoleKind, SessionStatus
from sessions.services.programme import programme_publish
from tests.browser.conftest import overflow, screenshot, sign_in
from tests.factories import (
    EventFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TeamMemberFactory,
    UserFactory,
    at,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSOLE = "/events/seminar/chair/"


@pytest.fixture
def running(transactional_db):
    """An event on today and tomorrow: a session live now in the hall (its chair is away), the
    next one there, one about to start in the annex, and tomorrow's; and the event's owner."""
    event = EventFactory(slug="seminar", timezone="Asia/Shanghai")
    event.start_date = local_today(event.timezone)
    event.end_date = event.start_date + dt.timedelta(days=1)
    event.save()
    owner = UserFactory(username="owner")
    TeamMemberFactory(event=event, user=owner, role=TeamMember.Role.OWNER)
    hall, annex = RoomFactory(event=event, name="Hall A"), RoomFactory(event=event, name="Annex B")
    now = timezone.now().replace(second=0, microsecond=0)
    minutes = dt.timedelta(minutes=1)
    live = SessionFactory(
        event=event,
        room=hall,
        title="Open education policy",
        start=now - 30 * minutes,
        end=now + 30 * minutes,
    )
    SessionRoleFactory(
        session=live, role=RoleKind.CHAIR, person=PersonFactory(event=event, name="Grace Hopper")
    )
    SessionFactory(
        event=event,
        room=hall,
        title="Funding open courses",
        start=now + 45 * minutes,
        end=now + 105 * minutes,
    )
    SessionFactory(
        event=event,
        room=annex,
        title="Captioning lab",
        start=now + 15 * minutes,
        end=now + 75 * minutes,
    )
    tomorrow = SessionFactory(
        event=event, room=hall, title="Closing plenary", start=at(event, 1, "16:00")
    )
    programme_publish(event=event, by=None)
    live.status = SessionStatus.LIVE
    live.save()
    return {"event": event, "owner": owner, "live": live, "tomorrow": tomorrow}


def test_organiser_runs_the_session_of_an_absent_chair_from_a_phone(page, live_server, running):
    live = running["live"]
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, running["owner"], CONSOLE)
    card = page.locator(f"#session-{live.pk}")

    expect(page.get_by_role("heading", name="Now and next")).to_be_visible()
    expect(card).to_contain_text("Grace Hopper (chair)")
    expect(card.get_by_role("button", name="Mark ended")).to_be_visible()
    assert overflow(page) <= 0
    screenshot(page, "chair-organiser-390")

    card.get_by_role("button", name="+10 min").click()

    page.wait_for_url(f"**{CONSOLE}?session={live.pk}#session-{live.pk}")
    expect(page.locator(".messages")).to_contain_text("runs 10 minutes late")
    expect(page.locator(f"#session-{live.pk} .chair-card__state")).to_contain_text("10 min late")
    live.refresh_from_db()
    assert live.delay_minutes == 10
    assert overflow(page) <= 0


def test_organiser_console_on_a_laptop_folds_what_is_not_at_hand(page, live_server, running):
    tomorrow = running["tomorrow"]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, running["owner"], "/events/seminar/")

    page.get_by_role("link", name="Chair console").click()  # the event's page leads there

    page.wait_for_url(f"**{CONSOLE}")
    later = page.locator(f"#session-{tomorrow.pk}")
    expect(page.locator(f"#session-{running['live'].pk} .chair-card__controls")).to_have_attribute(
        "open", ""
    )
    expect(later.get_by_role("button", name="Mark live")).to_be_hidden()
    screenshot(page, "chair-organiser-1280")

    later.get_by_role("link", name="Run this session").click()  # the console, opened at it

    expect(later.get_by_role("button", name="Mark live")).to_be_visible()
    later.get_by_placeholder("English").fill("The closing plenary moves to the main hall.")
    later.get_by_role("button", name="Announce").click()

    expect(page.locator(".messages")).to_contain_text("Announced to everyone following")
    # Back at the same card, unfolded.
    expect(
        page.locator(f"#session-{tomorrow.pk}").get_by_role("button", name="Mark live")
    ).to_be_visible()
