"""The live audience of an event in this process, reached through one channel-layer channel.

Every update is sent to the event's group once (livestream.broadcast). Each process holds one
channel in that group per event it has watchers for, and hands each message it receives to its
local watchers (the sockets of livestream.consumers, the Server-Sent Events streams of
livestream.views) itself. So an update costs one channel-layer message per process, not one per
socket: Redis stores, sends and the process decodes it once, and a socket holds no channel,
receive loop or group membership of its own (less memory, and the delivery is a loop over the
watchers in memory).

A watcher has one method, `take(message)`, called in the process's event loop: it must not
block; a watcher that has more to do (a slow client, a gap to fill) goes on in a task of its
own (`start`). Messages reach each watcher in the order the channel received them.

Joining the first time adds the process's channel to the group (and raises the layer's error
when it is away: the socket is told to come back later). If the channel layer fails later, the
receive loop retries with a backoff and joins the group again, since a restarted Redis has
forgotten it; what the sockets missed meanwhile they fill by its number when the next update
arrives (ring, else log). The group's membership is renewed every RENEW seconds, well within
the layer's group expiry (a day by default), for sockets that stay connected that long. A room
left empty is closed after GRACE seconds, so that a crowd reconnecting at once (a restart, the
hall's Wi-Fi) keeps its channel."""

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Coroutine
from typing import Any, Protocol

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

GRACE = 10.0  # seconds an empty room keeps its channel
RENEW = 3600.0  # seconds between renewals of the group membership
BACKOFF = (0.5, 1.0, 2.0, 5.0)  # seconds between retries while the channel layer is away
# Watchers handed a message between two turns of the event loop (about 2.5 ms of sends): a
# request answered meanwhile, the chair's own above all, waits at most that long for the loop.
YIELD_EVERY = 50


class Watcher(Protocol):
    def take(self, message: dict) -> None: ...


class _Room:
    def __init__(self, group: str, channel: str):
        self.group = group
        self.channel = channel
        self.watchers: dict[Watcher, None] = {}  # ordered, hashable by identity
        self.renewed = time.monotonic()
        self.failing = False
        self.task: asyncio.Task | None = None
        self.closing: asyncio.TimerHandle | None = None


class _Hub:
    """The rooms of one event loop (tests run several loops in one process)."""

    def __init__(self):
        self.layer = get_channel_layer()
        self.rooms: dict[str, _Room] = {}
        self.lock = asyncio.Lock()  # one room made at a time

    async def join(self, group: str, watcher: Watcher) -> None:
        room = self.rooms.get(group)
        if room is None or room.failing:
            async with self.lock:
                room = self.rooms.get(group)
                if room is None:
                    channel = await self.layer.new_channel()
                    await self.layer.group_add(group, channel)
                    room = _Room(group, channel)
                    room.task = asyncio.get_running_loop().create_task(self._receive(room))
                    self.rooms[group] = room
                elif room.failing:
                    # Still away: this socket is told to come back later, as the first was.
                    await self.layer.group_add(group, room.channel)
                    room.failing = False
        if room.closing is not None:
            room.closing.cancel()
            room.closing = None
        room.watchers[watcher] = None
        self.renew(room)

    def leave(self, group: str, watcher: Watcher) -> None:
        room = self.rooms.get(group)
        if room is None:
            return
        room.watchers.pop(watcher, None)
        if not room.watchers and room.closing is None:
            room.closing = asyncio.get_running_loop().call_later(GRACE, self._close, room)

    def renew(self, room: _Room) -> None:
        if time.monotonic() - room.renewed < RENEW:
            return
        room.renewed = time.monotonic()
        asyncio.get_running_loop().create_task(self._add(room))

    async def _add(self, room: _Room) -> None:
        try:
            await self.layer.group_add(room.group, room.channel)
        except Exception as exc:
            logger.warning("Could not renew the live group %s: %r", room.group, exc)

    def _close(self, room: _Room) -> None:
        room.closing = None
        if room.watchers or self.rooms.get(room.group) is not room:
            return
        del self.rooms[room.group]
        room.task.cancel()
        asyncio.get_running_loop().create_task(self._discard(room))

    async def _discard(self, room: _Room) -> None:
        with contextlib.suppress(Exception):  # the group forgets it when it expires
            await self.layer.group_discard(room.group, room.channel)

    async def _receive(self, room: _Room) -> None:
        failures = 0
        while True:
            try:
                message = await self.layer.receive(room.channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                room.failing = True
                if failures == 0:
                    logger.warning("The live group %s cannot be read: %r", room.group, exc)
                await asyncio.sleep(BACKOFF[min(failures, len(BACKOFF) - 1)])
                failures += 1
                with contextlib.suppress(Exception):
                    # A restarted Redis has forgotten the group.
                    await self.layer.group_add(room.group, room.channel)
                    room.failing = False
                    room.renewed = time.monotonic()
                continue
            if failures:
                logger.warning("The live group %s is read again", room.group)
                failures = 0
            await self.hand_out(room, message)

    @staticmethod
    async def hand_out(room: _Room, message: dict) -> None:
        for n, watcher in enumerate(list(room.watchers)):
            try:
                watcher.take(message)
            except Exception:
                logger.exception("A live watcher failed on a message of %s", room.group)
            if n % YIELD_EVERY == YIELD_EVERY - 1:
                await asyncio.sleep(0)  # let requests and frames in between


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub]" = weakref.WeakKeyDictionary()


