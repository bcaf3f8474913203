"""The live channel of an event: /ws/events/<slug>/live/. It reads the programme; every change
to it happens in the services, which broadcast after commit. Its one write is a registered
participant's online attendance (registrations.services.attendance): a row per stretch
watched, moved forward about once a minute.

On connect the viewer gets `hello`: the event, the update number it is at (`sequence`) and a
snapshot of what is on now and next per room, with the streams this viewer may watch. Then
every programme update as it happens, each with its number. A client that reconnects with
`?since=N` gets every update after N, in order, before the live ones: from the ring of recent
updates (livestream.replay), else the log (and a fresh snapshot instead when it missed too
many); a client that sees a gap sends `{"type": "resume", "since": N}`. Numbers this socket
has already sent are never sent twice, and a gap on the server side (a message the channel
layer lost) is filled the same way. The event, the snapshot and each update's text are made
once per process and kind of viewer and shared (livestream.hello): a crowd connecting at once
costs one build, not one each."""

import asyncio
import contextlib
import json
import logging
import time
import uuid
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from events.permissions import Action, has_event_permission
from livestream import hello, hub, replay, viewers
from livestream.access import PUBLIC, registration_for_link, viewer_access
from livestream.broadcast import update_payload
from livestream.groups import event_group
from livestream.selectors import latest_sequence, updates_since
from livestream.viewers import UNAVAILABLE
from registrations.services.attendance import MARK_EVERY, PageViewing

# Close codes 4000–4999 are ours. 4404: no such event, or not one this viewer may see (the two
# look the same, so drafts do not leak); clients show it and stop reconnecting.
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_CHATTY = 4429
CLOSE_TOO_BIG = 1009
CLOSE_TRY_AGAIN = 1013  # RFC 6455's "Try Again Later": the channel layer is away

REPLAY_LIMIT = 500  # missed more than this: a fresh snapshot is shorter than the log
MAX_FRAME = 1024  # bytes: clients only ping, resume and say which room they watch
RATE_WINDOW = 60.0  # seconds
RATE_LIMIT = 60  # frames per window
# A participant's viewing (their online attendance) moves forward on a ping at most this often.
VIEWING_MARK = MARK_EVERY


logger = logging.getLogger(__name__)


