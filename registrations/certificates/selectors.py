"""Who attended an event or a session, and what a certificate says about it. Each read is a
fixed number of queries whatever the number of participants: the sums and counts are made in
SQL.

In person means an admitted entry scan (at the event's entrance, or at the session room's door
for a session); online means the live page kept open long enough (registrations.models.attendance).
Someone who did both attended in person."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from events.models import Event
from registrations.attendance import ZERO, Viewings, session_threshold, session_window
from registrations.models import (
    Certificate,
    CertificateSettings,
    CheckIn,
    Registration,
    ScanResult,
    ScanType,
    State,
)
from sessions.models import Session


@dataclass
class Attendee:
    registration: Registration
    in_person: bool
    watched: timedelta  # online, over the event or within the session
    sessions: int  # sessions checked into (an event's attendee)
    certificate: Certificate | None = None

    @property
    def online(self) -> bool:
        return not self.in_person

    @property
    def minutes(self) -> int:
        return int(self.watched.total_seconds() // 60)


def certificate_settings_of(event: Event) -> CertificateSettings:
    """The event's settings, or the defaults (unsaved) when no organiser has saved any."""
    found = CertificateSettings.objects.filter(event=event).first()
    return found or CertificateSettings(event=event)


def _entries() -> QuerySet:
    return CheckIn.objects.filter(
        registration=OuterRef("pk"), result=ScanResult.OK, type=ScanType.ENTRY
    )


def _sessions_in() -> Subquery:
    counted = (
        CheckIn.objects.filter(
            registration=OuterRef("pk"),
            result=ScanResult.OK,
            type=ScanType.ENTRY,
            session__isnull=False,
        )
        .order_by()
        .values("registration")
        .annotate(count=Count("session", distinct=True))
        .values("count")
    )
    return Subquery(counted, output_field=IntegerField())


def attendees(
    event: Event, session: Session | None = None, *, online_minutes: int | None = None
) -> list[Attendee]:
    """Confirmed registrations of `event` who attended it (or `session`), by name, each with
    the certificate they already hold for it, if any: in person (an admitted entry scan), or
    online by registrations.attendance's one definition. Four queries."""
    if online_minutes is None:
        online_minutes = certificate_settings_of(event).online_minutes
    if session is None:
        in_person = Exists(_entries())
        threshold = timedelta(minutes=online_minutes)
    else:
        in_person = Exists(_entries().filter(session=session))
        threshold = session_threshold(session, online_minutes)
    online = Viewings(
        event,
        windows=[] if session is None else [session_window(session)],
        states=[State.CONFIRMED],
        online_minutes=online_minutes,
    ).watched(session)
    certificates = (
        Certificate.objects.filter(session__isnull=True)
        if session is None
        else Certificate.objects.filter(session=session)
    )
    registrations = (
        Registration.objects.filter(event=event, state=State.CONFIRMED)
        .select_related("organization")
        .annotate(attended_in_person=in_person, sessions_in=Coalesce(_sessions_in(), Value(0)))
        .prefetch_related(Prefetch("certificates", queryset=certificates, to_attr="held"))
        .order_by("name", "pk")
    )
    return [
        Attendee(
            registration=registration,
            in_person=registration.attended_in_person,
            watched=online.get(registration.pk, ZERO),
            sessions=registration.sessions_in,
            certificate=registration.held[0] if registration.held else None,
        )
        for registration in registrations
        if registration.attended_in_person
        or (threshold > ZERO and online.get(registration.pk, ZERO) >= threshold)
    ]


def certificates_of(registration: Registration) -> list[Certificate]:
    """The holder's valid certificates, for their page."""
    return list(
        Certificate.objects.filter(registration=registration, revoked_at__isnull=True)
        .select_related("session")
        .order_by("session__start", "pk")
    )


def ended_sessions(event: Event, now: datetime) -> list[Session]:
    """The event's sessions that have taken place (not cancelled), in programme order."""
    sessions = (
        Session.objects.filter(event=event, start__isnull=False, end__isnull=False)
        .exclude(status__in=[Session.Status.DRAFT, Session.Status.CANCELLED])
        .select_related("room")
        .order_by("start", "pk")
    )
    return [s for s in sessions if s.actual_end <= now]


# --- what a certificate says -------------------------------------------------------------------


@dataclass
class Statement:
    """What a certificate states besides its fixed figures: the days present in person (local
    dates) and the titles of the sessions checked into."""

    days: list[date] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)


def statements(certificates: list[Certificate]) -> dict[int, Statement]:
    """For each certificate's pk, its Statement (only for event certificates attended in
    person; the others state their figures). Three queries whatever the number."""
    wanted = [c for c in certificates if not c.online and c.session_id is None]
    found: dict[int, Statement] = {c.pk: Statement() for c in certificates}
    if not wanted:
        return found
    by_registration = {c.registration_id: c.pk for c in wanted}
    event = wanted[0].registration.event
    entries = CheckIn.objects.filter(
        registration_id__in=by_registration, result=ScanResult.OK, type=ScanType.ENTRY
    ).order_by()
    days = (
        entries.annotate(day=TruncDate("scanned_at", tzinfo=event.tzinfo))
        .values_list("registration_id", "day")
        .distinct()
    )
    for registration_id, day in days:
        found[by_registration[registration_id]].days.append(day)
    pairs = list(
        entries.filter(session__isnull=False)
        .values_list("registration_id", "session_id")
        .distinct()
    )
    sessions = Session.objects.in_bulk({session_id for _r, session_id in pairs})
    held: dict[int, set[int]] = defaultdict(set)
    for registration_id, session_id in pairs:
        held[registration_id].add(session_id)
    for registration_id, pk in by_registration.items():
        statement = found[pk]
        statement.days.sort()
        statement.sessions = sorted(
            (sessions[s] for s in held[registration_id] if s in sessions),
            key=lambda s: (s.start is None, s.start, s.pk),
        )
    return found
