"""Reads of the programme shared by the pages, the API, the exports and the live channel, and
the previews of a move or a delay (what would change, before anything is saved). Every list is a
fixed number of queries, however many sessions the event has."""

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from confman.core.exceptions import InvalidInput, NotFound
from events.models import AttendanceMode, Event, Room, Track
from events.permissions import Action, has_event_permission
from events.selectors import event_get
from sessions.conflicts import (
    Placement,
    ScheduleConflict,
    conflicts_for,
)
from sessions.models import (
    CHAIRING_ROLES,
    MAX_DELAY_MINUTES,
    Bookmark,
    Person,
    Programme,
    RoleKind,
    Session,
    SessionRole,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)
from sessions.permissions import require_organiser


def programme_of(event: Event) -> Programme:
    """The event's programme row (unsaved and unpublished if nothing was ever planned)."""
    try:
        return event.programme
    except Programme.DoesNotExist:
        return Programme(event=event)


def sees_drafts(user: User | AnonymousUser | None, event: Event) -> bool:
    return has_event_permission(user, event, Action.VIEW_DRAFT)


def programme_visible(user: User | AnonymousUser | None, event: Event) -> bool:
    """The public sees a published programme; the event's team also sees it before."""
    return programme_of(event).is_published or sees_drafts(user, event)


def programme_event_get(slug: str, user: User | AnonymousUser | None) -> Event:
    """The event whose programme `user` may see (events.selectors.event_get, then
    require_programme): what the agenda's pages and the chair console start from."""
    event = event_get(slug, user)
    require_programme(user, event)
    return event


def require_programme(user: User | AnonymousUser | None, event: Event) -> None:
    if not programme_visible(user, event):
        raise NotFound(
            _("The programme of “%(title)s” is not published yet.") % {"title": event.title},
            code="programme_not_published",
        )


def roles_prefetch() -> Prefetch:
    """Each session's people in order, with their organisations."""
    roles = SessionRole.objects.order_by("order", "pk")
    return Prefetch("roles", queryset=roles.select_related("person__organization"))


