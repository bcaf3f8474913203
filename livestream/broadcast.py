"""Send what changed to everyone watching an event. Called after commit, never before, and
with plain data (the API's Out schemas), never model instances."""

import asyncio
import functools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import close_old_connections, connection

from confman.core.after_response import after_response
from events.models import Event
from events.schemas import EventSummaryOut
from events.selectors import event_with_venue
from livestream import replay
from livestream.groups import event_group
from livestream.schemas import LiveMessageOut
from livestream.selectors import update_message
from sessions.models import SessionUpdate

logger = logging.getLogger(__name__)


def event_payload(event: Event) -> dict:
    return EventSummaryOut.from_orm(event).model_dump(mode="json")


def broadcast_event_changed(event_id: int) -> None:
    event = event_with_venue(pk=event_id)
    if event is None:
        return
    layer = get_channel_layer()
    try:
        async_to_sync(layer.group_send)(
            event_group(event.pk), {"type": "event.changed", "event": event_payload(event)}
        )
    except Exception:
        # The change itself is committed; a dead channel layer must not turn it into an error.
        # Clients resynchronise from the snapshot when they reconnect.
        logger.exception("Could not broadcast the change of event %s", event_id)


def on_event_changed(sender, *, event_id: int, **kwargs) -> None:
    broadcast_event_changed(event_id)


class _Sender:
    """Broadcasts this process's updates from one thread with an event loop of its own, one
    after the other in the order they were handed over, so that the request that made the
    change (a chair's click) answers without waiting for its update to be read back, kept in
    the ring and sent: it hands over the update's id and is done. Used with the Redis channel
    layer; the in-memory layer (one process, the tests) sends in the caller's thread."""

    def __init__(self):
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue | None = None
        self.lock = threading.Lock()
        # Django reads outside the event loop: one thread, in order, with its own connection.
        self.reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-broadcast-read")

    def _start(self) -> asyncio.AbstractEventLoop:
        with self.lock:
            if self.loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    self.queue = asyncio.Queue()
                    loop.create_task(self._drain())
                    ready.set()
                    loop.run_forever()

                threading.Thread(target=run, name="live-broadcast", daemon=True).start()
                ready.wait()
                self.loop = loop
        return self.loop

    async def _drain(self) -> None:
        """One update at a time, in order: sent concurrently, two updates could reach a
        process the other way round. The reads run in a thread of their own."""
        while True:
            update_id = await self.queue.get()
            try:
                prepared = await asyncio.get_running_loop().run_in_executor(
                    self.reader, _prepared_here, update_id
                )
                if prepared is not None:
                    await get_channel_layer().group_send(*prepared)
            except Exception as exc:
                # Committed is committed: clients notice the gap by its number and read it
                # from the ring or the log.
                logger.error("Could not broadcast update %s: %r", update_id, exc)

    def send(self, update_id: int) -> None:
        loop = self._start()
        loop.call_soon_threadsafe(self.queue.put_nowait, update_id)


_sender = _Sender()


def _in_background() -> bool:
    return bool(settings.REDIS_URL) and settings.LIVE_BROADCAST_IN_BACKGROUND


def update_payload(update: SessionUpdate) -> dict:
    """The update as the live channel carries it between processes: JSON-ready, links included
    (each consumer strips what its viewer may not see before sending)."""
    return LiveMessageOut.model_validate(update_message(update)).model_dump(mode="json")


def _prepared(update_id: int) -> tuple[str, dict] | None:
    """The update read back, kept in the ring, and its group message: (group, message)."""
    update = SessionUpdate.objects.filter(pk=update_id).first()
    if update is None:
        return None
    message = update_payload(update)
    # Kept first, so that a socket joining after the send still finds it (livestream.replay).
    replay.remember(update.event_id, message)
    return event_group(update.event_id), {"type": "live.update", "message": message}


def _prepared_here(update_id: int) -> tuple[str, dict] | None:
    """_prepared in the sender's reading thread. The update is read back a moment after its
    commit: the session it carries is as it is then (a change made meanwhile shows in both)."""
    close_old_connections()
    try:
        return _prepared(update_id)
    finally:
        connection.close()  # not held between broadcasts (a pool, if any, takes it back)


def broadcast_update(update_id: int) -> None:
    if _in_background():
        # Once the request that made the update has its answer: the fan-out, in this process
        # too, then does not compete with the answer (a chair's click) for the interpreter.
        after_response(functools.partial(_sender.send, update_id))
        return
    prepared = _prepared(update_id)
    if prepared is None:
        return
    try:
        async_to_sync(get_channel_layer().group_send)(*prepared)
    except Exception:
        # Committed is committed: clients notice the gap by its number and fetch it from the log.
        logger.exception("Could not broadcast update %s", update_id)


def on_update_logged(sender, *, update_id: int, **kwargs) -> None:
    broadcast_update(update_id)
