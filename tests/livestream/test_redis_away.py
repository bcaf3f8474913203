"""Redis away (the cache, the channel layer, the viewer counts): pages and exports keep working
from the database, the team is told the counts are unavailable, and a live socket is told to
come back later (1013) rather than left hanging. Redis is "away" here by pointing at a port
nothing listens on, so these run with or without a Redis."""

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from confman.asgi import application
from livestream import viewers
from sessions.services.programme import programme_publish
from tests.factories import EventFactory, RoomFactory, SessionFactory, at

NOWHERE = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_away(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "confman.core.cache.ResilientRedisCache",
            "LOCATION": NOWHERE,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def programme(event):
    room = RoomFactory(event=event, name="Hall")
    SessionFactory(event=event, room=room, title="Opening", start=at(event, 0, "10:00"))
    programme_publish(event=event, by=None)
    return event


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/events/seminar/calendar.ics", "/events/seminar/schedule.xml", "/events/seminar/agenda/"],
)
def test_pages_and_exports_are_built_from_the_database_while_the_cache_is_away(
    client, programme, cache_away, path, caplog
):
    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first.get("ETag", "")})

    assert first.status_code == 200
    assert b"Opening" in first.content
    assert again.status_code in (200, 304)  # the ETag is the database's, cached or not
    if first.get("ETag"):
        assert again.status_code == 304


@pytest.mark.django_db
def test_the_team_is_told_the_viewer_counts_are_unavailable(
    client, programme, organiser, bearer, monkeypatch
):
    monkeypatch.setattr(viewers, "_store", viewers._Redis(NOWHERE))  # noqa: SLF001

    api = client.get("/api/events/seminar/live/viewers", headers=bearer(organiser))
    client.force_login(organiser)
    page = client.get("/events/seminar/live/")

    assert (api.status_code, api.json()["code"]) == (503, "viewers_unavailable")
    assert "try again in a minute" in api.json()["detail"]
    assert page.status_code == 200
    assert "watching the live page now" not in page.content.decode()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_is_told_to_come_back_later_while_the_channel_layer_is_away(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [NOWHERE]},
        }
    }
    await database_sync_to_async(EventFactory)(slug="seminar")
    socket = WebsocketCommunicator(
        application, "/ws/events/seminar/live/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )

    await socket.connect()
    told = await socket.receive_json_from(timeout=10)
    closed = await socket.receive_output(timeout=10)

    assert (told["type"], told["code"]) == ("error", "unavailable")
    assert closed == {"type": "websocket.close", "code": 1013}
