"""The participation report: who registered, who came, who followed online, from where and
from which organisations, as organisers publish it afterwards ("over 80 policymakers from 12
countries...").

Counted in the database in a fixed number of queries, however many people there are: one pass
over the registrations grouped by everything the breakdowns need (country, organisation, ticket,
mode, gender), summed here; one over the sessions with their door counts, one over the
viewings counting each session's online people. Regions
are mapped from the per-country counts in Python (events.regions).

Gender is only reported when the event asks it, with small cells suppressed (see
`suppressed`), so that no one can be picked out of the figures."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries as country_names

from events.models import AttendanceMode, Event, Organization
from events.regions import region_name, region_of
from registrations.attendance import Viewings, session_window
from registrations.checkin.statistics import local_label
from registrations.models import (
    CheckIn,
    Gender,
    Registration,
    RegistrationSettings,
    ScanResult,
    ScanType,
    State,
    Viewing,
)
from sessions.models import Session, SessionStatus

SMALL_CELL = 5  # gender cells below this are shown as "fewer than 5"

NOT_REGISTERED = (State.CANCELLED, State.REFUNDED)
_REGISTERED_STATES = [state for state in State.values if state not in NOT_REGISTERED]
NO_ORGANISATION = "none"
NOT_ANSWERED = "unanswered"
NO_REGION = ""

# What each organisation kind is called in the quotable sentence, by count.
KIND_COUNTS = {
    Organization.Kind.UNIVERSITY: lambda n: ngettext("%(n)d university", "%(n)d universities", n),
    Organization.Kind.GOVERNMENT: lambda n: ngettext(
        "%(n)d government body", "%(n)d government bodies", n
    ),
    Organization.Kind.UN_AGENCY: lambda n: ngettext(
        "%(n)d UN agency or international organisation",
        "%(n)d UN agencies or international organisations",
        n,
    ),
    Organization.Kind.NGO: lambda n: ngettext(
        "%(n)d non-governmental organisation", "%(n)d non-governmental organisations", n
    ),
    Organization.Kind.ENTERPRISE: lambda n: ngettext("%(n)d company", "%(n)d companies", n),
    Organization.Kind.MEDIA: lambda n: ngettext(
        "%(n)d media organisation", "%(n)d media organisations", n
    ),
    Organization.Kind.OTHER: lambda n: ngettext(
        "%(n)d other organisation", "%(n)d other organisations", n
    ),
}


@dataclass
class Row:
    """One line of a breakdown. `took_part`: checked in or followed online (each person once)."""

    key: str
    label: str
    registered: int = 0
    confirmed: int = 0
    checked_in: int = 0
    online: int = 0
    took_part: int = 0

    def add(self, other: "Row | dict") -> None:
        counts = other if isinstance(other, dict) else other.__dict__
        self.registered += counts["registered"]
        self.confirmed += counts["confirmed"]
        self.checked_in += counts["checked_in"]
        self.online += counts["online"]
        self.took_part += counts["took_part"]


@dataclass(frozen=True)
class Cell:
    """A count that may be hidden: `value` is None when it is below SMALL_CELL, or hidden so
    that a small one cannot be worked out from the total."""

    value: int | None

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is None:
            return _("fewer than %(n)d") % {"n": SMALL_CELL}
        return str(self.value)


@dataclass(frozen=True)
class GenderRow:
    key: str
    label: str
    registered: Cell
    confirmed: Cell
    checked_in: Cell
    online: Cell


@dataclass(frozen=True)
class SessionRow:
    session_id: int
    title: str
    room: str
    start_label: str
    at_door: int  # distinct people admitted at the session's door
    online: int  # distinct people with the live page open during it


@dataclass(frozen=True)
class Totals:
    registered: int
    confirmed: int
    checked_in: int
    online: int
    took_part: int
    organisations: int
    countries: int
    regions: int


@dataclass(frozen=True)
class Report:
    totals: Totals
    sentence: str
    by_country: list[Row] = field(default_factory=list)
    by_region: list[Row] = field(default_factory=list)
    by_subregion: list[Row] = field(default_factory=list)
    by_kind: list[Row] = field(default_factory=list)
    by_ticket: list[Row] = field(default_factory=list)
    by_mode: list[Row] = field(default_factory=list)
    gender: list[GenderRow] | None = None  # None: the event does not ask
    sessions: list[SessionRow] = field(default_factory=list)
    online_minutes: int = 60  # the live page this long counts as attending online


def participation(event: Event) -> Report:
    """The event's participation report now. Six queries at most: the sessions, the online
    threshold, the viewings, the registrations, those that have viewings, whether gender is
    asked; none per registration, organisation or session.

    registered: every registration not cancelled or refunded; confirmed: confirmed; checked in:
    confirmed and admitted (an ok entry scan) at any door; online: registered and attended
    online (registrations.attendance: the live page open for the organisers' threshold within
    the event's days); took part: checked in or online. Organisations, countries and regions
    are counted among those who took part once anyone has, among the registered before."""
    sessions = _held_sessions(event)
    viewings = Viewings(
        event, windows=[session_window(s) for s in sessions], states=_REGISTERED_STATES
    )
    groups = _groups(event, viewings.attended())
    totals = Row("", "")
    countries: dict[str, Row] = {}
    kinds: dict[str, Row] = {}
    organisations: dict[int, Row] = {}
    tickets: dict[int, Row] = {}
    modes: dict[str, Row] = {}
    genders: dict[str, Row] = {}
    for group in groups:
        totals.add(group)
        country = group["country"]
        _row(countries, country, _country_label).add(group)
        kind = group["organization__kind"] or NO_ORGANISATION
        _row(kinds, kind, _kind_label).add(group)
        if group["organization"] is not None:
            _row(organisations, group["organization"], _unlabelled, kind).add(group)
        if group["ticket"] not in tickets:
            tickets[group["ticket"]] = Row(str(group["ticket"]), str(group["ticket__name"]))
        tickets[group["ticket"]].add(group)
        _row(modes, group["mode"], _mode_label).add(group)
        _row(genders, group["gender"] or NOT_ANSWERED, _unlabelled).add(group)

    counted = "took_part" if totals.took_part else "registered"
    by_country = _ordered(countries.values())
    by_region, by_subregion = _regions(by_country)
    present = [row for row in organisations.values() if getattr(row, counted)]
    organisation_kinds: dict[str, int] = defaultdict(int)
    for row in present:
        organisation_kinds[row.key] += 1
    summary = Totals(
        registered=totals.registered,
        confirmed=totals.confirmed,
        checked_in=totals.checked_in,
        online=totals.online,
        took_part=totals.took_part,
        organisations=len(present),
        countries=sum(1 for row in by_country if getattr(row, counted)),
        regions=sum(1 for row in by_region if row.key != NO_REGION and getattr(row, counted)),
    )
    return Report(
        totals=summary,
        sentence=_sentence(summary, organisation_kinds),
        by_country=by_country,
        by_region=by_region,
        by_subregion=by_subregion,
        by_kind=_in_order(kinds, [*Organization.Kind.values, NO_ORGANISATION]),
        by_ticket=list(tickets.values()),
        by_mode=_in_order(modes, AttendanceMode.values),
        gender=_gender(genders) if _asks_gender(event) else None,
        sessions=_session_rows(event, sessions, viewings),
        online_minutes=viewings.online_minutes,
    )


GROUPED_BY = (
    "country",
    "organization",
    "organization__kind",
    "ticket",
    "ticket__name",
    "ticket__order",
    "mode",
    "gender",
)


def _groups(event: Event, online: set[int]) -> list[dict]:
    """The registrations' counts per (country, organisation, ticket, mode, gender): one pass
    over the event's registrations, whose scans are looked up by index; then those who
    attended online (registrations.attendance) added to their groups: one query over the
    viewings, one over the registrations that have any."""
    registered = ~Q(state__in=NOT_REGISTERED)
    confirmed = Q(state=State.CONFIRMED)
    admitted = Exists(
        CheckIn.objects.filter(
            registration=OuterRef("pk"), result=ScanResult.OK, type=ScanType.ENTRY
        )
    )
    checked_in = confirmed & Q(admitted=True)
    groups = list(
        Registration.objects.filter(event=event)
        .annotate(admitted=admitted)
        .order_by()
        .values(*GROUPED_BY)
        .annotate(
            registered=Count("pk", filter=registered),
            confirmed=Count("pk", filter=confirmed),
            checked_in=Count("pk", filter=checked_in),
            took_part=Count("pk", filter=checked_in),
        )
        .order_by("ticket__order", "ticket")
    )
    by_key = {tuple(group[field] for field in GROUPED_BY): group for group in groups}
    for group in groups:
        group["online"] = 0
    watchers = (
        Registration.objects.filter(event=event)
        .filter(registered, Exists(Viewing.objects.filter(registration=OuterRef("pk"))))
        .annotate(admitted=admitted)
        .values_list("pk", "state", "admitted", *GROUPED_BY)
        .order_by()
    )
    for pk, state, was_admitted, *key in watchers if online else ():
        if pk not in online:
            continue
        group = by_key[tuple(key)]
        group["online"] += 1
        if not (state == State.CONFIRMED and was_admitted):
            group["took_part"] += 1
    return groups


def _row(rows: dict, key, label, row_key=None) -> Row:
    """The row of `key`, made (and labelled, once) the first time."""
    row = rows.get(key)
    if row is None:
        row = rows[key] = Row(str(row_key if row_key is not None else key), label(key))
    return row


def _unlabelled(_key) -> str:
    return ""


def _ordered(rows) -> list[Row]:
    return sorted(rows, key=lambda row: (-row.registered, row.label))


def _in_order(rows: dict[str, Row], keys) -> list[Row]:
    return [rows[key] for key in keys if key in rows]


def _country_label(code: str) -> str:
    return str(country_names.name(code)) or code or _("No country given")


def _kind_label(kind: str) -> str:
    if kind == NO_ORGANISATION:
        return _("No organisation")
    return str(Organization.Kind(kind).label)


def _mode_label(mode: str) -> str:
    return str(AttendanceMode(mode).label) if mode in AttendanceMode.values else mode


def _regions(by_country: list[Row]) -> tuple[list[Row], list[Row]]:
    regions: dict[str, Row] = {}
    subregions: dict[str, Row] = {}
    for row in by_country:
        found = region_of(row.key)
        region, subregion = found if found else (NO_REGION, NO_REGION)
        for table, code in ((regions, region), (subregions, subregion)):
            label = region_name(code) if code else _("No world region")
            table.setdefault(code, Row(code, label)).add(row)
    return _ordered(regions.values()), _ordered(subregions.values())


def _asks_gender(event: Event) -> bool:
    return RegistrationSettings.objects.filter(event=event, asks_gender=True).exists()


GENDER_ROWS = (
    (Gender.WOMAN, Gender.WOMAN.label),
    (Gender.MAN, Gender.MAN.label),
    (Gender.DESCRIBED, Gender.DESCRIBED.label),
    (Gender.UNSAID, Gender.UNSAID.label),
    (NOT_ANSWERED, None),
)


def _gender(genders: dict[str, Row]) -> list[GenderRow]:
    rows = [genders.get(key) or Row(key, "") for key, _label in GENDER_ROWS]
    columns = {
        name: suppressed([getattr(row, name) for row in rows])
        for name in ("registered", "confirmed", "checked_in", "online")
    }
    return [
        GenderRow(
            key=key,
            label=str(label) if label is not None else _("Not answered"),
            **{name: cells[index] for name, cells in columns.items()},
        )
        for index, (key, label) in enumerate(GENDER_ROWS)
    ]


def suppressed(values: list[int]) -> list[Cell]:
    """A column of counts with the small ones hidden: every value below SMALL_CELL, and when
    that hides a single cell, the next smallest too, so that the hidden one cannot be worked
    out by subtracting the others from the total."""
    hidden = {index for index, value in enumerate(values) if value < SMALL_CELL}
    if len(hidden) == 1:
        shown = [index for index in range(len(values)) if index not in hidden]
        if shown:
            hidden.add(min(shown, key=lambda index: (values[index], index)))
    return [Cell(None if index in hidden else value) for index, value in enumerate(values)]


def _held_sessions(event: Event) -> list[Session]:
    """Each held session (not a draft, not cancelled, with a time), with the distinct people
    admitted at its door. One query."""
    at_door = (
        CheckIn.objects.filter(session=OuterRef("pk"), result=ScanResult.OK, type=ScanType.ENTRY)
        .order_by()
        .values("session")
        .annotate(people=Count("registration", distinct=True))
        .values("people")
    )
    return list(
        Session.objects.placed()
        .filter(event=event)
        .exclude(status__in=[SessionStatus.DRAFT, SessionStatus.CANCELLED])
        .annotate(at_door=Coalesce(Subquery(at_door, output_field=IntegerField()), 0))
        .select_related("room")
        .order_by("start", "room__order", "pk")
    )


def _session_rows(event: Event, sessions: list[Session], viewings: Viewings) -> list[SessionRow]:
    """Per session, those admitted at its door, and those who attended it online
    (registrations.attendance: its actual time, its room's stream or none named)."""
    online = {session.pk: viewings.attended(session) for session in sessions}
    return [
        SessionRow(
            session_id=session.pk,
            title=str(session.title),
            room=str(session.room.name) if session.room else "",
            start_label=local_label(event, session.actual_start, seconds=False),
            at_door=session.at_door,
            online=len(online.get(session.pk, ())),
        )
        for session in sessions
    ]


def _sentence(totals: Totals, kinds: dict[str, int]) -> str:
    """ "312 participants from 41 countries and 5 world regions, representing 120
    organisations: 40 universities, 12 government bodies…" """
    if totals.took_part:
        people = ngettext("%(n)d participant", "%(n)d participants", totals.took_part) % {
            "n": totals.took_part
        }
    else:
        people = ngettext(
            "%(n)d registered participant", "%(n)d registered participants", totals.registered
        ) % {"n": totals.registered}
    places = _("%(people)s from %(countries)s and %(regions)s") % {
        "people": people,
        "countries": ngettext("%(n)d country", "%(n)d countries", totals.countries)
        % {"n": totals.countries},
        "regions": ngettext("%(n)d world region", "%(n)d world regions", totals.regions)
        % {"n": totals.regions},
    }
    if not totals.organisations:
        return _("%(places)s.") % {"places": places}
    organisations = ngettext("%(n)d organisation", "%(n)d organisations", totals.organisations) % {
        "n": totals.organisations
    }
    parts = [
        KIND_COUNTS[kind](kinds[kind]) % {"n": kinds[kind]}
        for kind in Organization.Kind.values
        if kinds.get(kind)
    ]
    return _("%(places)s, representing %(organisations)s: %(kinds)s.") % {
        "places": places,
        "organisations": organisations,
        "kinds": _(", ").join(parts),
    }
