"""Live check-in statistics for the event's team: who is expected, who came through the door, who
is inside now, by ticket, attendance mode, entrance and hour, the duplicates to look at, the
refusals, and the attendance at session room doors.

Everything is counted in the database in seven queries, however many people and scans there
are. The counts rest on one invariant of registrations.checkin: per registration and door (a
session's, or the event's own entrance when session is NULL), the scans answered ok alternate
entry, exit, entry… So the people inside behind a door are its ok entries minus its ok exits,
and nobody needs to be followed scan by scan."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, F, Q, Value, Window
from django.db.models.functions import Coalesce, ExtractMinute, NullIf, RowNumber, TruncHour
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from events.models import AttendanceMode, Event
from events.timezones import offset_label
from registrations.models import (
    CheckIn,
    ScanResult,
    ScanType,
    State,
    TicketType,
)

LATEST_DUPLICATES = 20

AT_ENTRANCE = Q(session__isnull=True)
OK_ENTRY = Q(result=ScanResult.OK, type=ScanType.ENTRY)
OK_EXIT = Q(result=ScanResult.OK, type=ScanType.EXIT)


@dataclass(frozen=True)
class TicketFigures:
    ticket_id: int
    name: str
    expected: int  # confirmed, in person
    checked_in: int
    inside: int


@dataclass(frozen=True)
class ModeFigures:
    mode: str
    label: str
    expected: int  # confirmed in this mode
    checked_in: int | None  # None: online attendees have no door to pass
    door_check_in: bool


@dataclass(frozen=True)
class EntranceFigures:
    gate: str  # "" when the desk named no entrance
    label: str
    people: int  # whose first admitted entry was here


@dataclass(frozen=True)
class HourFigures:
    start: datetime  # in UTC
    day: date  # in the event's zone
    day_label: str
    label: str  # "09:00", in the event's zone
    utc_offset: str
    entries: int


@dataclass(frozen=True)
class Duplicate:
    checkin_id: int
    name: str
    reference: str
    device: str
    gate: str
    at: datetime
    at_label: str
    first_device: str  # the admitted scan that counts as the person's way in
    first_gate: str
    first_at: datetime | None
    first_at_label: str


@dataclass(frozen=True)
class Refusal:
    reason: str
    label: str
    scans: int


@dataclass(frozen=True)
class SessionDoor:
    session_id: int
    title: str
    room: str
    start: datetime | None
    start_label: str
    capacity: int | None  # None: no limit (or a virtual room)
    attended: int  # distinct people admitted at the door
    inside: int
    turned_away: int  # scans answered "room full"

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.inside >= self.capacity


@dataclass(frozen=True)
class CheckInStatistics:
    time_zone: str
    utc_offset: str
    expected: int
    checked_in: int
    inside: int
    online: int
    flagged: int
    by_ticket: list[TicketFigures] = field(default_factory=list)
    by_mode: list[ModeFigures] = field(default_factory=list)
    by_entrance: list[EntranceFigures] = field(default_factory=list)
    by_hour: list[HourFigures] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    sessions: list[SessionDoor] = field(default_factory=list)


def local_label(event: Event, moment: datetime | None, *, seconds: bool = True) -> str:
    """A moment in the event's zone with its offset: "Wed 2 Dec, 14:05:09 (UTC+08:00)"."""
    if moment is None:
        return ""
    local = moment.astimezone(event.tzinfo)
    when = dateformat.format(local, "D j M, H:i:s" if seconds else "D j M, H:i")
    return f"{when} ({offset_label(local)})"


