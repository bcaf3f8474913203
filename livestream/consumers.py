"""The live channel of an event: /ws/events/<slug>/live/. It only reads; every write happens in
the services, which broadcast after commit."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone

from events.permissions import Action, has_event_permission
from events.selectors import event_with_venue
from livestream.broadcast import event_payload
from livestream.groups import event_group

# Close codes in the 4000–4999 range are ours; clients show the reason and stop retrying.
CLOSE_NOT_FOUND = 4404


class LiveConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    @database_sync_to_async
    def _load(self, slug: str) -> dict | None:
        event = event_with_venue(slug=slug)
        if event is None or not has_event_permission(self.scope.get("user"), event, Action.VIEW):
            return None
        return {"id": event.pk, "payload": event_payload(event)}

    async def connect(self):
        loaded = await self._load(self.scope["url_route"]["kwargs"]["slug"])
        if loaded is None:
            # Unknown and not-visible events look the same, so drafts do not leak.
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = event_group(loaded["id"])
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(
            {"type": "hello", "server_time": timezone.now().isoformat(), "event": loaded["payload"]}
        )

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "server_time": timezone.now().isoformat()})
        else:
            await self.send_json(
                {
                    "type": "error",
                    "code": "unknown_message",
                    "detail": 'This channel only understands {"type": "ping"}.',
                }
            )

    async def event_changed(self, message):
        await self.send_json({"type": "event.changed", "event": message["event"]})
