"""The public agenda's layout in a real browser: every title read in full in the grid and the
list, in the event's time zone and the viewer's, at a laptop's and a phone's width; the "all
days" view reading a closed day when it is opened, and leading to every day without
JavaScript."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from sessions.models import SessionRole, SessionStatus
from sessions.services.programme import programme_publish
from sessions.views import agenda as agenda_views
from tests.browser.conftest import screenshot
from tests.factories import (
    EventFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TrackFactory,
    at,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Shanghai's morning is the evening before in Los Angeles: every time gets its weekday.
VIEWER_ZONE = "America/Los_Angeles"
WIDTHS = [1280, 390]

# Each title's box, and the session's box around it, hold all of their text; what does not fit
# on one line of the grid (the people) is shortened with its full text as a tooltip.
CLIPPED = """() => [...document.querySelectorAll('.agenda-item__title')].filter(title => {
  const item = title.closest('.agenda-item');
  return title.scrollHeight > title.clientHeight + 1 || title.scrollWidth > title.clientWidth + 1
    || item.scrollHeight > item.clientHeight + 1 || item.scrollWidth > item.clientWidth + 1
    || title.getBoundingClientRect().bottom > item.getBoundingClientRect().bottom + 1;
}).map(title => title.textContent.trim())"""

# No session covers part of another.
OVERLAPPING = """() => {
  const boxes = [...document.querySelectorAll('.agenda-item')]
    .map(item => item.getBoundingClientRect());
  return boxes.flatMap((a, i) => boxes.slice(i + 1).filter(b =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1)).length;
}"""

SHORTENED_WITHOUT_TOOLTIP = """() => [...document.querySelectorAll('.agenda-item__people')]
  .filter(p => p.scrollHeight > p.clientHeight + 1 && p.title !== p.textContent)
  .map(p => p.textContent)"""


@pytest.fixture(autouse=True)
def _fresh_browser_state(browser, live_server):
    """Each test starts signed out, with nothing remembered (the zone choice: localStorage)."""
    yield
    browser.clear_cookies()
    page = browser.new_page()
    try:
        page.goto(f"{live_server.url}/healthz")
        page.evaluate("window.localStorage.clear()")
    finally:
        page.close()


@pytest.fixture
def open_page(browser, live_server):
    """A page whose browser reports `zone`, with or without JavaScript (the fixtures' context
    is a persistent one, so both are set per page through CDP)."""
    opened = []

    def open_(width: int, *, zone: str = VIEWER_ZONE, script: bool = True):
        page = browser.new_page()
        page.set_default_timeout(10_000)
        page.set_viewport_size({"width": width, "height": 900})
        cdp = browser.new_cdp_session(page)
        cdp.send("Emulation.setTimezoneOverride", {"timezoneId": zone})
        if not script:
            cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
        opened.append((page, cdp))
        return page

    yield open_
    for page, cdp in opened:
        cdp.detach()
        page.close()


def viewer_time(moment: dt.datetime) -> str:
    return moment.astimezone(ZoneInfo(VIEWER_ZONE)).strftime("%H:%M")


def sideways(page) -> float:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def consultation(transactional_db):
    """A first day like the demo's: short sessions with long titles, many people, one
    unbreakable word, six rooms."""
    event = EventFactory(slug="seminar", timezone="Asia/Shanghai")
    rooms = {
        name: RoomFactory(event=event, name=name, order=n)
        for n, name in enumerate(
            [
                "Plenary Hall",
                "Breakout Room A",
                "Breakout Room B",
                "Breakout Room C",
                "Roundtable Room",
                "Online Studio",
            ]
        )
    }
    policy = TrackFactory(event=event, name="Policy measures and national strategies")
    plan = [
        ("Plenary Hall", "08:30", 30, "Registration and welcome coffee", "break", 0),
        ("Plenary Hall", "09:00", 45, "Opening ceremony", "opening", 5),
        (
            "Plenary Hall",
            "09:45",
            45,
            "Keynote: Seizing digital opportunities for SDG 4 in Asia-Pacific higher education",
            "keynote",
            2,
        ),
        ("Plenary Hall", "10:30", 15, "Coffee break and group photo", "break", 0),
        (
            "Plenary Hall",
            "11:00",
            90,
            "Policy measures: national strategies for MOOCs and ICT in higher education",
            "plenary",
            6,
        ),
        (
            "Online Studio",
            "11:00",
            60,
            "Reaching remote learners: low-bandwidth blended learning from the Pacific to "
            "East Africa",
            "panel",
            3,
        ),
        (
            "Breakout Room A",
            "11:00",
            30,
            "Hochschulinteroperabilitätsstandardisierungsarbeitsgruppe: a report",
            "workshop",
            1,
        ),
        ("Breakout Room B", "11:00", 20, "Micro-credentials and stackable MOOCs", "workshop", 4),
        ("Breakout Room C", "11:30", 10, "Lightning talk: open textbooks in Fiji", "panel", 1),
        ("Roundtable Room", "11:00", 30, "Quality assurance of online degrees", "roundtable", 8),
    ]
    people = iter(PersonFactory(event=event, name=f"Prof. Speaker Number {n}") for n in range(40))
    for room, start, minutes, title, kind, speakers in plan:
        begins = at(event, 0, start)
        session = SessionFactory(
            event=event,
            room=rooms[room],
            title=title,
            kind=kind,
            track=policy if kind == "plenary" else None,
            start=begins,
            end=begins + dt.timedelta(minutes=minutes),
            delay_minutes=10 if kind == "panel" else 0,
            status=SessionStatus.LIVE if kind == "panel" else SessionStatus.SCHEDULED,
        )
        for order in range(speakers):
            SessionRoleFactory(
                session=session,
                person=next(people),
                role=SessionRole.Kind.MODERATOR if order == 0 else SessionRole.Kind.SPEAKER,
                order=order,
            )
    programme_publish(event=event, by=None)
    return event


@pytest.mark.parametrize("width", WIDTHS)
def test_agenda_shows_every_title_whole_in_both_time_zones(
    open_page, live_server, consultation, width
):
    page = open_page(width)
    page.goto(f"{live_server.url}/events/seminar/agenda/")
    titles = page.locator(".agenda-item__title")
    expect(titles).to_have_count(10)
    grid = page.locator(".agenda-grid").evaluate("el => getComputedStyle(el).display") == "grid"
    assert grid == (width == 1280)  # a list on the phone

    assert page.evaluate(CLIPPED) == []
    assert page.evaluate(OVERLAPPING) == 0
    assert page.evaluate(SHORTENED_WITHOUT_TOOLTIP) == []
    assert sideways(page) <= 0
    screenshot(page, f"agenda-day-{width}")

    page.locator("[data-tz-switch]").click()

    registration = page.locator(".agenda-item", has_text="Registration and welcome coffee")
    expect(registration.locator(".agenda-item__when")).to_contain_text(
        f"{viewer_time(at(consultation, 0, '08:30'))} ("
    )
    # The viewer's weekday is said once per line, small, beside the time.
    expect(registration.locator(".time-day")).to_have_count(1)
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate(OVERLAPPING) == 0
    assert page.evaluate(SHORTENED_WITHOUT_TOOLTIP) == []
    assert sideways(page) <= 0
    if width == 1280:
        screenshot(page, "agenda-tz-1280")


def test_grid_shows_the_people_in_full_while_a_session_has_the_focus(
    open_page, live_server, consultation
):
    page = open_page(1280)
    page.goto(f"{live_server.url}/events/seminar/agenda/")
    roundtable = page.locator(".agenda-item", has_text="Quality assurance of online degrees")
    people = roundtable.locator(".agenda-item__people")
    shortened = "el => el.scrollHeight > el.clientHeight + 1"
    assert people.evaluate(shortened)  # eight people do not fit in three lines
    expect(people).to_have_attribute("title", people.text_content())

    roundtable.get_by_role("link").focus()

    assert not people.evaluate(shortened)
    assert page.evaluate(CLIPPED) == []


@pytest.fixture
def three_days(transactional_db, monkeypatch):
    """A programme over three days, larger than the "all days" view writes out at once."""
    monkeypatch.setattr(agenda_views, "ALL_AT_ONCE", 4)
    event = EventFactory(
        slug="seminar",
        timezone="Asia/Shanghai",
        start_date=dt.date.today() + dt.timedelta(days=30),
        end_date=dt.date.today() + dt.timedelta(days=32),
    )
    hall = RoomFactory(event=event, name="Plenary Hall", order=1)
    for day in range(3):
        for n, start in enumerate(["09:00", "11:00", "14:00"], start=1):
            SessionFactory(
                event=event,
                room=hall,
                title=f"Day {day + 1} talk {n} on open educational resources and their reuse",
                start=at(event, day, start),
            )
    programme_publish(event=event, by=None)
    return event


@pytest.mark.parametrize("width", WIDTHS)
def test_all_days_reads_a_closed_day_when_it_is_opened(open_page, live_server, three_days, width):
    page = open_page(width)
    page.goto(f"{live_server.url}/events/seminar/agenda/?day=all")
    days = page.locator("details.agenda-day")
    expect(days).to_have_count(3)
    expect(days.nth(0)).to_have_attribute("open", "")
    expect(days.nth(0).locator(".agenda-item")).to_have_count(3)
    expect(page.locator(".agenda-item", has_text="Day 2 talk")).to_have_count(0)
    page.locator("[data-tz-switch]").click()  # the viewer's zone, for the day read later too

    days.nth(1).locator("summary").click()

    second = days.nth(1).locator(".agenda-item")
    expect(second).to_have_count(3)
    expect(second.first).to_contain_text("Day 2 talk 1")
    # 09:00 in Shanghai is the evening before in Los Angeles.
    expect(second.first.locator(".agenda-item__when")).to_contain_text(
        f"{viewer_time(at(three_days, 1, '09:00'))} ("
    )
    expect(days.nth(1).locator("[data-day-body]")).not_to_have_attribute("aria-busy", "true")
    assert page.evaluate(CLIPPED) == []
    assert sideways(page) <= 0
    screenshot(page, f"agenda-all-{width}")

    days.nth(1).locator("summary").click()  # closed and opened again: not read twice
    days.nth(1).locator("summary").click()
    expect(second).to_have_count(3)


def test_all_days_leads_to_every_day_without_javascript(open_page, live_server, three_days):
    page = open_page(390, script=False)
    address = f"{live_server.url}/events/seminar/agenda/?day=all"
    page.goto(address)
    days = page.locator("details.agenda-day")
    expect(days).to_have_count(3)
    expect(days.nth(0).locator(".agenda-item")).to_have_count(3)

    for index in (1, 2):
        page.goto(address)
        section = page.locator("details.agenda-day").nth(index)
        section.locator("summary").click()  # <details> opens without JavaScript
        section.get_by_role("link", name="Open this day's page").click()

        page.wait_for_url(f"**day={three_days.days[index].isoformat()}")
        items = page.locator(".agenda-item")
        expect(items).to_have_count(3)
        expect(items.first).to_contain_text(f"Day {index + 1} talk 1")
        assert sideways(page) <= 0