def checkin_statistics(event: Event) -> CheckInStatistics:
    """The event's check-in statistics now. Seven queries. "Checked in" counts the people admitted
    through the event's entrance at least once (also those cancelled afterwards: they came);
    "expected" counts the confirmed registrations in person."""
    tickets = _tickets(event)
    door = _door_by_ticket_and_mode(event)
    by_ticket = [
        TicketFigures(
            ticket_id=ticket["pk"],
            name=ticket["name"],
            expected=ticket["in_person"],
            checked_in=sum(door[(ticket["pk"], mode)]["people"] for mode in AttendanceMode.values),
            inside=sum(door[(ticket["pk"], mode)]["inside"] for mode in AttendanceMode.values),
        )
        for ticket in tickets
    ]
    expected = sum(ticket["in_person"] for ticket in tickets)
    online = sum(ticket["online"] for ticket in tickets)
    checked_in = sum(row["people"] for row in door.values())
    refusals, flagged = _refusals_and_flagged(event)
    return CheckInStatistics(
        time_zone=event.timezone,
        utc_offset=offset_label(timezone.now().astimezone(event.tzinfo)),
        expected=expected,
        checked_in=checked_in,
        inside=sum(row["inside"] for row in door.values()),
        online=online,
        flagged=flagged,
        by_ticket=by_ticket,
        by_mode=[
            ModeFigures(
                mode=AttendanceMode.IN_PERSON,
                label=str(AttendanceMode.IN_PERSON.label),
                expected=expected,
                checked_in=sum(
                    door[key]["people"] for key in door if key[1] == AttendanceMode.IN_PERSON
                ),
                door_check_in=True,
            ),
            ModeFigures(
                mode=AttendanceMode.ONLINE,
                label=str(AttendanceMode.ONLINE.label),
                expected=online,
                checked_in=None,
                door_check_in=False,
            ),
        ],
        by_entrance=_by_entrance(event),
        by_hour=_by_hour(event),
        duplicates=_latest_duplicates(event),
        refusals=refusals,
        sessions=_session_doors(event),
    )


def _tickets(event: Event) -> list[dict]:
    confirmed = Q(registrations__state=State.CONFIRMED)
    return list(
        TicketType.objects.filter(event=event)
        .order_by("order", "pk")
        .annotate(
            in_person=Count(
                "registrations", filter=confirmed & Q(registrations__mode=AttendanceMode.IN_PERSON)
            ),
            online=Count(
                "registrations", filter=confirmed & Q(registrations__mode=AttendanceMode.ONLINE)
            ),
        )
        .values("pk", "name", "in_person", "online")
    )


def _door_by_ticket_and_mode(event: Event) -> defaultdict:
    """(ticket id, mode) -> people admitted at the entrance, and inside now."""
    rows = (
        CheckIn.objects.filter(AT_ENTRANCE, event=event, registration__isnull=False)
        .filter(result=ScanResult.OK)
        .order_by()
        .values("registration__ticket", "registration__mode")
        .annotate(
            people=Count("registration", distinct=True, filter=Q(type=ScanType.ENTRY)),
            entries=Count("pk", filter=Q(type=ScanType.ENTRY)),
            exits=Count("pk", filter=Q(type=ScanType.EXIT)),
        )
    )
    door: defaultdict = defaultdict(lambda: {"people": 0, "inside": 0})
    for row in rows:
        key = (row["registration__ticket"], row["registration__mode"])
        door[key] = {"people": row["people"], "inside": row["entries"] - row["exits"]}
    return door


def _by_entrance(event: Event) -> list[EntranceFigures]:
    """Where each person first came in: the entrance of their first admitted entry (numbered
    per person by a window function: one pass over the scans, no subquery per person)."""
    first_entries = (
        CheckIn.objects.filter(AT_ENTRANCE & OK_ENTRY, event=event)
        .annotate(
            nth=Window(
                RowNumber(),
                partition_by=[F("registration")],
                order_by=[F("effective_at").asc(), F("pk").asc()],
            )
        )
        .filter(nth=1)
        .values("pk")
    )
    rows = (
        CheckIn.objects.filter(pk__in=first_entries)
        .order_by()
        .values("gate")
        .annotate(people=Count("pk"))
        .order_by("-people", "gate")
    )
    return [
        EntranceFigures(
            gate=row["gate"], label=row["gate"] or _("No entrance named"), people=row["people"]
        )
        for row in rows
    ]


