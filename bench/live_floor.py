"""The floor of our live stack, for bench/live_fanout.py to run beside confman: a bare Django +
Channels + channels-redis app with one group, no database and no snapshot, on the same uvicorn,
Redis and clients. Its socket joins the group and says hello with the latest number; a POST to
/post sends a numbered update to the group, as the chair's request does in confman. What
confman does on top (who may see what, the snapshot, the log, the ring, the viewers) is what the
ratios to this floor measure.

uvicorn live_floor:application (with bench/ on PYTHONPATH; REDIS_URL and REDIS_PREFIX from the
environment, as confman's servers get them)."""

import json
import os
from datetime import UTC, datetime

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="floor-" + "x" * 50,
    ALLOWED_HOSTS=["127.0.0.1"],
    INSTALLED_APPS=["channels"],
    DATABASES={},
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")],
                "prefix": os.environ.get("REDIS_PREFIX", "floor") + ":floor",
                "capacity": 1000,
            },
        }
    },
)
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

GROUP = "floor"
latest = 0  # the numbers this process handed out (the POSTs all go to one process)


class FloorConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.send(text_data=json.dumps({"type": "hello", "sequence": latest}))

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def live_update(self, event):
        await self.send(text_data=event["text"])


async def http_app(scope, receive, send):
    """GET /healthz, and POST /post: one numbered update to every socket."""
    global latest
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    if scope["path"] == "/post" and scope["method"] == "POST":
        latest += 1
        message = {
            "type": "update",
            "sequence": latest,
            "update": {"created_at": datetime.now(UTC).isoformat()},
        }
        await get_channel_layer().group_send(
            GROUP, {"type": "live.update", "text": json.dumps(message)}
        )
        body = json.dumps({"update_sequence": latest}).encode()
    else:
        body = b"{}"
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": URLRouter([path("ws/events/<slug:slug>/live/", FloorConsumer.as_asgi())]),
    }
)