def _since(values: list[str]) -> int | None:
    if not values or not values[0].isdigit():
        return None
    return min(int(values[0]), 2**62)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    sees_drafts = False
    event = None
    access = None
    sent = 0  # the last update number this socket has sent
    room: int | None = None
    viewing: PageViewing | None = None  # a registered participant's online attendance

    async def __call__(self, scope, receive, send):
        """One socket's life. It has no channel of its own: the event's messages reach it
        through the process's one channel per event (livestream.hub, `take`), so the socket
        reads from its client only, with no second receive loop and no task per frame."""
        self.scope = scope
        self.channel_layer = None
        # The socket's name in the viewer counts (livestream.viewers), unique across processes.
        self.channel_name = uuid.uuid4().hex
        self.base_send = send
        self.lock = asyncio.Lock()  # what is sent after what: one of connect, resume, update
        self.queued = 0  # messages waiting for the lock in tasks of their own
        try:
            with contextlib.suppress(StopConsumer):
                while True:
                    await self.dispatch(await receive())
        finally:
            if self.group is not None:  # left without a disconnect (an error): leave anyway
                hub.leave(self.group, self)
                self.group = None

    async def dispatch(self, message):
        """Without channels' per-message close_old_connections, which queues work on the one
        shared sync thread for every frame: what the handlers read from the database goes
        through database_sync_to_async, which closes old connections on its own."""
        await getattr(self, get_handler_name(message))(message)

    @classmethod
    async def encode_json(cls, content):
        return json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False)

    async def _load(self, slug: str, token: str) -> dict | None:
        """The event and what this viewer may see of it. An anonymous viewer without a private
        link (most of an audience) costs no query: the event is read once per process and
        FRESH seconds (livestream.hello), and the public sees what any public viewer sees."""
        found = await hello.event_found(slug)
        if found is None:
            return None
        user = self.scope.get("user")
        if not token and (user is None or not user.is_authenticated):
            if not found.event.is_public:
                return None
            return {"found": found, "sees_drafts": False, "access": PUBLIC}
        return await database_sync_to_async(self._viewer, thread_sensitive=False)(found, token)

    def _viewer(self, found: hello.Found, token: str) -> dict | None:
        event, user = found.event, self.scope.get("user")
        if not has_event_permission(user, event, Action.VIEW):
            return None
        return {
            "found": found,
            "sees_drafts": has_event_permission(user, event, Action.VIEW_DRAFT),
            "access": viewer_access(event, user, registration_for_link(token)),
        }

    async def _snapshot_text(self, at_least: int = 0) -> hello.Built:
        return await hello.snapshot_text(self.event, self.access, at_least)

    @database_sync_to_async
    def _latest_from_log(self) -> int:
        return latest_sequence(self.event)

    async def _latest(self) -> int:
        """The number of the event's latest update: from the ring (no query), else the log."""
        latest = await replay.latest(self.event.pk)
        return latest if latest is not None else await self._latest_from_log()

    async def _between(self, since: int, upto: int, limit: int) -> list[dict]:
        """The updates after `since` up to `upto` (at most `limit`), from the ring when it
        holds them all, else from the log."""
        found = await replay.updates(self.event.pk, since, upto) if upto - since <= limit else None
        return found if found is not None else await self._missed(since, limit)

    @database_sync_to_async
    def _viewing_mark(self, opening: bool) -> None:
        """Record this participant's online attendance: extend the open viewing to now, and
        with `opening` start a new one (on connect, and when the page changes room)."""
        if opening:
            self.viewing.start(at=timezone.now(), room_id=self.room)
        else:
            self.viewing.mark(at=timezone.now())

    @database_sync_to_async
    def _missed(self, since: int, limit: int) -> list[dict]:
        return [update_payload(u) for u in updates_since(self.event, since, limit)]

    async def connect(self):
        self.frames: list[float] = []
        params = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        since = _since(params.get("since", []))
        loaded = await self._load(
            self.scope["url_route"]["kwargs"]["slug"], params.get("r", [""])[0][:1000]
        )
        # Accept first: a close before accepting reaches the browser as a bare handshake
        # failure, without our code.
        await self.accept()
        if loaded is None:
            await self._refuse()
            return
        self.event = loaded["found"].event
        self.access = loaded["access"]
        self.sees_drafts = loaded["sees_drafts"]
        async with self.lock:  # updates arriving meanwhile wait, then go out after the hello
            # Join before reading: whatever is broadcast after this reaches the socket, and
            # what the snapshot or the ring already holds is not sent twice (numbers).
            try:
                await hub.join(event_group(self.event.pk), self)
            except UNAVAILABLE as exc:
                logger.warning("Channel layer unavailable; a socket told to retry: %r", exc)
                await self._unavailable()
                return
            self.group = event_group(self.event.pk)
            latest = await self._latest()
            if since is None or since > latest or latest - since > REPLAY_LIMIT:
                built = await self._snapshot_text(latest)
                self.sent = built.sequence
                await self.send(text_data=self._hello(loaded["found"], built.sequence, built.text))
            else:
                missed = await self._between(since, latest, REPLAY_LIMIT + 1)
                self.sent = since
                await self.send(text_data=self._hello(loaded["found"], latest, "null"))
                await self._send_updates(missed)
        await viewers.seen(self.event.pk, self.channel_name)
        if self.access.registration_id is not None:
            self.viewing = PageViewing(
                event_id=self.event.pk, registration_id=self.access.registration_id
            )
            await self._viewing_mark(opening=True)

    @staticmethod
    def _hello(found: hello.Found, sequence: int, snapshot_text: str) -> str:
        """The first frame, with the event and the snapshot as encoded once for everyone."""
        return (
            f'{{"type": "hello", "server_time": {hello.encode(timezone.now())}, '
            f'"event": {found.payload_text}, "sequence": {sequence}, '
            f'"snapshot": {snapshot_text}}}'
        )

    async def _send_updates(self, messages: list[dict]) -> None:
        for message in messages:
            if message["sequence"] <= self.sent:
                continue
            await self.send(text_data=hello.update_text(self.event.pk, message, self.access))
            self.sent = message["sequence"]

    async def _unavailable(self):
        """The channel layer (Redis) is away: no live updates could reach this socket. Say so
        and close with 1013 (try again later); the page reconnects with its backoff, and the
        schedule stays readable over HTTP."""
        await self.send_json(
            {
                "type": "error",
                "code": "unavailable",
                "detail": _("Live updates are unavailable for a moment; reconnecting."),
            }
        )
        await self.close(code=CLOSE_TRY_AGAIN)

    async def _refuse(self):
        await self.send_json(
            {
                "type": "error",
                "code": "not_found",
                "detail": _("There is no such event, or it is not public."),
            }
        )
        await self.close(code=CLOSE_NOT_FOUND)

    async def disconnect(self, code):
        if self.group:
            hub.leave(self.group, self)
            self.group = None
        if self.event is not None:
            await viewers.gone(
                self.event.pk, self.channel_name, {self.room} if self.room is not None else set()
            )
        if self.viewing is not None:
            await self._viewing_mark(opening=False)

    async def _too_chatty(self) -> bool:
        now = time.monotonic()
        self.frames = [t for t in self.frames if now - t < RATE_WINDOW] + [now]
        return len(self.frames) > RATE_LIMIT

    async def websocket_receive(self, message):
        size = len(message.get("text") or message.get("bytes") or b"")
        if size > MAX_FRAME:
            await self.send_json(
                {
                    "type": "error",
                    "code": "too_big",
                    "detail": _("Frames to this channel are at most 1 KB."),
                }
            )
            await self.close(code=CLOSE_TOO_BIG)
            return
        if await self._too_chatty():
            await self.send_json(
                {
                    "type": "error",
                    "code": "too_many",
                    "detail": _("Too many frames; this channel mostly listens. Reconnect later."),
                }
            )
            await self.close(code=CLOSE_TOO_CHATTY)
            return
        await super().websocket_receive(message)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self._ping()
            return
        if kind == "resume" and self.event is not None and isinstance(content.get("since"), int):
            async with self.lock:
                await self._resume(max(0, content["since"]))
            return
        if kind == "snapshot" and self.event is not None:
            async with self.lock:
                built = await self._snapshot_text(self.sent)
                self.sent = max(self.sent, built.sequence)
                await self.send(text_data=built.text)
            return
        if kind == "watching" and self.event is not None:
            room = content.get("room")
            if room is None or isinstance(room, int):
                await self._watching(room)
                return
        await self.send_json(
            {
                "type": "error",
                "code": "unknown_message",
                "detail": _(
                    'This channel understands the JSON texts {"type": "ping"}, '
                    '{"type": "resume", "since": N}, {"type": "snapshot"} and '
                    '{"type": "watching", "room": ID}.'
                ),
            }
        )

    async def _resume(self, since: int) -> None:
        # A client that lost messages asks again: this socket may send them once more.
        self.sent = min(self.sent, since)
        latest = await self._latest()
        missed = await self._between(since, latest, REPLAY_LIMIT + 1)
        if len(missed) > REPLAY_LIMIT:
            built = await self._snapshot_text(latest)
            self.sent = built.sequence
            await self.send(text_data=built.text)
        else:
            await self._send_updates(missed)

    async def _ping(self):
        await self.send_json({"type": "pong", "server_time": timezone.now().isoformat()})
        if self.group is not None:
            hub.renew(self.group)
        if self.event is not None:
            await viewers.seen(self.event.pk, self.channel_name, self.room)
        if self.viewing is not None and self.viewing.due(VIEWING_MARK):
            await self._viewing_mark(opening=False)

    async def _watching(self, room: int | None):
        if self.room is not None and self.room != room:
            await viewers.gone(self.event.pk, self.channel_name, {self.room})
        changed = room != self.room
        self.room = room
        await viewers.seen(self.event.pk, self.channel_name, room)
        if changed and self.viewing is not None:
            await self._viewing_mark(opening=True)

    # --- the event's messages, handed over by livestream.hub --------------------------------

    def take(self, message: dict) -> None:
        """Called by the hub for every message to the event's group, in order, without
        waiting. The common case, the next update while nothing else is being sent, goes out
        at once in the hub's turn (hub.start); anything else (a gap to fill, a socket busy
        connecting or resuming, an event change) waits for its turn in a task."""
        if not self.queued and not self.lock.locked() and message["type"] == "live.update":
            sequence = message["message"]["sequence"]
            if sequence <= self.sent:
                return
            if sequence == self.sent + 1:
                self.sent = sequence
                text = hello.update_text(self.event.pk, message["message"], self.access)
                hub.start(self._send_in_turn(text))
                return
        self.queued += 1
        hub.later(self._in_turn(message))

    async def _send_in_turn(self, text: str) -> None:
        async with self.lock:  # a slow client's send holds the next ones back, in order
            await self._send_quietly(text)

    async def _in_turn(self, message: dict) -> None:
        try:
            async with self.lock:
                if message["type"] == "live.update":
                    await self._update(message["message"])
                elif message["type"] == "event.changed":
                    await self._event_changed(message["event"])
        except Exception as exc:  # the client went away meanwhile
            logger.debug("A live message was not sent: %r", exc)
        finally:
            self.queued -= 1

    async def _send_quietly(self, text: str) -> None:
        try:
            await self.send(text_data=text)
        except Exception as exc:  # the client went away meanwhile
            logger.debug("A live update was not sent: %r", exc)

    async def _event_changed(self, event: dict) -> None:
        hello.forget_event(self.event.slug)
        if event["status"] not in ("published", "archived") and not self.sees_drafts:
            # The event went back to draft: public viewers lose it, and hear nothing of it.
            if self.group is not None:
                hub.leave(self.group, self)
                self.group = None
            await self._refuse()
            return
        await self.send_json({"type": "event.changed", "event": event})

    async def _update(self, message: dict) -> None:
        sequence = message["sequence"]
        if sequence <= self.sent:
            return
        if sequence > self.sent + 1:
            # Something between was lost on the way: fill the gap (ring, else log), in order.
            gap = sequence - 1 - self.sent
            await self._send_updates(await self._between(self.sent, sequence - 1, gap))
        if sequence > self.sent:
            await self.send(text_data=hello.update_text(self.event.pk, message, self.access))
            self.sent = sequence
