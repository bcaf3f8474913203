"""The live schedule: the socket's snapshot and updates, replay with since, who sees which
stream link, and the fallbacks (JSON with ETag, Server-Sent Events, the page itself)."""

import datetime as dt
import json
from urllib.parse import quote

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.test import AsyncClient
from django.utils import timezone

from confman.asgi import application
from events.models import TeamMember
from livestream import hello as shared
from livestream import replay
from livestream import services as stream_services
from livestream.models import Stream
from registrations.links import magic_token
from sessions.services.chair import session_delay
from tests.factories import EventFactory, UserFactory
from tests.factories.events import RoomFactory
from tests.factories.registrations import registered, ticket
from tests.factories.sessions import SessionFactory, published_around_today

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
SECRET_URL = "https://zoom.example.org/j/secret-room"
PUBLIC_URL = "https://www.youtube.com/watch?v=plenary"
VIEWERS = "/api/events/seminar/live/viewers"

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_worker_connections"),
]


def socket(path: str = "/ws/events/seminar/live/") -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=[ORIGIN])


@database_sync_to_async
def live_event():
    """A published programme with a session on now in the hall (public YouTube, and a Zoom
    link for registered online participants only) and one later."""
    now = timezone.now()
    event = published_around_today(
        slug="seminar",
        timezone="UTC",
    )
    hall = RoomFactory(event=event, name="Plenary Hall", capacity=300)
    on_now = SessionFactory(
        event=event,
        room=hall,
        title="Opening",
        start=now - dt.timedelta(minutes=10),
        end=now + dt.timedelta(minutes=50),
    )
    later = SessionFactory(
        event=event,
        room=hall,
        title="Keynote",
        start=now + dt.timedelta(hours=1),
        end=now + dt.timedelta(hours=2),
    )
    for language, public, url in (("", True, PUBLIC_URL), ("ru", False, SECRET_URL)):
        stream_services.stream_save(
            stream=Stream(
                event=event, room=hall, provider="zoom", language=language, public=public, url=url
            ),
            by=None,
        )
    return event, hall, on_now, later


@database_sync_to_async
def delay(session, minutes):
    return session_delay(session=session, by=None, minutes=minutes)


async def hello_of(communicator):
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from(timeout=5)
    assert hello["type"] == "hello"
    return hello


async def test_connect_gets_now_next_and_only_public_links():
    event, hall, on_now, later = await live_event()
    communicator = socket()

    hello = await hello_of(communicator)

    room = hello["snapshot"]["rooms"][0]
    assert hello["sequence"] == hello["snapshot"]["sequence"] > 0
    assert room["room"]["name"] == "Plenary Hall"
    assert room["now"] == on_now.pk and room["next"] == later.pk
    text = json.dumps(hello)
    assert PUBLIC_URL in text and SECRET_URL not in text
    locked = [s for s in room["streams"] if s["locked"]]
    assert locked and locked[0]["language"] == "ru" and locked[0]["url"] is None
    await communicator.disconnect()


async def test_a_chairs_delay_reaches_the_socket_with_its_number():
    event, hall, on_now, later = await live_event()
    communicator = socket()
    hello = await hello_of(communicator)

    await delay(on_now, 10)
    message = await communicator.receive_json_from(timeout=5)

    assert message["type"] == "update"
    assert message["sequence"] == hello["sequence"] + 1
    assert message["update"]["kind"] == "delayed"
    assert message["session"]["delay_minutes"] == 10
    start = dt.datetime.fromisoformat(message["session"]["actual_start"])
    assert start == on_now.start + dt.timedelta(minutes=10)
    assert SECRET_URL not in json.dumps(message)
    await communicator.disconnect()


async def test_reconnecting_with_since_replays_what_was_missed_in_order():
    event, hall, on_now, later = await live_event()
    watching = socket()
    first = await hello_of(watching)
    # Each broadcast (with Redis, from a thread of its own, reading the session as it is
    # then) before the next change, as a chair's clicks are.
    for session, minutes in ((on_now, 5), (on_now, 15), (later, 20)):
        await delay(session, minutes)
        assert (await watching.receive_json_from(timeout=5))["type"] == "update"

    communicator = socket(f"/ws/events/seminar/live/?since={first['sequence']}")
    hello = await hello_of(communicator)
    replayed = [await communicator.receive_json_from(timeout=5) for _ in range(3)]

    assert hello["snapshot"] is None
    assert [m["sequence"] for m in replayed] == [first["sequence"] + n for n in (1, 2, 3)]
    # Each update says what it changed, and carries the session as it was sent live (from the
    # ring of recent updates, livestream.replay: no query).
    assert [m["update"]["changes"]["delay_minutes"]["after"] for m in replayed] == [5, 15, 20]
    assert [m["session"]["delay_minutes"] for m in replayed] == [5, 15, 20]
    # Then live ones, none twice.
    await delay(later, 25)
    live = await communicator.receive_json_from(timeout=5)
    assert live["sequence"] == first["sequence"] + 4
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_without_the_ring_a_reconnect_replays_from_the_log():
    event, hall, on_now, later = await live_event()
    first = await hello_of(socket())
    await delay(on_now, 5)
    await delay(on_now, 15)
    replay.forget_all()  # a ring that expired, or a Redis that was flushed
    shared.forget_all()  # and a process that has not sent them (another, or restarted)

    communicator = socket(f"/ws/events/seminar/live/?since={first['sequence']}")
    hello = await hello_of(communicator)
    replayed = [await communicator.receive_json_from(timeout=5) for _ in range(2)]

    assert hello["sequence"] == first["sequence"] + 2
    assert [m["sequence"] for m in replayed] == [first["sequence"] + 1, first["sequence"] + 2]
    # Read from the log, the session each carries is as it is now.
    assert [m["session"]["delay_minutes"] for m in replayed] == [15, 15]
    await communicator.disconnect()


