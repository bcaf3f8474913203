"""The live page as the server writes it (live.js draws the same): one state per session,
"What changed" with when and from what to what, and where each announcement comes from; and
the data the socket, the event stream and the JSON carry for it."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from livestream.access import PUBLIC
from livestream.selectors import snapshot
from sessions.services.chair import announcement_create, session_delay
from sessions.services.sessions import session_move, session_set_status
from tests.factories.events import RoomFactory
from tests.factories.sessions import SessionFactory, published_around_today

pytestmark = pytest.mark.django_db
ZONE = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai, without daylight saving time


@pytest.fixture
def seminar():
    """A published programme in Shanghai: a session starting in 74 minutes in the hall."""
    now = timezone.now().replace(second=0, microsecond=0)
    event = published_around_today(
        slug="seminar",
        timezone="Asia/Shanghai",
        # Wide enough that a session moved by a day stays inside it at any hour of the day.
        days_after=3,
    )
    hall = RoomFactory(event=event, name="Plenary Hall")
    keynote = SessionFactory(
        event=event,
        room=hall,
        title="Keynote on open universities",
        start=now + dt.timedelta(minutes=74),
        end=now + dt.timedelta(minutes=134),
    )
    return event, hall, keynote


def page() -> str:
    response = Client().get("/events/seminar/live/")
    assert response.status_code == 200
    return response.content.decode()


def article(html: str, session) -> str:
    return re.search(rf'<article[^>]*data-session="{session.pk}".*?</article>', html, re.S)[0]


def clock(moment: dt.datetime) -> str:
    return f"{moment.astimezone(ZONE):%H:%M}"


def from_to(before: dt.datetime, after: dt.datetime) -> str:
    """How a change shows two times: with their days when they fall on two (the test runs at
    any hour, so a session 74 minutes away may be moved past midnight)."""
    before, after = before.astimezone(ZONE), after.astimezone(ZONE)
    if before.date() == after.date():
        return f"<bdi>{before:%H:%M}</bdi> → <bdi>{after:%H:%M}</bdi>"
    return f"<bdi>{before.day} {before:%b %H:%M}</bdi> → <bdi>{after.day} {after:%b %H:%M}</bdi>"


def changes(html: str) -> list[str]:
    box = re.search(r"<ol data-live-changes.*?</ol>", html, re.S)[0]
    return [re.sub(r"\s+", " ", item) for item in re.findall(r"<li[^>]*>(.*?)</li>", box, re.S)]


def test_a_session_starting_late_says_when_it_starts(seminar):
    event, hall, keynote = seminar
    session_delay(session=keynote, by=None, minutes=10)

    shown = article(page(), keynote)

    start = keynote.start + dt.timedelta(minutes=10)
    assert f"Starts at {clock(start)} (10 min late)" in shown
    assert "live-session--late" in shown and "Live now" not in shown


def test_a_session_marked_live_before_its_start_is_live_and_nothing_else(seminar):
    event, hall, keynote = seminar
    session_delay(session=keynote, by=None, minutes=10)
    session_set_status(session=keynote, by=None, status="live")

    html = page()
    shown = article(html, keynote)

    assert '<span class="tag tag--live">Live now</span>' in shown
    assert "late" not in shown and "Starts at" not in shown and "starts in" not in shown
    assert "live-session--live" in shown and "live-session--late" not in shown
    now = re.search(r'live-slot--now">.*?</div>', html, re.S)[0]
    assert "Keynote on open universities" in now  # on now, whatever its times say


def test_a_session_running_late_after_its_start_says_how_late(seminar):
    event, hall, keynote = seminar
    opening = SessionFactory(
        event=event,
        room=hall,
        title="Opening plenary",
        start=timezone.now() - dt.timedelta(minutes=30),
        end=timezone.now() + dt.timedelta(minutes=30),
    )
    session_delay(session=opening, by=None, minutes=5)

    shown = article(page(), opening)

    assert '<span class="tag tag--late">5 min late</span>' in shown
    assert "Starts at" not in shown


def test_each_change_says_when_it_happened_and_what_it_changed_from_and_to(seminar):
    event, hall, keynote = seminar
    session_delay(session=keynote, by=None, minutes=10)
    annex = RoomFactory(event=event, name="Annex")
    later = keynote.start + dt.timedelta(minutes=30)
    session_move(session=keynote, by=None, start=later, room=annex)
    session_set_status(session=keynote, by=None, status="live")

    html = page()
    live, moved, delayed = changes(html)

    stamps = re.findall(
        r'<time class="live-change__when" datetime="([^"]+)">(\d\d:\d\d)</time>', html
    )
    assert len(stamps) == 3
    for iso, shown in stamps:
        assert shown == clock(dt.datetime.fromisoformat(iso))
    delayed_from, delayed_to = keynote.start, keynote.start + dt.timedelta(minutes=10)
    assert "runs 10 min late." in delayed
    assert from_to(delayed_from, delayed_to) in delayed
    assert "moved." in moved
    assert from_to(keynote.start, later) in moved
    assert "<bdi>Plenary Hall</bdi> → <bdi>Annex</bdi>" in moved
    assert "is live now." in live


def test_a_move_to_another_day_names_the_days(seminar):
    event, hall, keynote = seminar
    next_day = keynote.start + dt.timedelta(days=1)

    session_move(session=keynote, by=None, start=next_day)
    [moved] = changes(page())

    assert from_to(keynote.start, next_day) in moved


def test_an_announcement_names_its_session_with_a_link_or_the_organisers(seminar):
    event, hall, keynote = seminar
    announcement_create(event=event, by=None, message="Lunch is served on the terrace.")
    announcement_create(event=event, by=None, message="The slides are online.", session=keynote)

    html = page()
    banners = re.findall(r'<p class="live-banner">(.*?)</p>', html, re.S)

    about_session, for_everyone = banners  # newest first
    assert (
        f'<a href="http://127.0.0.1:8000/events/seminar/sessions/{keynote.pk}/">' in about_session
    )
    assert "<bdi>Keynote on open universities</bdi>" in about_session
    assert "The slides are online." in about_session
    assert "From the organisers:" in for_everyone and "Lunch is served" in for_everyone


def test_the_live_data_carry_the_announcements_session_and_when(seminar, settings):
    """What live.js needs arrives over every transport, and nothing that was there is gone."""
    event, hall, keynote = seminar
    announcement_create(event=event, by=None, message="Hello everyone")
    announcement_create(event=event, by=None, message="Hello", session=keynote)

    state = Client().get("/api/events/seminar/live").json()["snapshot"]
    about_session, for_everyone = state["announcements"]

    assert about_session["session_id"] == keynote.pk
    assert about_session["session_title"] == "Keynote on open universities"
    assert about_session["session_url"] == (
        f"{settings.SITE_URL}/events/seminar/sessions/{keynote.pk}/"
    )
    assert for_everyone["session_id"] is None and for_everyone["session_url"] is None
    assert dt.datetime.fromisoformat(for_everyone["created_at"]) <= timezone.now()
    assert set(about_session) >= {
        "sequence",
        "kind",
        "session_id",
        "session_title",
        "session_titles",
        "changes",
        "message",
        "messages",
        "created_at",
    }


def test_a_snapshot_reads_its_updates_without_a_query_each(seminar, django_assert_max_num_queries):
    event, hall, keynote = seminar
    for n in range(5):
        announcement_create(event=event, by=None, message=f"Note {n}", session=keynote)
        session_delay(session=keynote, by=None, minutes=n + 1)

    with django_assert_max_num_queries(12):
        state = snapshot(event, PUBLIC)

    assert len(state["announcements"]) == 3 and len(state["changes"]) == 5
