"""A day of the programme as a grid of rooms x time, for the public agenda and the builder.

Each session becomes an item with a CSS grid column (its room) and rows (5-minute steps from the
day's first hour). The same markup is a time-ordered list on narrow screens: the items are in
time order and the grid placement only applies in the wide layout."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from events.models import Event, Room
from sessions.models import Session

STEP_MINUTES = 5
HEADER_ROWS = 1


@dataclass
class GridItem:
    session: Session
    column: int
    row_start: int
    row_end: int
    conflicts: list = field(default_factory=list)
    bookmarked: bool = False
    overlaps_bookmark: bool = False


@dataclass
class Slot:
    """A time label in the first column."""

    at: datetime
    row: int


@dataclass
class DayGrid:
    day: date
    rooms: list[Room | None]
    items: list[GridItem]
    slots: list[Slot]
    start: datetime | None
    row_count: int

    @property
    def column_count(self) -> int:
        return len(self.rooms)


def _floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def build_day(
    event: Event,
    day: date,
    sessions: list[Session],
    *,
    rooms: list[Room] | None = None,
    conflicts: dict[int, list] | None = None,
    bookmarked: set[int] | None = None,
    span: tuple[time, time] | None = None,
) -> DayGrid:
    """Lay out the placed sessions of `day` (already filtered to it). `rooms` fixes the columns
    (the builder shows every room); otherwise the rooms in use that day, in their order. `span`
    makes the grid cover at least those hours (the builder, so there is room to drop into)."""
    tz = event.tzinfo
    placed = [s for s in sessions if s.start is not None]
    if rooms is None:
        used = {s.room_id for s in placed}
        rooms = sorted(
            {s.room.pk: s.room for s in placed if s.room_id}.values(),
            key=lambda r: (r.order, r.name),
        )
        columns: list[Room | None] = list(rooms)
        if None in used:
            columns.append(None)
    else:
        columns = list(rooms)
        if any(s.room_id is None for s in placed):
            columns.append(None)
    column_of = {room.pk if room else None: i + 2 for i, room in enumerate(columns)}
    starts = [s.start.astimezone(tz) for s in placed]
    ends = [s.actual_end.astimezone(tz) for s in placed]
    if span is not None:
        starts.append(datetime.combine(day, span[0], tzinfo=tz))
        ends.append(datetime.combine(day, span[1], tzinfo=tz))
    if not starts:
        return DayGrid(day, columns, [], [], None, 0)
    first = _floor_hour(min(starts))
    last = max(ends)
    total_minutes = int((last - first).total_seconds() // 60)
    row_count = -(-total_minutes // STEP_MINUTES) + 1

    def row(moment: datetime) -> int:
        minutes = int((moment - first).total_seconds() // 60)
        return HEADER_ROWS + 1 + max(0, minutes // STEP_MINUTES)

    items = []
    for session in placed:
        start_row = row(session.actual_start)
        end_row = max(row(session.actual_end), start_row + 1)
        items.append(
            GridItem(
                session=session,
                column=column_of.get(session.room_id, 2),
                row_start=start_row,
                row_end=end_row,
                conflicts=(conflicts or {}).get(session.pk, []),
                bookmarked=session.pk in (bookmarked or set()),
            )
        )
    slots = []
    moment = first
    while moment <= last:
        slots.append(Slot(moment, row(moment)))
        moment = (moment + timedelta(minutes=30)).astimezone(tz)
    return DayGrid(day, columns, items, slots, first, row_count)


def flag_overlaps(sessions: list[Session]) -> set[int]:
    """The ids of sessions that overlap another in the list (for "my agenda")."""
    clashing: set[int] = set()
    ordered = sorted(
        (s for s in sessions if s.start is not None and s.status != Session.Status.CANCELLED),
        key=lambda s: s.actual_start,
    )
    active: list[Session] = []
    for session in ordered:
        active = [other for other in active if other.actual_end > session.actual_start]
        if active:
            clashing |= {session.pk, *(other.pk for other in active)}
        active.append(session)
    return clashing
