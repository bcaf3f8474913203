"""GET /healthz: is the database answering, and does the channel layer carry a message?"""

import asyncio
import logging
import time

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

CHECK_TIMEOUT = 3.0
logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured (CHANNEL_LAYERS)")
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("the channel layer returned another message")


async def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except Exception as exc:  # any failure is the answer itself
        # The page is public: name the kind of failure, keep hosts and users for the log.
        logger.warning("Health check %s failed", check.__name__, exc_info=True)
        if isinstance(exc, TimeoutError):
            return {"status": "down", "error": f"no answer within {CHECK_TIMEOUT:.0f} s"}
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}


@never_cache
async def healthz(request: HttpRequest) -> JsonResponse:
    database = await _timed(sync_to_async(_check_database, thread_sensitive=True))
    channel_layer = await _timed(_check_channel_layer)
    healthy = database["status"] == "ok" and channel_layer["status"] == "ok"
    return JsonResponse(
        {
            "status": "ok" if healthy else "down",
            "database": {"vendor": connection.vendor, **database},
            "channel_layer": {"backend": type(get_channel_layer()).__name__, **channel_layer},
        },
        status=200 if healthy else 503,
    )