def _hub() -> _Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = _Hub()
    return hub


async def join(group: str, watcher: Watcher) -> None:
    """Hand `watcher` every message sent to `group` from now on. Raises the channel layer's
    error when it cannot be reached."""
    await _hub().join(group, watcher)


def leave(group: str, watcher: Watcher) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # a stream closed by the garbage collector: its room empties anyway
        return
    _hub().leave(group, watcher)


def renew(group: str) -> None:
    """Called now and then by a watcher (its heartbeat): renews the group membership when due."""
    room = _hub().rooms.get(group)
    if room is not None:
        _hub().renew(room)


def start(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run `coroutine` now, in the caller's turn of the event loop, up to its first real wait;
    only if it has to wait (a slow client's send, a read from the ring) does it go on in a task
    of its own. Most deliveries finish at once, so a message to thousands of sockets makes no
    task per socket. (Python 3.12's eager tasks do the same.)"""
    try:
        waiting = coroutine.send(None)
    except StopIteration:
        return
    except Exception:
        logger.exception("A live delivery failed")
        return
    later(_Resumed(coroutine, waiting).run())


def later(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run `coroutine` in a task of its own, kept until it ends, its failure logged."""
    task = asyncio.get_running_loop().create_task(coroutine)
    _running.add(task)
    task.add_done_callback(_done)


_running: set[asyncio.Task] = set()  # the tasks of deliveries that had to wait


def _done(task: asyncio.Task) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("A live delivery failed", exc_info=task.exception())


class _Resumed:
    """Goes on with a coroutine already started, from the future it is waiting for: the task
    that awaits this waits for that future, and hands the result (or error) back to it."""

    def __init__(self, coroutine: Coroutine, waiting: Any):
        self.coroutine, self.waiting = coroutine, waiting

    async def run(self) -> None:
        await self

    def __await__(self):
        waiting = self.waiting
        while True:
            try:
                value = yield waiting
            except GeneratorExit:
                self.coroutine.close()
                raise
            except BaseException as exc:  # noqa: BLE001 - handed to the coroutine, as await does
                try:
                    waiting = self.coroutine.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    waiting = self.coroutine.send(value)
                except StopIteration:
                    return


def watching() -> int:
    """The sockets and event streams watching in this process, over every event loop's hub
    (the metrics read it from their own thread: the copies keep the loops' changes out)."""
    return sum(
        len(room.watchers) for hub in list(_hubs.values()) for room in list(hub.rooms.values())
    )


def forget_all() -> None:
    """Tests: no room carried into another test's event loop."""
    _hubs.clear()
