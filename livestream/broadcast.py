"""Send what changed to everyone watching an event. Called after commit, never before, and
with plain data (the API's Out schemas), never model instances."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

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


def update_payload(update: SessionUpdate) -> dict:
    """The update as the live channel carries it between processes: JSON-ready, links included
    (each consumer strips what its viewer may not see before sending)."""
    return LiveMessageOut.model_validate(update_message(update)).model_dump(mode="json")


def broadcast_update(update_id: int) -> None:
    update = SessionUpdate.objects.filter(pk=update_id).first()
    if update is None:
        return
    layer = get_channel_layer()
    message = update_payload(update)
    # Kept first, so that a socket joining after the send still finds it (livestream.replay).
    replay.remember(update.event_id, message)
    try:
        async_to_sync(layer.group_send)(
            event_group(update.event_id), {"type": "live.update", "message": message}
        )
    except Exception:
        # Committed is committed: clients notice the gap by its number and fetch it from the log.
        logger.exception("Could not broadcast update %s of event %s", update_id, update.event_id)


def on_update_logged(sender, *, update_id: int, **kwargs) -> None:
    broadcast_update(update_id)
