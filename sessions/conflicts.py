"""Schedule conflicts, as structured and readable answers that name the other session.

All comparisons are between aware datetimes (stored in UTC), so they hold across time zones and
DST changes; intervals are half-open, so a session that starts when the previous one ends is not
in conflict with it. A reported delay counts: a session that runs late into the next one in its
room is a conflict the organiser should see."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import dateformat
from django.utils.translation import gettext as _

from events.models import AttendanceMode, Event, Room
from events.timezones import offset_label
from sessions.models import (
    MAX_DELAY_MINUTES,
    ConflictOverride,
    Person,
    Session,
    SessionRole,
    SessionStatus,
)


class Code:
    ROOM_OVERLAP = "room_overlap"
    PERSON_OVERLAP = "person_overlap"
    OUTSIDE_EVENT_DATES = "outside_event_dates"
    IN_PERSON_IN_VIRTUAL_ROOM = "in_person_in_virtual_room"
    ONLINE_IN_PHYSICAL_ROOM = "online_in_physical_room"


# A room holds one session at a time: that conflict can never be overridden. The others can,
# explicitly, and the override is recorded.
NOT_OVERRIDABLE = frozenset({Code.ROOM_OVERLAP})


@dataclass(frozen=True)
class Placement:
    """Where and when a session would be, before it is saved there."""

    start: datetime | None
    end: datetime | None
    room: Room | None
    attendance: str
    delay_minutes: int = 0
    status: str = SessionStatus.DRAFT

    def __post_init__(self):
        # Python compares and adds datetimes of one tzinfo by wall clock, ignoring DST folds;
        # in UTC wall clock and real time agree.
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, value.astimezone(UTC))

    @classmethod
    def of(cls, session: Session) -> "Placement":
        return cls(
            start=session.start,
            end=session.end,
            room=session.room,
            attendance=session.attendance,
            delay_minutes=session.delay_minutes,
            status=session.status,
        )

    @property
    def actual_start(self) -> datetime | None:
        return None if self.start is None else self.start + timedelta(minutes=self.delay_minutes)

    @property
    def actual_end(self) -> datetime | None:
        return None if self.end is None else self.end + timedelta(minutes=self.delay_minutes)


@dataclass(frozen=True)
class ScheduleConflict:
    code: str
    message: str
    session: Session
    other_session: Session | None = None
    person: Person | None = None
    accepted: bool = False
    key: tuple = field(init=False, compare=False)

    def __post_init__(self):
        pair = frozenset(
            pk for pk in (self.session.pk, self.other_session and self.other_session.pk) if pk
        )
        object.__setattr__(
            self, "key", (self.code, pair, self.person.pk if self.person is not None else None)
        )

    @property
    def overridable(self) -> bool:
        return self.code not in NOT_OVERRIDABLE

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "overridable": self.overridable,
            "accepted": self.accepted,
            "session": _session_ref(self.session),
            "other_session": _session_ref(self.other_session) if self.other_session else None,
            "person": (
                {"id": self.person.pk, "name": self.person.display_name} if self.person else None
            ),
        }


def _session_ref(session: Session) -> dict[str, Any]:
    return {
        "id": session.pk,
        "title": session.title,
        "start": _utc(session.start),
        "end": _utc(session.end),
        "room": session.room.name if session.room_id else None,
    }


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _when(event: Event, session: Session | Placement) -> str:
    """“Tue 24 Nov 10:00–11:00 (UTC+08:00)” in the event's zone, counting any delay."""
    start = session.actual_start.astimezone(event.tzinfo)
    end = session.actual_end.astimezone(event.tzinfo)
    return "{}–{} ({})".format(
        dateformat.format(start, "D j M H:i"),
        dateformat.format(end, "H:i"),
        offset_label(start),
    )


def _overlaps(a: Session | Placement, b: Session | Placement) -> bool:
    return a.actual_start < b.actual_end and b.actual_start < a.actual_end


def _counts(session: Session | Placement) -> bool:
    return (
        session.start is not None
        and session.end is not None
        and session.status != SessionStatus.CANCELLED
    )


def _own_conflicts(event: Event, session: Session, placement: Placement) -> list[ScheduleConflict]:
    """The conflicts a session has on its own: dates and room kind."""
    conflicts = []
    if placement.start is not None and placement.end is not None:
        tz = event.tzinfo
        first = placement.start.astimezone(tz).date()
        last = (placement.end - timedelta(microseconds=1)).astimezone(tz).date()
        if first < event.start_date or last > event.end_date:
            conflicts.append(
                ScheduleConflict(
                    Code.OUTSIDE_EVENT_DATES,
                    _(
                        "“%(title)s” is outside the event's dates (%(start)s to %(end)s, "
                        "%(zone)s time)."
                    )
                    % {
                        "title": session.title,
                        "start": event.start_date.isoformat(),
                        "end": event.end_date.isoformat(),
                        "zone": event.timezone,
                    },
                    session,
                )
            )
    room = placement.room
    if room is not None:
        if room.kind == Room.Kind.VIRTUAL and placement.attendance == AttendanceMode.IN_PERSON:
            conflicts.append(
                ScheduleConflict(
                    Code.IN_PERSON_IN_VIRTUAL_ROOM,
                    _(
                        "“%(title)s” is in person only, but “%(room)s” is a virtual room; choose "
                        "a physical room or make the session online or hybrid."
                    )
                    % {"title": session.title, "room": room.name},
                    session,
                )
            )
        if room.kind == Room.Kind.PHYSICAL and placement.attendance == AttendanceMode.ONLINE:
            conflicts.append(
                ScheduleConflict(
                    Code.ONLINE_IN_PHYSICAL_ROOM,
                    _(
                        "“%(title)s” is online only, but “%(room)s” is a physical room; choose a "
                        "virtual room or make the session in person or hybrid."
                    )
                    % {"title": session.title, "room": room.name},
                    session,
                )
            )
    return conflicts


