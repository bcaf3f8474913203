"""Reads of the programme shared by the pages, the API and (later) exports and the live channel.
Every list is a fixed number of queries, however many sessions the event has."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from confman.exceptions import NotFound
from events.models import Event
from events.permissions import Action, has_event_permission
from sessions.models import Person, Programme, Session, SessionRole, SessionStatus


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


def require_programme(user: User | AnonymousUser | None, event: Event) -> None:
    if not programme_visible(user, event):
        raise NotFound(
            _("The programme of “%(title)s” is not published yet.") % {"title": event.title},
            code="programme_not_published",
        )


def roles_prefetch() -> Prefetch:
    return Prefetch(
        "roles",
        queryset=SessionRole.objects.select_related("person__organization").order_by("order", "pk"),
    )


def with_details(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.select_related("event", "room", "track", "next_speaker").prefetch_related(
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
    programme (cancelled sessions included, marked)."""
    sessions = Session.objects.filter(event=event)
    if sees_drafts(user, event):
        return sessions
    if not programme_of(event).is_published:
        return sessions.none()
    return sessions.exclude(status=SessionStatus.DRAFT)


def sessions_for(
    user: User | AnonymousUser | None, event: Event, filters: SessionFilter | None = None
) -> QuerySet[Session]:
    sessions = visible_sessions(user, event)
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
        sessions = sessions.filter(attendance__in=[f.attendance, Session.Attendance.HYBRID])
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
    return with_details(sessions).order_by("start", "room__order", "room__name", "pk")


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
    people = Person.objects.filter(event=event).select_related("organization")
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


def agenda_days(event: Event, sessions: list[Session]) -> list[date]:
    """The event's days, plus any day a session falls on outside them."""
    days = set(event.days)
    tz = event.tzinfo
    days |= {s.start.astimezone(tz).date() for s in sessions if s.start is not None}
    return sorted(days)