async def test_a_client_that_saw_a_gap_asks_and_gets_it():
    event, hall, on_now, later = await live_event()
    communicator = socket()
    hello = await hello_of(communicator)
    await delay(on_now, 5)
    await communicator.receive_json_from(timeout=5)

    await communicator.send_json_to({"type": "resume", "since": hello["sequence"]})
    again = await communicator.receive_json_from(timeout=5)

    assert again["sequence"] == hello["sequence"] + 1
    await communicator.disconnect()


@database_sync_to_async
def online_participant(event):
    person = registered(ticket(event, name="Online", modes="online"), mode="online")
    return magic_token(person)


@database_sync_to_async
def in_person_delegate(event):
    person = registered(ticket(event, name="Delegate"), email="d@example.org")
    return magic_token(person)


async def test_a_registered_online_participant_gets_the_restricted_link():
    event, hall, on_now, later = await live_event()
    token = await online_participant(event)
    delegate = await in_person_delegate(event)

    online = await hello_of(socket(f"/ws/events/seminar/live/?r={token}"))
    in_person = await hello_of(socket(f"/ws/events/seminar/live/?r={delegate}"))
    forged = await hello_of(socket("/ws/events/seminar/live/?r=not-a-token"))

    assert SECRET_URL in json.dumps(online)
    assert SECRET_URL not in json.dumps(in_person)
    assert SECRET_URL not in json.dumps(forged)


@database_sync_to_async
def team_member(event):
    user = UserFactory(username="team")
    TeamMember.objects.create(event=event, user=user, role=TeamMember.Role.ORGANISER)
    return user


async def test_the_team_sees_every_link():
    event, hall, on_now, later = await live_event()
    user = await team_member(event)
    communicator = socket()
    communicator.scope["user"] = user

    hello = await hello_of(communicator)

    assert SECRET_URL in json.dumps(hello)


async def test_a_stream_change_is_pushed_without_its_restricted_link():
    event, hall, on_now, later = await live_event()
    communicator = socket()
    await hello_of(communicator)

    @database_sync_to_async
    def add_chinese():
        stream_services.stream_save(
            stream=Stream(
                event=event,
                room=hall,
                provider="hls",
                language="zh-hans",
                url="https://stream.example.org/zh.m3u8",
            ),
            by=None,
        )

    await add_chinese()
    message = await communicator.receive_json_from(timeout=5)

    assert message["update"]["kind"] == "stream"
    languages = {s["language"]: s for s in message["streams"]}
    assert set(languages) == {"", "ru", "zh-hans"}
    assert languages["zh-hans"]["locked"] and languages["zh-hans"]["url"] is None
    assert "zh.m3u8" not in json.dumps(message) and SECRET_URL not in json.dumps(message)
    # The public log names the stream, never its link.
    assert "example.org" not in json.dumps(message["update"]["changes"])


async def test_oversized_and_chatty_clients_are_cut_off():
    await live_event()
    big = socket()
    await hello_of(big)
    await big.send_to(text_data="x" * 5000)
    error = await big.receive_json_from(timeout=5)
    closed = await big.receive_output(timeout=5)

    assert error["code"] == "too_big"
    assert closed["type"] == "websocket.close" and closed["code"] == 1009

    chatty = socket()
    await hello_of(chatty)
    for _ in range(61):
        await chatty.send_json_to({"type": "ping"})
    frames = []
    while True:
        output = await chatty.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        frames.append(json.loads(output["text"]))
    assert frames[-1]["code"] == "too_many" and output["code"] == 4429


