import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from confman.asgi import application
from events.models import TeamMember
from events.services import event_update
from tests.factories import EventFactory, UserFactory

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def communicator(slug: str, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin] if origin else []
    return WebsocketCommunicator(application, f"/ws/events/{slug}/live/", headers=headers)


@database_sync_to_async
def _owned_event():
    event = EventFactory(slug="seminar", title="Regional Seminar")
    owner = UserFactory(username="owner")
    TeamMember.objects.create(event=event, user=owner, role=TeamMember.Role.OWNER)
    return event, owner


async def owned_event_and_listener():
    """A published event with an owner, and an anonymous socket past its hello."""
    event, owner = await _owned_event()
    socket = communicator("seminar")
    await socket.connect()
    await socket.receive_json_from(timeout=5)
    return event, owner, socket


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_live_socket_greets_with_event_snapshot():
    await database_sync_to_async(EventFactory)(slug="seminar", title="Regional Seminar")
    socket = communicator("seminar")

    connected, _ = await socket.connect()
    hello = await socket.receive_json_from(timeout=5)

    assert connected
    assert hello["type"] == "hello"
    assert hello["event"]["slug"] == "seminar"
    assert hello["event"]["timezone"] == "Asia/Shanghai"
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_event_update_service_reaches_the_socket_after_commit():
    event, owner, socket = await owned_event_and_listener()

    await database_sync_to_async(event_update)(event=event, by=owner, title="Consultation")
    message = await socket.receive_json_from(timeout=5)

    assert message["type"] == "event.changed"
    assert message["event"]["title"] == "Consultation"
    assert message["event"]["slug"] == "seminar"
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_ping_gets_pong():
    await database_sync_to_async(EventFactory)(slug="seminar")
    socket = communicator("seminar")
    await socket.connect()
    await socket.receive_json_from(timeout=5)

    await socket.send_json_to({"type": "ping"})
    reply = await socket.receive_json_from(timeout=5)

    assert reply["type"] == "pong"
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_draft_event_refuses_anonymous_socket():
    await database_sync_to_async(EventFactory)(slug="draft", status="draft")
    socket = communicator("draft")

    await socket.connect()
    refusal = await socket.receive_json_from(timeout=5)
    closed = await socket.receive_output(timeout=5)

    assert refusal["code"] == "not_found"
    assert closed == {"type": "websocket.close", "code": 4404}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_unknown_event_refuses_socket():
    socket = communicator("nothing-here")
    await socket.connect()
    refusal = await socket.receive_json_from(timeout=5)
    closed = await socket.receive_output(timeout=5)

    assert refusal["type"] == "error"
    assert closed["code"] == 4404


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_foreign_origin_is_refused():
    await database_sync_to_async(EventFactory)(slug="seminar")

    connected, _ = await communicator(
        "seminar", origin=(b"origin", b"https://evil.example")
    ).connect()

    assert not connected


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_event_turned_draft_is_not_sent_to_public_viewers():
    event, owner, socket = await owned_event_and_listener()

    await database_sync_to_async(event_update)(
        event=event, by=owner, status="draft", title="Unannounced"
    )
    message = await socket.receive_json_from(timeout=5)
    closed = await socket.receive_output(timeout=5)

    assert message["type"] == "error"
    assert "Unannounced" not in str(message)
    assert closed["code"] == 4404


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_malformed_frames_get_an_error_not_a_crash():
    await database_sync_to_async(EventFactory)(slug="seminar")
    socket = communicator("seminar")
    await socket.connect()
    await socket.receive_json_from(timeout=5)

    await socket.send_to(text_data="{not json")
    first = await socket.receive_json_from(timeout=5)
    await socket.send_to(bytes_data=b"\x00\x01")
    second = await socket.receive_json_from(timeout=5)
    await socket.send_json_to({"type": "ping"})
    third = await socket.receive_json_from(timeout=5)

    assert first["code"] == second["code"] == "unknown_message"
    assert third["type"] == "pong"
    await socket.disconnect()