def _room_conflict(event: Event, session, placement, other: Session) -> ScheduleConflict:
    return ScheduleConflict(
        Code.ROOM_OVERLAP,
        _("“%(room)s” is taken by “%(other)s” at %(when)s.")
        % {"room": other.room.name, "other": other.title, "when": _when(event, other)},
        session,
        other_session=other,
    )


def _person_conflict(event: Event, session, other: Session, person: Person) -> ScheduleConflict:
    return ScheduleConflict(
        Code.PERSON_OVERLAP,
        _("%(person)s is also in “%(other)s” at %(when)s.")
        % {"person": person.display_name, "other": other.title, "when": _when(event, other)},
        session,
        other_session=other,
        person=person,
    )


def conflicts_for(
    session: Session, placement: Placement, person_ids: Iterable[int] | None = None
) -> list[ScheduleConflict]:
    """What would conflict if `session` were at `placement` with these people (by default, its
    current people). Cancelled sessions conflict with nothing."""
    event = session.event
    if placement.status == SessionStatus.CANCELLED:
        return []
    conflicts = _own_conflicts(event, session, placement)
    if not _counts(placement):
        return conflicts
    if person_ids is None:
        person_ids = [] if session.pk is None else session.roles.values_list("person_id", flat=True)
    person_ids = set(person_ids)
    # Candidates: anything that could overlap once any delay is counted.
    candidates = (
        Session.objects.filter(
            event=event,
            start__lt=placement.actual_end,
            end__gt=placement.actual_start - timedelta(minutes=MAX_DELAY_MINUTES),
        )
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("room")
        .order_by("start", "pk")
    )
    if session.pk is not None:
        candidates = candidates.exclude(pk=session.pk)
    overlapping = [other for other in candidates if _overlaps(placement, other)]
    if placement.room is not None:
        conflicts += [
            _room_conflict(event, session, placement, other)
            for other in overlapping
            if other.room_id == placement.room.pk
        ]
    if person_ids and overlapping:
        by_session = {other.pk: other for other in overlapping}
        roles = (
            SessionRole.objects.filter(session_id__in=by_session, person_id__in=person_ids)
            .select_related("person")
            .order_by("session__start", "person__name")
        )
        seen = set()
        for role in roles:
            if (role.session_id, role.person_id) in seen:
                continue
            seen.add((role.session_id, role.person_id))
            conflicts.append(
                _person_conflict(event, session, by_session[role.session_id], role.person)
            )
    return mark_accepted(conflicts)


def mark_accepted(conflicts: list[ScheduleConflict]) -> list[ScheduleConflict]:
    """Flag the conflicts an organiser has already accepted (on either session of a pair)."""
    if not conflicts:
        return conflicts
    session_ids = {c.session.pk for c in conflicts if c.session.pk} | {
        c.other_session.pk for c in conflicts if c.other_session is not None
    }
    accepted = {
        _override_key(o)
        for o in ConflictOverride.objects.filter(session_id__in=session_ids).only(
            "session_id", "code", "other_session_id", "person_id"
        )
    }
    return [
        ScheduleConflict(
            c.code, c.message, c.session, c.other_session, c.person, accepted=c.key in accepted
        )
        for c in conflicts
    ]


def _override_key(override: ConflictOverride) -> tuple:
    pair = frozenset(pk for pk in (override.session_id, override.other_session_id) if pk)
    return (override.code, pair, override.person_id)


def event_conflicts(event: Event) -> list[ScheduleConflict]:
    """Every conflict in the event's programme (drafts included, cancelled sessions not), each
    pair once, with the accepted ones flagged. One pass over the sessions in time order."""
    sessions = list(
        Session.objects.filter(event=event)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("room")
        .prefetch_related("roles__person")
        .order_by("start", "pk")
    )
    for session in sessions:
        session.event = event
    conflicts: list[ScheduleConflict] = []
    placed = []
    for session in sessions:
        conflicts += _own_conflicts(event, session, Placement.of(session))
        if _counts(session):
            placed.append(session)
    placed.sort(key=lambda s: (s.actual_start, s.pk))
    active: list[Session] = []
    for session in placed:
        active = [other for other in active if other.actual_end > session.actual_start]
        for other in active:
            if other.room_id is not None and other.room_id == session.room_id:
                conflicts.append(_room_conflict(event, session, None, other))
            shared = {r.person_id: r.person for r in other.roles.all()}
            people = {r.person_id: r.person for r in session.roles.all() if r.person_id in shared}
            for person in sorted(people.values(), key=lambda p: p.name):
                conflicts.append(_person_conflict(event, session, other, person))
        active.append(session)
    return mark_accepted(conflicts)


def conflicts_by_session(conflicts: Iterable[ScheduleConflict]) -> dict[int, list]:
    """Unaccepted conflicts per session id (both sessions of a pair), for marking a grid."""
    found: dict[int, list] = defaultdict(list)
    for conflict in conflicts:
        if conflict.accepted:
            continue
        found[conflict.session.pk].append(conflict)
        if conflict.other_session is not None:
            found[conflict.other_session.pk].append(conflict)
    return found
