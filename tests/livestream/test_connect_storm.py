"""Many sockets at once (a restart, a deployment, the hall's Wi-Fi coming back): they share one
snapshot build, and those that reconnect with `since` are answered from the ring of recent
updates without reading the database; the numbers stay ordered and gap-free."""

import asyncio
import datetime as dt

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.utils import timezone

from confman.asgi import application
from livestream import consumers, hello, replay
from sessions.services.chair import session_delay
from tests.factories.events import RoomFactory
from tests.factories.sessions import SessionFactory, published_around_today

ORIGIN = (b"origin", b"http://127.0.0.1:8000")

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_worker_connections"),
]


@database_sync_to_async
def live_event():
    now = timezone.now()
    event = published_around_today(
        slug="storm",
        timezone="UTC",
    )
    hall = RoomFactory(event=event, name="Hall")
    return SessionFactory(
        event=event,
        room=hall,
        start=now - dt.timedelta(minutes=10),
        end=now + dt.timedelta(minutes=50),
    )


@database_sync_to_async
def delay(session, minutes):
    session.refresh_from_db()
    session_delay(session=session, by=None, minutes=minutes)


async def connect(path="/ws/events/storm/live/"):
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN])
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    first = await communicator.receive_json_from(timeout=10)
    assert first["type"] == "hello"
    return communicator, first


async def test_sockets_connecting_together_share_one_snapshot_build(monkeypatch):
    await live_event()
    builds = []
    original = hello._build  # noqa: SLF001

    def counted(event, access):
        builds.append(access.key)
        return original(event, access)

    monkeypatch.setattr(hello, "_build_async", database_sync_to_async(counted, False))

    opened = await asyncio.gather(*(connect() for _ in range(20)))

    assert builds == ["public"]  # one build, shared by the twenty
    assert len({first["sequence"] for _, first in opened}) == 1
    assert all(first["snapshot"]["rooms"] for _, first in opened)
    for communicator, _ in opened:
        await communicator.disconnect()


async def test_reconnecting_with_since_is_answered_without_the_database(monkeypatch):
    session = await live_event()
    watcher, first = await connect()
    await delay(session, 5)
    await delay(session, 10)
    await watcher.receive_json_from(timeout=5)
    await watcher.receive_json_from(timeout=5)
    await watcher.disconnect()

    def no_database(*args, **kwargs):
        raise AssertionError("a reconnect with since read the database")

    # The event is cached by the first connect; the ring holds the two updates.
    monkeypatch.setattr(consumers, "updates_since", no_database)
    monkeypatch.setattr(consumers, "latest_sequence", no_database)
    monkeypatch.setattr(hello, "_build_async", no_database)
    back = await asyncio.gather(
        *(connect(f"/ws/events/storm/live/?since={first['sequence']}") for _ in range(10))
    )

    for communicator, again in back:
        assert again["sequence"] == first["sequence"] + 2
        assert again["snapshot"] is None
        missed = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
        assert [m["sequence"] for m in missed] == [first["sequence"] + 1, first["sequence"] + 2]
        await communicator.disconnect()


async def test_a_snapshot_is_rebuilt_after_an_update(monkeypatch):
    session = await live_event()
    watching, before = await connect()
    await delay(session, 5)
    # Broadcast (with Redis, from a thread of its own) once the open socket has it.
    assert (await watching.receive_json_from(timeout=5))["type"] == "update"

    _, after = await connect()

    assert after["sequence"] == before["sequence"] + 1
    rooms = after["snapshot"]["rooms"]
    assert rooms[0]["sessions"][0]["delay_minutes"] == 5


async def test_a_ring_ahead_of_the_snapshot_does_not_hold_up_the_hello(monkeypatch):
    """A restored database behind the ring (or a broadcast whose commit is not visible yet):
    the socket still gets its hello, at the snapshot's own number."""
    await live_event()
    _, first = await connect()
    hello.forget_all()

    async def ahead(event_id):
        return first["sequence"] + 50

    monkeypatch.setattr(replay, "latest", ahead)
    _, again = await connect()

    assert again["sequence"] == first["sequence"]
    assert again["snapshot"] is not None


async def test_sockets_connecting_together_read_the_event_once(monkeypatch):
    await live_event()
    reads = []
    original = hello._event_of  # noqa: SLF001

    def counted(slug):
        reads.append(slug)
        return original(slug)

    monkeypatch.setattr(hello, "_event_async", database_sync_to_async(counted, False))

    opened = await asyncio.gather(*(connect() for _ in range(20)))

    assert reads == ["storm"]
    for communicator, _ in opened:
        await communicator.disconnect()
