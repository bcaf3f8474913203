"""Online attendance as it happens: the live channel opens a viewing when a participant's
socket connects, moves its end forward while the socket lives and closes it when it goes
(livestream.consumers). Each is one small write on a row of the socket's own, so no two
sockets ever contend for a lock.

Where a network blocks sockets, the live page follows the programme through its event stream
or by polling (livestream.views, livestream.api); neither says which room it shows, and a
poll has no connection to hold a row's id, so each continues the participant's latest
room-less viewing when it ended moments ago (`viewing_continue`)."""

import time
from datetime import datetime, timedelta

from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Greatest

from events.models import Room
from registrations.models import Viewing

# A viewing moves forward at most this often while its page stays open: a minute's precision,
# one small write per participant per minute.
MARK_EVERY = 60.0  # seconds


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


def viewing_continue(
    *, event_id: int, registration_id: int, at: datetime, within: timedelta
) -> int:
    """Still watching at `at`, on a page that does not say which room: the participant's
    room-less viewing that ended at most `within` before `at` goes on to `at`, else a new one
    starts there. The viewing's id."""
    latest = (
        Viewing.objects.filter(
            event_id=event_id,
            registration_id=registration_id,
            room__isnull=True,
            ended_at__gte=at - within,
        )
        .order_by("-ended_at")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is None:
        return viewing_open(event_id=event_id, registration_id=registration_id, room_id=None, at=at)
    viewing_extend(viewing_id=latest, at=at)
    return latest


class PageViewing:
    """One live page's online attendance, for the socket and the event stream alike: a stretch
    started when the page opens (and again when it shows another room), its end moved forward
    while the page stays (`due` says when, at most every MARK_EVERY seconds) and when it closes.
    With `continue_within` (a page that says no room), opening continues the participant's
    room-less stretch that ended at most that long before."""

    def __init__(
        self, *, event_id: int, registration_id: int, continue_within: timedelta | None = None
    ):
        self.event_id, self.registration_id = event_id, registration_id
        self.continue_within = continue_within
        self.viewing: int | None = None
        self.marked = 0.0

    def start(self, *, at: datetime, room_id: int | None = None) -> None:
        if self.viewing is not None:
            viewing_extend(viewing_id=self.viewing, at=at)
        if self.continue_within is not None and room_id is None:
            self.viewing = viewing_continue(
                event_id=self.event_id,
                registration_id=self.registration_id,
                at=at,
                within=self.continue_within,
            )
        else:
            self.viewing = viewing_open(
                event_id=self.event_id, registration_id=self.registration_id, room_id=room_id, at=at
            )
        self.marked = time.monotonic()

    def due(self, every: float = MARK_EVERY) -> bool:
        return self.viewing is not None and time.monotonic() - self.marked >= every

    def mark(self, *, at: datetime) -> None:
        """Still watching at `at` (or closing then)."""
        if self.viewing is not None:
            viewing_extend(viewing_id=self.viewing, at=at)
            self.marked = time.monotonic()
