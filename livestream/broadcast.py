"""Send what changed to everyone watching an event. Called after commit, never before, and
with plain data (the API's Out schemas), never model instances."""

import asyncio
import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

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
    """Sends this process's updates to the Redis channel layer from one thread with an event
    loop of its own (one connection pool, not one per call), one after the other in the order
    they were handed over: sent concurrently, two updates could reach a process the other way
    round. With UPDATES_IN_BACKGROUND, the update is read back in the background thread that
    tells of it (confman.core.after_response), after the request that made it has answered."""

    def __init__(self):
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue | None = None
        self.lock = threading.Lock()

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
        while True:
            group, message = await self.queue.get()
            try:
                await get_channel_layer().group_send(group, message)
            except Exception as exc:
                # Committed is committed: clients notice the gap by its number and read it
                # from the ring or the log.
                logger.error(
                    "Could not broadcast update %s: %r", message["message"]["sequence"], exc
                )

    def send(self, group: str, message: dict) -> None:
        loop = self._start()
        loop.call_soon_threadsafe(self.queue.put_nowait, (group, message))


_sender = _Sender()


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


def broadcast_update(update_id: int) -> None:
    try:
        prepared = _prepared(update_id)
        if prepared is None:
            return
        if settings.UPDATES_IN_BACKGROUND:  # in the background thread: the sender's loop sends
            _sender.send(*prepared)
        else:
            async_to_sync(get_channel_layer().group_send)(*prepared)
    except Exception:
        # Committed is committed: clients notice the gap by its number and fetch it from the log.
        logger.exception("Could not broadcast update %s", update_id)


def on_update_logged(sender, *, update_id: int, **kwargs) -> None:
    broadcast_update(update_id)
