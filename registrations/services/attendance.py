"""Online attendance as it happens: the live channel opens a viewing when a participant's
socket connects, moves its end forward while the socket lives and closes it when it goes
(livestream.consumers). Each is one small write on a row of the socket's own, so no two
sockets ever contend for a lock."""

from datetime import datetime

from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Greatest

from events.models import Room
from registrations.models import Viewing


def viewing_open(*, event_id: int, registration_id: int, room_id: int | None, at: datetime) -> int:
    """A new stretch of watching, from `at`; a room that is not the event's is not recorded
    (the page says which room it shows, and a page can say anything)."""
    if room_id is not None and not Room.objects.filter(pk=room_id, event_id=event_id).exists():
        room_id = None
    viewing = Viewing.objects.create(
        event_id=event_id,
        registration_id=registration_id,
        room_id=room_id,
        started_at=at,
        ended_at=at,
    )
    return viewing.pk


def viewing_extend(*, viewing_id: int, at: datetime) -> None:
    """Still watching at `at`. Never moves the end back (a late write after a close)."""
    Viewing.objects.filter(pk=viewing_id).update(
        ended_at=Greatest(F("ended_at"), Value(at, output_field=DateTimeField()))
    )
