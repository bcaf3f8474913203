"""About how many people watch an event, and each room, now: every open socket says so when it
connects and with each heartbeat, and its mark expires on its own when it stops (a process that
crashes takes no one with it for longer than TTL). With REDIS_URL, the marks live in Redis
sorted sets (member: the socket's channel name, score: when the mark expires), so every ASGI
process counts the same audience; without it, in this process's memory."""

import asyncio
import logging
import time
import weakref

from django.conf import settings
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

TTL = 75  # seconds: a little over two heartbeats (the browser sends one every 25 s)


def _now() -> float:
    return time.time()


class _Memory:
    def __init__(self):
        self.marks: dict[str, dict[str, float]] = {}

    async def mark(self, key: str, member: str, expires: float) -> None:
        self.marks.setdefault(key, {})[member] = expires

    async def unmark(self, key: str, member: str) -> None:
        self.marks.get(key, {}).pop(member, None)

    def count(self, key: str, now: float) -> int:
        marks = self.marks.get(key, {})
        for member in [m for m, expires in marks.items() if expires <= now]:
            del marks[member]
        return len(marks)


class _Redis:
    def __init__(self, url: str):
        import redis
        import redis.asyncio

        self.url = url
        self.clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.factory = redis.asyncio.Redis.from_url
        self.sync = redis.Redis.from_url(url)

    def _client(self):
        # One client per event loop: an async client cannot cross loops (tests run several).
        loop = asyncio.get_running_loop()
        if loop not in self.clients:
            self.clients[loop] = self.factory(self.url)
        return self.clients[loop]

    async def mark(self, key: str, member: str, expires: float) -> None:
        client = self._client()
        async with client.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {member: expires})
            pipe.expire(key, TTL * 2)
            await pipe.execute()

    async def unmark(self, key: str, member: str) -> None:
        await self._client().zrem(key, member)

    def count(self, key: str, now: float) -> int:
        with self.sync.pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(key, 0, now)
            pipe.zcard(key)
            _, count = pipe.execute()
        return int(count)


_store = _Redis(settings.REDIS_URL) if settings.REDIS_URL else _Memory()


def _key(event_id: int, room_id: int | None = None) -> str:
    scope = f"{event_id}" if room_id is None else f"{event_id}:room:{room_id}"
    return f"{settings.REDIS_PREFIX}:viewers:{scope}"


# The counts are a nicety: while Redis is away a socket still gets its updates (or is told to
# come back later), and the team is told the counts are unavailable.
UNAVAILABLE = (RedisError, OSError)


async def seen(event_id: int, channel: str, room_id: int | None = None) -> None:
    """This socket is watching (and, if it says so, this room)."""
    expires = _now() + TTL
    try:
        await _store.mark(_key(event_id), channel, expires)
        if room_id is not None:
            await _store.mark(_key(event_id, room_id), channel, expires)
    except UNAVAILABLE as exc:
        logger.warning("Viewer counts unavailable, %s not counted: %r", channel, exc)


async def gone(event_id: int, channel: str, room_ids: set[int] = frozenset()) -> None:
    try:
        await _store.unmark(_key(event_id), channel)
        for room_id in room_ids:
            await _store.unmark(_key(event_id, room_id), channel)
    except UNAVAILABLE as exc:  # its mark expires on its own
        logger.warning("Viewer counts unavailable, %s not uncounted: %r", channel, exc)


def counts(event_id: int, room_ids: list[int]) -> dict | None:
    """Read from the page and the API (synchronous code); None while they cannot be read."""
    now = _now()
    try:
        return {
            "total": _store.count(_key(event_id), now),
            "rooms": {room_id: _store.count(_key(event_id, room_id), now) for room_id in room_ids},
        }
    except UNAVAILABLE as exc:
        logger.warning("Viewer counts unavailable: %r", exc)
        return None