async def test_viewer_counts_for_the_team():
    event, hall, on_now, later = await live_event()
    user = await team_member(event)
    client = AsyncClient()
    await database_sync_to_async(client.force_login)(user)
    # The marks are kept by event and room id, which another test's sockets may have used (on
    # SQLite, ids start again after each transactional test); what counts is what ours change.
    before = (await client.get(VIEWERS)).json()
    first, second = socket(), socket()
    await hello_of(first)
    await hello_of(second)
    await second.send_json_to({"type": "watching", "room": hall.pk})
    await second.send_json_to({"type": "ping"})
    await second.receive_json_from(timeout=5)

    answer = await client.get(VIEWERS)
    anonymous = await AsyncClient().get(VIEWERS)
    await first.disconnect()
    await second.disconnect()
    after = (await client.get(VIEWERS)).json()

    room = str(hall.pk)
    assert answer.status_code == 200
    assert answer.json()["total"] == before["total"] + 2
    assert answer.json()["rooms"][room] == before["rooms"][room] + 1
    assert anonymous.status_code == 401
    assert (after["total"], after["rooms"][room]) == (before["total"], before["rooms"][room])


# --- without a socket ------------------------------------------------------------------------


async def test_the_json_fallback_answers_missed_updates_with_an_etag():
    event, hall, on_now, later = await live_event()
    client = AsyncClient()
    first = await client.get("/api/events/seminar/live")
    sequence = first.json()["snapshot"]["sequence"]
    await delay(on_now, 10)

    missed = await client.get(f"/api/events/seminar/live?since={sequence}")
    again = await client.get(
        f"/api/events/seminar/live?since={sequence}", headers={"If-None-Match": missed["ETag"]}
    )

    assert first.status_code == 200 and first.json()["updates"] == []
    assert [u["update"]["kind"] for u in missed.json()["updates"]] == ["delayed"]
    assert again.status_code == 304
    assert SECRET_URL not in first.content.decode() + missed.content.decode()


async def test_the_event_stream_starts_with_a_snapshot_then_resumes_by_number():
    event, hall, on_now, later = await live_event()
    await delay(on_now, 10)

    fresh = await AsyncClient().get("/events/seminar/live/events")
    chunks = fresh.streaming_content
    retry = await anext(chunks)
    snapshot = await anext(chunks)
    await fresh.aclose() if hasattr(fresh, "aclose") else None

    resumed = await AsyncClient().get("/events/seminar/live/events", headers={"Last-Event-ID": "1"})
    chunks = resumed.streaming_content
    await anext(chunks)
    first_update = await anext(chunks)

    assert fresh["Content-Type"].startswith("text/event-stream")
    assert retry.startswith(b"retry:")
    assert b"event: snapshot" in snapshot and SECRET_URL.encode() not in snapshot
    assert first_update.startswith(b"id: 2\nevent: update")


async def test_the_live_page_works_without_javascript_and_is_light():
    event, hall, on_now, later = await live_event()
    await delay(on_now, 10)

    page = await AsyncClient().get("/events/seminar/live/")
    html = page.content.decode()

    assert page.status_code == 200
    assert "Opening" in html and "Keynote" in html and "10 min late" in html
    assert 'http-equiv="refresh"' in html
    assert PUBLIC_URL in html and SECRET_URL not in html
    assert "runs 10 min late" in html  # in "What changed"
    assert len(page.content) < 50_000


async def test_a_draft_events_live_page_and_stream_are_not_found():
    await database_sync_to_async(EventFactory)(slug="hidden", status="draft")

    page = await AsyncClient().get("/events/hidden/live/")
    stream = await AsyncClient().get("/events/hidden/live/events")
    api = await AsyncClient().get("/api/events/hidden/live")

    assert page.status_code == stream.status_code == api.status_code == 404


async def test_the_registrants_page_links_to_the_live_page_with_their_key():
    event, hall, on_now, later = await live_event()
    token = await online_participant(event)

    page = await AsyncClient().get(f"/events/seminar/registration/{token}/")
    live = await AsyncClient().get(f"/events/seminar/live/?r={token}")

    assert f"/events/seminar/live/?r={quote(token)}" in page.content.decode()
    assert SECRET_URL in live.content.decode()


async def test_the_snapshot_carries_every_language_of_a_title_for_the_viewers_own():
    event, hall, on_now, later = await live_event()

    @database_sync_to_async
    def translate():
        event.languages = ["en", "zh-hans"]
        event.save(update_fields=["languages"])
        on_now.title = {"en": "Opening", "zh-hans": "开幕式"}
        on_now.save(update_fields=["title"])

    await translate()
    answer = await AsyncClient().get("/api/events/seminar/live", HTTP_ACCEPT_LANGUAGE="fr")

    [room] = [r for r in answer.json()["snapshot"]["rooms"] if r["room"]]
    titles = {s["id"]: s["titles"] for s in room["sessions"]}
    assert titles[on_now.pk] == {"en": "Opening", "zh-hans": "开幕式"}
    assert titles[later.pk] == {}  # one text for every language: `title` says it