def _by_hour(event: Event) -> list[HourFigures]:
    """Admitted entries at the entrance per hour of the event's clock. Each day that has any
    runs from its first to its last hour with entries, quiet hours in between shown as 0.

    The database counts per quarter of an hour in UTC, which is unambiguous (every zone's
    offset is a whole number of quarters); the quarters are then put in the event's hours
    here, so that the hour repeated when summer time ends is two hours, not one."""
    zone = event.tzinfo
    rows = (
        CheckIn.objects.filter(AT_ENTRANCE & OK_ENTRY, event=event)
        .annotate(
            hour=TruncHour("effective_at", tzinfo=UTC),
            quarter=ExtractMinute("effective_at", tzinfo=UTC) / 15,
        )
        .order_by()
        .values("hour", "quarter")
        .annotate(entries=Count("pk"))
    )
    counts: dict[datetime, int] = defaultdict(int)
    for row in rows:
        moment = row["hour"].astimezone(UTC) + timedelta(minutes=15 * row["quarter"])
        local_hour = moment.astimezone(zone).replace(minute=0, second=0, microsecond=0)
        counts[local_hour.astimezone(UTC)] += row["entries"]
    per_day: dict[date, list[datetime]] = defaultdict(list)
    for start in counts:
        per_day[start.astimezone(zone).date()].append(start)
    hours = []
    for day in sorted(per_day):
        moment, last = min(per_day[day]), max(per_day[day])
        day_label = dateformat.format(moment.astimezone(zone), "D j M")
        while moment <= last:  # at most 25 steps (the day that leaves summer time)
            local = moment.astimezone(zone)
            hours.append(
                HourFigures(
                    start=moment,
                    day=day,
                    day_label=day_label,
                    label=f"{local:%H:%M}",
                    utc_offset=offset_label(local),
                    entries=counts.get(moment, 0),
                )
            )
            moment += timedelta(hours=1)
    return hours


def _refusals_and_flagged(event: Event) -> tuple[list[Refusal], int]:
    """Scans where the person was told no, by what they were told (the device's own answer for
    a scan made offline), and the number of flagged duplicates."""
    told = Coalesce(NullIf("answered", Value("")), "result")
    rows = (
        CheckIn.objects.filter(event=event)
        .annotate(told=told)
        .order_by()
        .values("told")
        .annotate(scans=Count("pk"), flagged=Count("pk", filter=Q(flagged=True)))
    )
    refusals, flagged = [], 0
    for row in rows:
        flagged += row["flagged"]
        if row["told"] != ScanResult.OK:
            known = row["told"] in ScanResult.values
            label = str(ScanResult(row["told"]).label) if known else row["told"]
            refusals.append(Refusal(reason=row["told"], label=label, scans=row["scans"]))
    refusals.sort(key=lambda refusal: (-refusal.scans, refusal.reason))
    return refusals, flagged


def _latest_duplicates(event: Event) -> list[Duplicate]:
    scans = (
        CheckIn.objects.filter(event=event, flagged=True)
        .select_related("registration", "duplicate_of")
        .order_by("-effective_at", "-pk")[:LATEST_DUPLICATES]
    )
    duplicates = []
    for scan in scans:
        first = scan.duplicate_of
        registration = scan.registration
        duplicates.append(
            Duplicate(
                checkin_id=scan.pk,
                name=registration.name if registration else "",
                reference=registration.reference if registration else "",
                device=scan.device,
                gate=scan.gate,
                at=scan.effective_at,
                at_label=local_label(event, scan.effective_at),
                first_device=first.device if first else "",
                first_gate=first.gate if first else "",
                first_at=first.effective_at if first else None,
                first_at_label=local_label(event, first.effective_at) if first else "",
            )
        )
    return duplicates


def _session_doors(event: Event) -> list[SessionDoor]:
    rows = (
        CheckIn.objects.filter(event=event, session__isnull=False)
        .order_by()
        .values(
            "session",
            "session__title",
            "session__start",
            "session__room__name",
            "session__room__capacity",
        )
        .annotate(
            attended=Count("registration", distinct=True, filter=OK_ENTRY),
            entries=Count("pk", filter=OK_ENTRY),
            exits=Count("pk", filter=OK_EXIT),
            turned_away=Count("pk", filter=Q(result=ScanResult.ROOM_FULL)),
        )
        .order_by("session__start", "session")
    )
    return [
        SessionDoor(
            session_id=row["session"],
            title=row["session__title"],
            room=row["session__room__name"] or "",
            start=row["session__start"],
            start_label=local_label(event, row["session__start"], seconds=False),
            capacity=row["session__room__capacity"],
            attended=row["attended"],
            inside=row["entries"] - row["exits"],
            turned_away=row["turned_away"],
        )
        for row in rows
    ]
