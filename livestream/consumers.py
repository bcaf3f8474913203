"""The live channel of an event: /ws/events/<slug>/live/. It only reads; every write happens in
the services, which broadcast after commit."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone
from django.utils.translation import gettext as _

from events.permissions import Action, has_event_permission
from events.selectors import event_with_venue
from livestream.broadcast import event_payload
from livestream.groups import event_group

# Close codes 4000–4999 are ours. 4404: no such event, or not one this viewer may see (the two
# look the same, so drafts do not leak); clients show it and stop reconnecting.
CLOSE_NOT_FOUND = 4404


class LiveConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    sees_drafts = False

    @database_sync_to_async
    def _load(self, slug: str) -> dict | None:
        event = event_with_venue(slug=slug)
        user = self.scope.get("user")
        if event is None or not has_event_permission(user, event, Action.VIEW):
            return None
        return {
            "id": event.pk,
            "payload": event_payload(event),
            "sees_drafts": has_event_permission(user, event, Action.VIEW_DRAFT),
        }

    async def connect(self):
        loaded = await self._load(self.scope["url_route"]["kwargs"]["slug"])
        # Accept first: a close before accepting reaches the browser as a bare handshake
        # failure, without our code.
        await self.accept()
        if loaded is None:
            await self._refuse()
            return
        self.sees_drafts = loaded["sees_drafts"]
        self.group = event_group(loaded["id"])
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json(
            {"type": "hello", "server_time": timezone.now().isoformat(), "event": loaded["payload"]}
        )

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
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "server_time": timezone.now().isoformat()})
            return
        await self.send_json(
            {
                "type": "error",
                "code": "unknown_message",
                "detail": _('This channel only understands the JSON text {"type": "ping"}.'),
            }
        )

    async def event_changed(self, message):
        event = message["event"]
        if event["status"] not in ("published", "archived") and not self.sees_drafts:
            # The event went back to draft: public viewers lose it, and hear nothing of it.
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None
            await self._refuse()
            return
        await self.send_json({"type": "event.changed", "event": event})
