"""Online attendance: one definition, read by the participation report and the certificates.

A registered participant attended online when they had the live page open (their viewings,
registrations.models.Viewing) for at least the organisers' threshold
(CertificateSettings.online_minutes): within the event's days in its time zone, or, for a
session, within its actual time (moved by its delay) on its room's stream or a page that named
no room, and then for that threshold or the whole session if shorter. Several tabs or devices
open at once count once: overlapping viewings are merged before they are added up.

The viewings are read in one query (never one per participant or session), as `Viewings`,
which answers for the event and for any number of its sessions; the merging is done here,
where it is plain, rather than in SQL date arithmetic, which differs between SQLite and
PostgreSQL and costs more than it saves."""

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from events.models import Event
from registrations.models import CertificateSettings, Viewing
from sessions.models import Session

ZERO = timedelta(0)
DEFAULT_ONLINE_MINUTES = CertificateSettings._meta.get_field("online_minutes").default

Interval = tuple[datetime, datetime]


def online_minutes_of(event: Event) -> int:
    """The organisers' threshold, or the default before they set one."""
    found = (
        CertificateSettings.objects.filter(event=event)
        .values_list("online_minutes", flat=True)
        .first()
    )
    return found or DEFAULT_ONLINE_MINUTES


def event_window(event: Event) -> Interval:
    """From the first day's midnight to the day after the last, in the event's zone."""
    zone = event.tzinfo
    return (
        datetime.combine(event.start_date, time.min, tzinfo=zone),
        datetime.combine(event.end_date + timedelta(days=1), time.min, tzinfo=zone),
    )


def session_window(session: Session) -> Interval:
    """When the session actually ran: its times moved by the delay a chair reported."""
    return session.actual_start, session.actual_end


def session_threshold(session: Session, online_minutes: int) -> timedelta:
    """Online, a session counts after `online_minutes` or the whole session if shorter."""
    start, end = session_window(session)
    return min(timedelta(minutes=online_minutes), end - start)


def merged_length(intervals: Iterable[Interval], window: Interval) -> timedelta:
    """The time covered by `intervals` inside `window`, each moment counted once."""
    start, end = window
    clipped = sorted((max(s, start), min(e, end)) for s, e in intervals if s < end and e > start)
    total, covered_until = ZERO, start
    for s, e in clipped:
        s = max(s, covered_until)
        if e > s:
            total += e - s
            covered_until = e
    return total


class Viewings:
    """An event's viewings that reach into `windows` (the event's days by default), of
    registrations in `states` if given: one query, then asked for the event or its sessions."""

    def __init__(
        self,
        event: Event,
        *,
        windows: Iterable[Interval] = (),
        states: Iterable[str] | None = None,
        online_minutes: int | None = None,
    ):
        self.event = event
        self.online_minutes = online_minutes or online_minutes_of(event)
        spans = [event_window(event), *windows]
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        rows = Viewing.objects.filter(event=event, started_at__lt=end, ended_at__gt=start)
        if states is not None:
            rows = rows.filter(registration__state__in=list(states))
        # (start, end, registration, room), in order of start.
        self.rows = sorted(
            (started, ended, registration, room)
            for registration, room, started, ended in rows.values_list(
                "registration_id", "room_id", "started_at", "ended_at"
            ).order_by()
        )
        self.starts = [row[0] for row in self.rows]
        self.longest = max((row[1] - row[0] for row in self.rows), default=ZERO)

    def _reaching(self, window: Interval, room: int | None | bool = True):
        """The rows overlapping `window`; with a room id (or None), only that room's and those
        that named none. True: any room."""
        first = bisect_left(self.starts, window[0] - self.longest)
        last = bisect_left(self.starts, window[1])
        for started, ended, registration, seen_in in self.rows[first:last]:
            if ended > window[0] and (room is True or seen_in is None or seen_in == room):
                yield registration, (started, ended)

    def watched(self, session: Session | None = None) -> dict[int, timedelta]:
        """Per registration (id), the time it followed the event (or the session) online,
        counted once; those that did not are absent."""
        if session is None:
            window, room = event_window(self.event), True
        else:
            window, room = session_window(session), session.room_id
        intervals: dict[int, list[Interval]] = defaultdict(list)
        for registration, interval in self._reaching(window, room):
            intervals[registration].append(interval)
        found = {pk: merged_length(spans, window) for pk, spans in intervals.items()}
        return {pk: length for pk, length in found.items() if length > ZERO}

    def threshold(self, session: Session | None = None) -> timedelta:
        if session is None:
            return timedelta(minutes=self.online_minutes)
        return session_threshold(session, self.online_minutes)

    def attended(self, session: Session | None = None) -> set[int]:
        """The registrations (ids) that attended the event (or the session) online."""
        threshold = self.threshold(session)
        if threshold <= ZERO:
            return set()
        return {pk for pk, length in self.watched(session).items() if length >= threshold}
