"""Send what changed to everyone watching an event. Called after commit, never before, and
with plain data (the API's Out schemas), never model instances."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from events.models import Event
from events.schemas import EventSummaryOut
from events.selectors import event_with_venue
from livestream.groups import event_group

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
