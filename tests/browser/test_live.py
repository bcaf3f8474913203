"""The live page in a real browser against a real ASGI server: a chair's delay shows without a
reload, and after the connection drops the page catches up on everything it missed."""

import datetime as dt
import json
import re
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import TeamMember
from events.services import api_token_create
from sessions.services.programme import programme_publish
from tests.asgi_servers import asgi_servers, require_postgres_and_redis
from tests.factories import EventFactory, UserFactory
from tests.factories.events import RoomFactory
from tests.factories.sessions import SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _api(base: str, path: str, body: dict, token: str) -> dict:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/api/events/seminar/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


@pytest.fixture
def programme(transactional_db):
    require_postgres_and_redis()
    now = timezone.now()
    today = timezone.localdate(timezone=dt.UTC)
    event = EventFactory(
        slug="seminar",
        timezone="Europe/Belgrade",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=1),
    )
    programme_publish(event=event, by=None)
    hall = RoomFactory(event=event, name="Plenary Hall")
    opening = SessionFactory(
        event=event,
        room=hall,
        title="Opening plenary",
        # Half an hour in: still on now when the chair reports it 25 minutes late.
        start=now - dt.timedelta(minutes=30),
        end=now + dt.timedelta(minutes=60),
    )
    keynote = SessionFactory(
        event=event,
        room=hall,
        title="Keynote on open universities",
        start=now + dt.timedelta(hours=2),
        end=now + dt.timedelta(hours=3),
    )
    organiser = UserFactory(username="organiser")
    TeamMember.objects.create(event=event, user=organiser, role=TeamMember.Role.ORGANISER)
    return opening, keynote, api_token_create(user=organiser, name="browser test")[1]


def test_the_live_page_follows_a_delay_and_catches_up_after_a_drop(page, programme):
    opening, keynote, token = programme
    with asgi_servers(1) as (base,):
        link = {"blocked": False, "routes": []}

        def route(socket):
            if link["blocked"]:
                socket.close(code=4000, reason="test: network down")
                return
            socket.connect_to_server()
            link["routes"].append(socket)

        page.route_web_socket(re.compile(r".*/ws/events/seminar/live/.*"), route)
        page.goto(f"{base}/events/seminar/live/")
        status = page.locator("[data-live-status]")
        expect(status).to_contain_text("updates appear here")
        page.evaluate("window.__sameDocument = true")

        _api(base, f"sessions/{opening.pk}/status", {"action": "delay", "minutes": 10}, token)
        now_slot = page.locator(".live-slot--now").first
        expect(now_slot).to_contain_text("10 min late", timeout=2000)
        assert page.evaluate("window.__sameDocument") is True  # no reload

        # The network drops: the socket closes and reconnecting fails for now.
        link["blocked"] = True
        for socket in link["routes"]:
            socket.close(code=4000, reason="test: network down")
        expect(status).to_contain_text("reconnecting")
        _api(base, f"sessions/{opening.pk}/status", {"action": "delay", "minutes": 25}, token)
        _api(
            base,
            "announcements",
            {"message": "Lunch is served on the terrace."},
            token,
        )
        _api(base, f"sessions/{keynote.pk}/cancel", {"reason": "The speaker is ill."}, token)

        # Back: the page resumes from the last number it had and applies what it missed.
        link["blocked"] = False
        page.context.set_offline(True)
        page.context.set_offline(False)
        expect(status).to_contain_text("updates appear here", timeout=20_000)
        expect(now_slot).to_contain_text("25 min late")
        expect(page.locator("[data-live-announcements]")).to_contain_text("Lunch is served")
        expect(page.locator("[data-live-changes]")).to_contain_text(
            "Keynote on open universities is cancelled"
        )
        expect(page.locator(".live-room").first).not_to_contain_text("Keynote on open")
        assert page.evaluate("window.__sameDocument") is True


def test_the_live_page_in_arabic_writes_times_as_the_server_does(page, live_server):
    """The script redraws the rooms as soon as it runs: on the event's clock, 24-hour, Western
    digits and the offset as the server writes them, in every language."""
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate(timezone=dt.UTC)
    event = EventFactory(
        slug="seminar",
        timezone="Asia/Shanghai",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=1),
    )
    programme_publish(event=event, by=None)
    session = SessionFactory(
        event=event,
        room=RoomFactory(event=event, name="Plenary Hall"),
        title="Opening plenary",
        start=now - dt.timedelta(minutes=30),
        end=now + dt.timedelta(minutes=90),
    )
    local = session.start.astimezone(event.tzinfo)
    page.goto(f"{live_server.url}/ar/events/seminar/live/")
    assert page.evaluate("document.documentElement.lang") == "ar"
    now_slot = page.locator(".live-slot--now").first

    # Drawn by the script, in Arabic, with Western digits: "تنتهي بعد 90 دقيقة"
    expect(now_slot.locator(".live-countdown")).to_contain_text(re.compile(r"[0-9]+ دقيقة"))
    times = now_slot.locator(".live-session__time")
    expect(times.locator("time").first).to_have_text(f"{local:%H:%M}")
    expect(times.locator(".muted")).to_have_text("(UTC+08:00)")


def test_the_live_page_redraws_titles_and_rooms_in_the_viewers_language(page, live_server):
    """The script redraws from the snapshot, which carries every language: a Chinese viewer
    keeps the Chinese title and room, a French one gets the event's first language."""
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate(timezone=dt.UTC)
    event = EventFactory(
        slug="seminar",
        timezone="Asia/Shanghai",
        languages=["en", "zh-hans"],
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=1),
    )
    programme_publish(event=event, by=None)
    SessionFactory(
        event=event,
        room=RoomFactory(event=event, name={"en": "Plenary Hall", "zh-hans": "全体会议厅"}),
        title={"en": "Opening plenary", "zh-hans": "开幕全体会议"},
        start=now - dt.timedelta(minutes=30),
        end=now + dt.timedelta(minutes=90),
    )

    page.goto(f"{live_server.url}/zh-hans/events/seminar/live/")
    now_slot = page.locator(".live-slot--now").first
    expect(now_slot.locator(".live-countdown")).to_be_visible()  # drawn by the script
    expect(now_slot).to_contain_text("开幕全体会议")
    expect(page.locator(".live-room").first).to_contain_text("全体会议厅")

    page.goto(f"{live_server.url}/fr/events/seminar/live/")
    expect(page.locator(".live-slot--now").first.locator(".live-countdown")).to_be_visible()
    expect(page.locator(".live-slot--now").first).to_contain_text("Opening plenary")