def with_details(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions with what a page shows of them. Their event is the one they were asked from
    (`event.sessions`), not read again with each row."""
    return sessions.select_related("room", "track", "next_speaker").prefetch_related(
        roles_prefetch()
    )


def day_bounds(event: Event, day: date) -> tuple[datetime, datetime]:
    """Midnight to midnight of `day` in the event's zone (23 or 25 hours on DST days)."""
    tz = event.tzinfo
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


@dataclass
class SessionFilter:
    day: date | None = None
    track: int | None = None
    room: int | None = None
    kind: str = ""
    attendance: str = ""
    person: int | None = None
    q: str = ""
    updated_since: datetime | None = None
    statuses: list[str] = field(default_factory=list)


def visible_sessions(user: User | AnonymousUser | None, event: Event) -> QuerySet[Session]:
    """The sessions this user may see: the team sees drafts, the public the published
    programme (cancelled sessions included, marked). Each session's `event` is `event`."""
    sessions = event.sessions.all()
    if sees_drafts(user, event):
        return sessions
    if not programme_of(event).is_published:
        return sessions.none()
    return sessions.exclude(status=SessionStatus.DRAFT)


def sessions_for(
    user: User | AnonymousUser | None,
    event: Event,
    filters: SessionFilter | None = None,
) -> QuerySet[Session]:
    sessions = _filtered(visible_sessions(user, event), event, filters)
    return with_details(sessions).order_by("start", "room__order", "room__name", "pk")


def _filtered(
    sessions: QuerySet[Session], event: Event, filters: SessionFilter | None
) -> QuerySet[Session]:
    f = filters or SessionFilter()
    if f.day is not None:
        start, end = day_bounds(event, f.day)
        sessions = sessions.filter(start__gte=start, start__lt=end)
    if f.track:
        sessions = sessions.filter(track_id=f.track)
    if f.room:
        sessions = sessions.filter(room_id=f.room)
    if f.kind:
        sessions = sessions.filter(kind=f.kind)
    if f.attendance:
        # A hybrid session is there for both audiences.
        sessions = sessions.filter(attendance__in=[f.attendance, AttendanceMode.HYBRID])
    if f.person:
        sessions = sessions.filter(
            Exists(SessionRole.objects.filter(session=OuterRef("pk"), person_id=f.person))
        )
    if f.q:
        sessions = sessions.filter(
            Q(title__icontains=f.q)
            | Exists(
                SessionRole.objects.filter(session=OuterRef("pk")).filter(
                    Q(person__name__icontains=f.q)
                    | Q(person__organization__name__icontains=f.q)
                    | Q(person__organization__acronym__iexact=f.q)
                )
            )
        )
    if f.updated_since is not None:
        sessions = sessions.filter(updated_at__gte=f.updated_since)
    if f.statuses:
        sessions = sessions.filter(status__in=f.statuses)
    return sessions


def session_get(user: User | AnonymousUser | None, event: Event, pk: int) -> Session:
    session = with_details(visible_sessions(user, event)).filter(pk=pk).first()
    if session is None:
        raise NotFound(
            _("The programme of “%(slug)s” has no session %(id)s.") % {"slug": event.slug, "id": pk}
        )
    session.event = event
    return session


def people_for(
    user: User | AnonymousUser | None, event: Event, search: str = ""
) -> QuerySet[Person]:
    """The event's people: the team sees everyone, the public those in visible sessions."""
    people = event.people.select_related("organization")  # each one's event: `event`
    if not sees_drafts(user, event):
        people = people.filter(
            Exists(
                SessionRole.objects.filter(
                    person=OuterRef("pk"),
                    session__in=visible_sessions(user, event),
                )
            )
        )
    if search:
        people = people.filter(
            Q(name__icontains=search)
            | Q(organization__name__icontains=search)
            | Q(position__icontains=search)
        )
    return people.order_by("name", "pk")


# What the agenda shows of a session, its room and its track (not the abstract, nor the rooms'
# descriptions), and the people it names (rapporteurs are on the session's page only).
AGENDA_FIELDS = [
    *["event", "title", "kind", "status", "start", "end", "delay_minutes", "language"],
    *["attendance", "room__name", "room__order", "track__name", "track__colour"],
]
AGENDA_ROLES = (*sorted(CHAIRING_ROLES), RoleKind.SPEAKER, RoleKind.PANELLIST)


@dataclass(frozen=True)
class AgendaPerson:
    role: str
    name: str

    @property
    def is_chairing(self) -> bool:
        return self.role in CHAIRING_ROLES


def agenda_day_counts(
    user: User | AnonymousUser | None, event: Event, filters: SessionFilter | None = None
) -> dict[date | None, int]:
    """How many of the sessions `user` sees match `filters`, per day in the event's zone (None:
    not placed yet, for the team). One query of start times only, however many sessions."""
    f = filters or SessionFilter()
    tz = event.tzinfo
    counts: dict[date | None, int] = {}
    chosen = _filtered(visible_sessions(user, event), event, replace(f, day=None))
    for start in chosen.order_by().values_list("start", flat=True):
        day = None if start is None else start.astimezone(tz).date()
        counts[day] = counts.get(day, 0) + 1
    return counts


def agenda_sessions(
    user: User | AnonymousUser | None,
    event: Event,
    filters: SessionFilter | None = None,
    *,
    unplaced: bool = False,
) -> tuple[list[Session], dict[int, list[AgendaPerson]]]:
    """The agenda's sessions in time order (those of `filters.day`, and the unplaced ones too
    when `unplaced`), with their room and track, and their chairs and speakers in order, by
    session id. Two queries, however many sessions: the people are read as plain rows, not as
    a prefetch of models (a third of a 600-session page's time, bench/agenda.py)."""
    f = filters or SessionFilter()
    chosen = _filtered(visible_sessions(user, event), event, replace(f, day=None))
    if f.day is not None:
        start, end = day_bounds(event, f.day)
        in_day = Q(start__gte=start, start__lt=end)
        chosen = chosen.filter(in_day | Q(start__isnull=True) if unplaced else in_day)
    sessions = list(
        chosen.select_related("room", "track")
        .only(*AGENDA_FIELDS)
        .order_by("start", "room__order", "room__name", "pk")
    )
    people: dict[int, list[AgendaPerson]] = {session.pk: [] for session in sessions}
    rows = (
        SessionRole.objects.filter(session__in=chosen.values("pk"), role__in=AGENDA_ROLES)
        .order_by("order", "pk")
        .values_list("session_id", "role", "person__honorific", "person__name")
    )
    for session_id, role, honorific, name in rows:
        if session_id in people:  # not a session that became visible a moment ago
            display = f"{honorific} {name}" if honorific else name
            people[session_id].append(AgendaPerson(role, display))
    for session in sessions:
        session.event = event
    return sessions, people


def agenda_days(event: Event, sessions: list[Session]) -> list[date]:
    """The event's days, plus any day a session falls on outside them."""
    days = set(event.days)
    tz = event.tzinfo
    days |= {s.start.astimezone(tz).date() for s in sessions if s.start is not None}
    return sorted(days)


@dataclass(frozen=True)
class ExportState:
    """What the public exports of an event are built from, read in three small queries before
    anything is built: the published programme, and the names and details of the rooms and
    tracks. `fingerprint` changes with every logged change of the programme (its last update
    number) and with what the log does not number but the exports show: the event's own
    details (its updated_at), its venue, rooms and tracks."""

    programme: Programme
    room_names: dict[int, str]
    track_names: dict[int, str]
    fingerprint: str


ROOM_EXPORT_FIELDS = ("pk", "name", "kind", "floor", "capacity", "description", "order")

TRACK_EXPORT_FIELDS = ("pk", "name", "colour", "description", "order")


def export_state(event: Event) -> ExportState:
    """The state of the event's public exports, or a 404 while its programme is unpublished:
    exports show the public programme only, whoever asks (the team included)."""
    try:
        programme = event.programme  # read now, unless the caller's query brought it along
    except Programme.DoesNotExist:
        programme = None
    if programme is None or not programme.is_published:
        raise NotFound(
            _("The programme of “%(title)s” is not published yet.") % {"title": event.title},
            code="programme_not_published",
        )
    # Sorted here rather than in SQL: this runs for every request, cached or not.
    rooms = sorted(Room.objects.filter(event=event).order_by().values_list(*ROOM_EXPORT_FIELDS))
    tracks = sorted(Track.objects.filter(event=event).order_by().values_list(*TRACK_EXPORT_FIELDS))
    venue = event.venue
    parts = (
        settings.SITE_URL,
        programme.last_sequence,
        programme.published_at,
        event.updated_at,
        venue
        and (
            venue.pk,
            venue.name,
            venue.address,
            venue.city,
            str(venue.country),
            venue.latitude,
            venue.longitude,
        ),
        rooms,
        tracks,
    )
    return ExportState(
        programme=programme,
        room_names={row[0]: row[1] for row in rooms},
        track_names={row[0]: row[1] for row in tracks},
        fingerprint=hashlib.sha256(repr(parts).encode()).hexdigest()[:32],
    )


def export_sessions(
    event: Event, filters: SessionFilter | None = None, *, ids: list[int] | None = None
) -> list[Session]:
    """The public programme's sessions (cancelled ones included, drafts never), whoever asks,
    with what the exports show: room, track and people in order; only those of `ids` when
    given. Two queries."""
    chosen = _filtered(visible_sessions(None, event), event, filters)
    if ids is not None:
        chosen = chosen.filter(pk__in=ids)
    sessions = list(
        chosen.select_related("room", "track").order_by("start", "room__order", "room__name", "pk")
    )
    roles: dict[int, list[SessionRole]] = {session.pk: [] for session in sessions}
    for role in (
        SessionRole.objects.filter(session__in=chosen.values("pk"))
        .select_related("person")
        .order_by("order", "pk")
    ):
        if role.session_id in roles:  # not a session that became public a moment ago
            roles[role.session_id].append(role)
    for session in sessions:
        session.event = event
        # Session.ordered_roles is a cached property: filled here from the one query above.
        # (A prefetch would do the same, but clones a queryset per session: a third of the
        # time of a 600-session export.)
        session.__dict__["ordered_roles"] = roles[session.pk]
    return sessions


def rooms_and_tracks(event: Event) -> tuple[list[Room], list[Track]]:
    return (
        list(Room.objects.filter(event=event).order_by("order", "name", "pk")),
        list(Track.objects.filter(event=event).order_by("order", "name", "pk")),
    )


def bookmarked_ids(user: User, event: Event) -> list[int]:
    """The ids of the public sessions of the event on the user's agenda, in order."""
    return list(
        visible_sessions(None, event)
        .filter(bookmarks__user=user)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def person_on_programme(event: Event, pk: int) -> Person | None:
    """The person, if they have a role in a public session of the event."""
    return (
        Person.objects.filter(event=event, pk=pk)
        .filter(
            Exists(
                SessionRole.objects.filter(
                    person=OuterRef("pk"), session__in=visible_sessions(None, event)
                )
            )
        )
        .first()
    )


# The updates that change a session's time, place or status: each one is a new revision of
# its calendar entry (iCalendar's SEQUENCE). "changed" counts only when it changed the
# attendance (online or in person: the entry's location); moves of time and room are "moved".
REVISION_KINDS = (
    UpdateKind.MOVED,
    UpdateKind.DELAYED,
    UpdateKind.STATUS,
    UpdateKind.CANCELLED,
)


@dataclass(frozen=True)
class Revision:
    number: int
    last_logged: datetime | None


def session_revisions(event: Event, session_ids: list[int] | None = None) -> dict[int, Revision]:
    """Per session id: how many revisions of its time, place or status the update log holds,
    and when the log last mentioned it (announcements aside). One query; sessions the log never
    mentioned are absent."""
    updates = SessionUpdate.objects.filter(event=event, session__isnull=False)
    if session_ids is not None:
        updates = updates.filter(session_id__in=session_ids)
    rows = (
        updates.order_by()
        .values("session_id")
        .annotate(
            number=Count(
                "pk",
                filter=Q(kind__in=REVISION_KINDS)
                | Q(kind=UpdateKind.CHANGED, changes__has_key="attendance"),
            ),
            last_logged=Max("created_at", filter=~Q(kind=UpdateKind.ANNOUNCEMENT)),
        )
    )
    return {
        row["session_id"]: Revision(number=row["number"], last_logged=row["last_logged"])
        for row in rows
    }


def followers_count(sessions: list[Session]) -> int:
    """How many people a change to these sessions is mailed to (registrations' change
    notices): those who keep one on their agenda, and their speakers and chairs, each once. 0
    while the change is not public (the programme unpublished, the session a draft)."""
    public = [
        s.pk
        for s in sessions
        if s.status != SessionStatus.DRAFT and programme_of(s.event).is_published
    ]
    if not public:
        return 0
    addresses = set(
        Bookmark.objects.filter(session_id__in=public).values_list("user__email", flat=True)
    )
    for own, account in SessionRole.objects.filter(session_id__in=public).values_list(
        "person__email", "person__user__email"
    ):
        addresses.add(own or account)
    return len({address.strip().lower() for address in addresses if address})


def move_preview(
    *,
    session: Session,
    by: User | None,
    start: datetime | None = None,
    room: Room | None = None,
    end: datetime | None = None,
) -> list[ScheduleConflict]:
    """The conflicts a move would meet, without saving anything (for the builder's immediate
    feedback)."""
    require_organiser(by, session.event)
    start, end = (None if t is None else t.astimezone(UTC) for t in (start, end))
    if start is not None and end is None:
        if session.start is None:
            raise InvalidInput.for_fields({"end": [_("give an end for an unplaced session")]})
        end = start + (session.end - session.start)
    new_start = start if start is not None else session.start
    new_end = end if end is not None else session.end
    if new_start is not None and new_end is not None and new_end <= new_start:
        raise InvalidInput.for_fields({"end": [_("The session must end after it starts.")]})
    placement = Placement(
        start=new_start,
        end=new_end,
        room=room if room is not None else session.room,
        attendance=session.attendance,
        delay_minutes=0 if (start is not None or room is not None) else session.delay_minutes,
        status=session.status,
    )
    return conflicts_for(session, placement)


@dataclass(frozen=True)
class Shift:
    session: Session
    delay_before: int
    delay_after: int

    @property
    def new_start(self) -> datetime:
        return self.session.start + timedelta(minutes=self.delay_after)

    @property
    def new_end(self) -> datetime:
        return self.session.end + timedelta(minutes=self.delay_after)


def delay_validate(minutes: int) -> None:
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not (0 <= minutes <= MAX_DELAY_MINUTES)
    ):
        raise InvalidInput.for_fields(
            {
                "minutes": [
                    _("Give the delay in whole minutes, from 0 (on time) to %(max)s.")
                    % {"max": MAX_DELAY_MINUTES}
                ]
            }
        )


def delay_preview(*, session: Session, minutes: int) -> list[Shift]:
    """What a delay of `minutes` (in total) would do: this session, then each later session in
    the same room on the same day (event time) that would now overlap its predecessor, pushed
    just enough; a gap in the programme absorbs the delay and the shifting stops there."""
    delay_validate(minutes)
    if not session.is_placed:
        return []
    shifts = [Shift(session, session.delay_minutes, minutes)]
    if session.room_id is None:
        return shifts
    tz = session.event.tzinfo
    day = session.start.astimezone(tz).date()
    later = (
        Session.objects.filter(
            event_id=session.event_id,
            room_id=session.room_id,
            start__gte=session.start,
            status=SessionStatus.SCHEDULED,
        )
        .exclude(pk=session.pk)
        .order_by("start", "pk")
    )
    previous_end = session.end + timedelta(minutes=minutes)
    for other in later:
        if other.start.astimezone(tz).date() != day:
            break
        needed = int((previous_end - other.actual_start).total_seconds() // 60)
        if needed <= 0:
            break
        new_delay = min(other.delay_minutes + needed, MAX_DELAY_MINUTES)
        shifts.append(Shift(other, other.delay_minutes, new_delay))
        previous_end = other.end + timedelta(minutes=new_delay)
    return shifts
