"""The live channel's recent past, where every process reads it: the number of the latest update
broadcast for each event, and a ring of the last RING updates as they were sent. A socket that
reconnects with `?since=N` (after a restart, a deployment, or the hall's Wi-Fi coming back:
thousands at once) is answered from here, not from the database; only a client that missed
more than the ring holds reads the log.

`remember` runs in the broadcasting process after commit and before the group send, so a socket
that joins its group after the send finds the update here, and one that joins before receives
it from the group: either way nothing is missed, and the numbers stay in order (the consumer
never sends a number twice). With REDIS_URL the ring lives in Redis (a sorted set scored by
sequence, a key for the latest number, both expiring a day after the last update), shared by
every ASGI process; without it, in this process's memory, as the in-memory channel layer is."""

import asyncio
import json
import logging
import weakref
from collections import OrderedDict

from django.conf import settings
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RING = 500  # updates kept per event: as many as the consumer replays before a fresh snapshot
KEEP = 24 * 3600  # seconds the ring outlives the event's last update

UNAVAILABLE = (RedisError, OSError)

# Set the latest number only upwards (two processes may broadcast out of order), and keep the
# ring to its last RING entries; one round trip.
_REMEMBER = """
local latest = tonumber(redis.call('GET', KEYS[1]) or '0')
local sequence = tonumber(ARGV[1])
if sequence > latest then redis.call('SET', KEYS[1], sequence) end
redis.call('ZADD', KEYS[2], sequence, ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[3]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""


def _keys(event_id: int) -> tuple[str, str]:
    base = f"{settings.REDIS_PREFIX}:live:{event_id}"
    return f"{base}:latest", f"{base}:ring"


class _Memory:
    def __init__(self):
        self.latest: dict[int, int] = {}
        self.rings: dict[int, OrderedDict[int, str]] = {}

    def remember(self, event_id: int, sequence: int, text: str) -> None:
        self.latest[event_id] = max(self.latest.get(event_id, 0), sequence)
        ring = self.rings.setdefault(event_id, OrderedDict())
        ring[sequence] = text
        while len(ring) > RING:
            ring.popitem(last=False)

    async def latest_of(self, event_id: int) -> int | None:
        return self.latest.get(event_id)

    async def between(self, event_id: int, since: int, upto: int) -> dict[int, str]:
        ring = self.rings.get(event_id, {})
        return {n: ring[n] for n in range(since + 1, upto + 1) if n in ring}


class _Redis:
    def __init__(self, url: str):
        import redis
        import redis.asyncio

        self.url = url
        self.sync = redis.Redis.from_url(url)
        self.factory = redis.asyncio.Redis.from_url
        self.clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.script = self.sync.register_script(_REMEMBER)

    def _client(self):
        # One async client per event loop: a client cannot cross loops (tests run several).
        loop = asyncio.get_running_loop()
        if loop not in self.clients:
            self.clients[loop] = self.factory(self.url)
        return self.clients[loop]

    def remember(self, event_id: int, sequence: int, text: str) -> None:
        self.script(keys=list(_keys(event_id)), args=[sequence, text, RING, KEEP])

    async def latest_of(self, event_id: int) -> int | None:
        found = await self._client().get(_keys(event_id)[0])
        return int(found) if found is not None else None

    async def between(self, event_id: int, since: int, upto: int) -> dict[int, str]:
        rows = await self._client().zrangebyscore(
            _keys(event_id)[1], f"({since}", upto, withscores=True
        )
        return {int(score): member.decode() for member, score in rows}


_store = _Redis(settings.REDIS_URL) if settings.REDIS_URL else _Memory()


def remember(event_id: int, message: dict) -> None:
    """Keep a broadcast update (the channel layer's message, links included) and its number."""
    try:
        _store.remember(event_id, message["sequence"], json.dumps(message, ensure_ascii=False))
    except UNAVAILABLE as exc:  # the group send that follows fails too; clients resync
        logger.warning(
            "Could not keep update %s of event %s: %r", message["sequence"], event_id, exc
        )


async def latest(event_id: int) -> int | None:
    """The number of the event's latest broadcast update, or None when unknown here (nothing
    broadcast since the ring expired, or Redis away): the caller reads the log."""
    try:
        return await _store.latest_of(event_id)
    except UNAVAILABLE as exc:
        logger.warning("Live ring unavailable, reading the log: %r", exc)
        return None


async def updates(event_id: int, since: int, upto: int) -> list[dict] | None:
    """Every update after `since` up to `upto`, in order, when the ring holds them all; None
    when it does not (the caller reads the log)."""
    if upto <= since:
        return []
    try:
        found = await _store.between(event_id, since, upto)
    except UNAVAILABLE as exc:
        logger.warning("Live ring unavailable, reading the log: %r", exc)
        return None
    if len(found) != upto - since:
        return None
    return [json.loads(found[n]) for n in range(since + 1, upto + 1)]


def forget_all() -> None:
    """Start from an empty ring: for tests, whose databases number their events and updates
    from 1 again, and after restoring a database from a backup (docs: the ring would otherwise
    hold a timeline the database no longer has, for a day)."""
    if isinstance(_store, _Memory):
        _store.latest.clear()
        _store.rings.clear()
        return
    keys = list(_store.sync.scan_iter(match=f"{settings.REDIS_PREFIX}:live:*", count=1000))
    if keys:
        _store.sync.delete(*keys)
