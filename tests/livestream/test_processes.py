"""Several ASGI processes, one audience: with REDIS_URL, an update made through one process
reaches a socket held by another."""

import asyncio
import datetime as dt
import json

import pytest
import websockets
from asgiref.sync import async_to_sync

from tests.asgi_servers import asgi_servers, require_postgres_and_redis
from tests.helpers import published_session_and_token

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_update_through_process_b_reaches_a_socket_on_process_a():
    require_postgres_and_redis()
    session, token = published_session_and_token(-dt.timedelta(minutes=5))

    with asgi_servers(2) as (a, b):

        async def scenario():
            socket_url = a.replace("http://", "ws://") + "/ws/events/seminar/live/"
            async with websockets.connect(socket_url, origin=a) as socket:
                hello = json.loads(await asyncio.wait_for(socket.recv(), 10))
                status = await asyncio.to_thread(
                    _post,
                    f"{b}/api/events/seminar/sessions/{session.pk}/status",
                    {"action": "delay", "minutes": 10},
                    token,
                )
                message = json.loads(await asyncio.wait_for(socket.recv(), 10))
                return hello, status, message

        hello, status, message = async_to_sync(scenario)()

    assert status == 200
    assert message["type"] == "update" and message["sequence"] == hello["sequence"] + 1
    assert message["session"]["id"] == session.pk and message["session"]["delay_minutes"] == 10


def _post(url: str, body: dict, token: str) -> int:
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 (loopback)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status
