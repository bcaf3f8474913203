"""Online attendance: a registered participant's live page records how long they watched
(registrations.Viewing), for the participation report and the certificates; anonymous viewers
are counted, never recorded."""

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from confman.asgi import application
from livestream import consumers
from registrations.links import magic_token
from registrations.models import Viewing
from tests.factories.events import RoomFactory
from tests.factories.registrations import registered, ticket
from tests.factories.sessions import published_around_today

ORIGIN = (b"origin", b"http://127.0.0.1:8000")

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_worker_connections"),
]


@database_sync_to_async
def event_with_participant():
    event = published_around_today(
        slug="forum",
        timezone="UTC",
    )
    hall = RoomFactory(event=event, name="Hall")
    person = registered(ticket(event, name="Online", modes="online"), mode="online")
    return event, hall, person, magic_token(person)


@database_sync_to_async
def viewings_of(person):
    return list(Viewing.objects.filter(registration=person).order_by("pk"))


@database_sync_to_async
def viewing_count():
    return Viewing.objects.count()


async def connect(path: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN])
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    assert (await communicator.receive_json_from(timeout=10))["type"] == "hello"
    return communicator


async def test_a_participants_viewing_is_recorded_from_connect_to_close(monkeypatch):
    event, hall, person, token = await event_with_participant()
    monkeypatch.setattr(consumers, "VIEWING_MARK", 0.0)  # every ping moves the end

    communicator = await connect(f"/ws/events/forum/live/?r={token}")
    # The socket handles one message at a time: once it answers, its connect is done.
    await communicator.send_json_to({"type": "ping"})
    await communicator.receive_json_from(timeout=5)
    opened = await viewings_of(person)
    await communicator.send_json_to({"type": "watching", "room": hall.pk})
    await communicator.send_json_to({"type": "ping"})
    await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()

    assert len(opened) == 1 and opened[0].room_id is None
    first, second = await viewings_of(person)
    assert first.ended_at >= first.started_at
    assert second.room_id == hall.pk  # a new stretch when the page changes room
    assert second.started_at >= first.ended_at
    assert first.event_id == event.pk


async def test_anonymous_viewers_leave_no_record():
    await event_with_participant()

    communicator = await connect("/ws/events/forum/live/")
    await communicator.send_json_to({"type": "ping"})
    await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()

    assert await viewing_count() == 0
