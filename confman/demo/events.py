"""Seed data: the demo conference that `make run` serves, and large synthetic events for
benchmarks. Both seeders are idempotent by slug and build everything in one transaction, so an
interrupted run leaves nothing behind and a second run changes nothing."""

import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TextIO

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django_countries import countries

from confman.core.content import content_data
from confman.demo import event_data
from confman.demo.chinese import in_english_and_chinese
from confman.demo.materials import seed_demo_materials
from confman.demo.past_edition import seed_past_attendance
from confman.demo.programme import seed_demo_programme, seed_scale_programme
from confman.demo.registrations import seed_demo_registrations, seed_demo_tickets
from confman.demo.streams import seed_demo_streams
from events.models import AttendanceMode, Event, EventOrganization, Organization, Room, Track, Venue
from events.timezones import local_today

BATCH_SIZE = 1000
# Organisation names per look-up query: well under SQLite's 999 bound parameters.
LOOKUP_CHUNK = 500

SCALE_TIME_ZONE = "Europe/Paris"
SCALE_ORGANISATIONS_PER_N = 2000
SCALE_ROOMS_PER_N = 20
SCALE_VIRTUAL_ROOMS = 2
SCALE_ORGANISERS = 3
SCALE_SPONSORS = 5
SCALE_SEATS = (40, 60, 80, 120, 300)
# The scale event works in English and French: its rooms, tracks and sessions are named in
# both, as the benchmarks of translated content need.
SCALE_TRACKS = (
    ({"en": "Policy", "fr": "Politiques"}, "#1f6feb"),
    ({"en": "Platforms", "fr": "Plateformes"}, "#2da44e"),
    ({"en": "Institutions", "fr": "Établissements"}, "#bf8700"),
    ({"en": "Learners", "fr": "Apprenants"}, "#cf222e"),
    ({"en": "Partnerships", "fr": "Partenariats"}, "#8250df"),
    ({"en": "Research", "fr": "Recherche"}, "#0a7f8f"),
    ({"en": "Industry", "fr": "Industrie"}, "#d4640b"),
    ({"en": "Open science", "fr": "Science ouverte"}, "#57606a"),
)
SCALE_KINDS = (
    *[Organization.Kind.UNIVERSITY] * 5,
    Organization.Kind.GOVERNMENT,
    Organization.Kind.NGO,
    Organization.Kind.ENTERPRISE,
    Organization.Kind.UN_AGENCY,
    Organization.Kind.OTHER,
)
SCALE_KIND_LABELS = {
    Organization.Kind.UNIVERSITY: "University",
    Organization.Kind.GOVERNMENT: "Ministry",
    Organization.Kind.NGO: "Foundation",
    Organization.Kind.ENTERPRISE: "Technologies",
    Organization.Kind.UN_AGENCY: "Agency",
    Organization.Kind.OTHER: "Institute",
}

# (name, acronym, country code, kind, website)
OrganisationRow = tuple[str, str, str, str, str]


def seed_demo_event(stdout: TextIO | None = None) -> tuple[Event, bool]:
    """Create the demo conference, a two-day hybrid event in Shenzhen whose first day is today
    in Asia/Shanghai, with its venue, rooms, tracks and 38 organisations.

    Returns (event, True) when it created the event and (event, False) when an event with the
    demo slug already existed, in which case nothing is changed. Organisations already in the
    registry under the same name (any case) and country are re-used, not duplicated. Progress
    lines go to `stdout` when it is given."""
    result = _create_once(event_data.DEMO_SLUG, lambda: _build_demo_event(stdout))
    for companion in event_data.COMPANIONS:
        _create_once(companion["event"]["slug"], lambda c=companion: _build_companion(c, stdout))
    return result


def seed_scale_event(n: int, stdout: TextIO | None = None) -> tuple[Event, bool, float]:
    """Create `scale-{n}`, a three-day hybrid event in Europe/Paris starting today there, with
    20*n rooms (the last two virtual), 8 tracks and 2000*n synthetic organisations linked to it
    (3 organisers, 5 sponsors, the rest partners), written in batches.

    Returns (event, created, seconds taken). Like seed_demo_event it changes nothing when the
    slug exists, and re-uses organisations left by an earlier run whose event was deleted."""
    if n < 1:
        raise ValueError(f"The scale must be at least 1, not {n}.")
    started = time.perf_counter()
    event, created = _create_once(f"scale-{n}", lambda: _build_scale_event(n, stdout))
    return event, created, time.perf_counter() - started


def _create_once(slug: str, build: Callable[[], Event]) -> tuple[Event, bool]:
    try:
        with transaction.atomic():
            if (event := Event.objects.filter(slug=slug).first()) is not None:
                return event, False
            return build(), True
    except IntegrityError:
        # On PostgreSQL a concurrent seeder can insert the slug after our check; SQLite takes
        # the write lock at BEGIN, so there the check above is enough.
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise
        return event, False


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(f"{message}\n")


def _venue(**fields) -> Venue:
    fields = {**fields, "name": in_english_and_chinese(fields["name"])}
    if fields.get("address"):
        fields["address"] = in_english_and_chinese(fields["address"])
    same_place = Venue.objects.filter(city=fields["city"], country=fields["country"])
    found = next((v for v in same_place if content_data(v.name) == fields["name"]), None)
    return found or Venue.objects.create(**fields)


def _registry_organisations(rows: Sequence[OrganisationRow]) -> tuple[list[Organization], int]:
    """The Organization for each row, in order, and how many were new. A row matches a
    registered organisation with the same lower-cased name and country, as the unique
    constraint does; the lookup uses that constraint's index."""

    def key(name: str, country: str) -> tuple[str, str]:
        return name.lower(), country

    found: dict[tuple[str, str], Organization] = {}
    for first in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[first : first + LOOKUP_CHUNK]
        matches = (
            Organization.objects.annotate(name_lower=Lower("name"))
            .filter(
                name_lower__in={row[0].lower() for row in chunk},
                country__in={row[2] for row in chunk},
            )
            .order_by()
        )
        found.update({key(org.name, org.country.code): org for org in matches})

    missing: dict[tuple[str, str], Organization] = {}
    for name, acronym, country, kind, website in rows:
        if key(name, country) not in found:
            missing.setdefault(
                key(name, country),
                Organization(
                    name=name, acronym=acronym, country=country, kind=kind, website=website
                ),
            )
    Organization.objects.bulk_create(missing.values(), batch_size=BATCH_SIZE)
    found.update(missing)
    return [found[key(row[0], row[2])] for row in rows], len(missing)


def _link(
    event: Event, organisations: Sequence[Organization], roles: Sequence[str], first_order: int = 0
) -> None:
    EventOrganization.objects.bulk_create(
        (
            EventOrganization(event=event, organization=org, role=role, order=first_order + i)
            for i, (org, role) in enumerate(zip(organisations, roles, strict=True))
        ),
        batch_size=BATCH_SIZE,
    )


def _build_demo_event(stdout: TextIO | None) -> Event:
    start = local_today(event_data.DEMO_TIME_ZONE)
    event = Event.objects.create(
        **{**event_data.EVENT, "title": in_english_and_chinese(event_data.EVENT["title"])},
        description=in_english_and_chinese(event_data.DESCRIPTION),
        start_date=start,
        end_date=start + timedelta(days=1),
        venue=_venue(**event_data.VENUE),
    )
    Room.objects.bulk_create(
        Room(
            event=event,
            name=in_english_and_chinese(name),
            kind=kind,
            capacity=seats,
            floor=floor,
            description=in_english_and_chinese(where),
            order=i,
        )
        for i, (name, kind, seats, floor, where) in enumerate(event_data.ROOMS)
    )
    Track.objects.bulk_create(
        Track(
            event=event,
            name=in_english_and_chinese(name),
            colour=colour,
            description=in_english_and_chinese(description),
            order=i,
        )
        for i, (name, colour, description) in enumerate(event_data.TRACKS)
    )
    rows = [row for _role, group in event_data.ORGANISATIONS for row in group]
    roles = [role for role, group in event_data.ORGANISATIONS for _row in group]
    organisations, new = _registry_organisations(rows)
    _link(event, organisations, roles)

    sessions = seed_demo_programme(event)
    seed_demo_tickets(event)
    seed_demo_registrations(event)
    seed_demo_streams(event)
    seed_demo_materials(event)
    _say(
        stdout,
        f"{event.slug}: {len(event_data.ROOMS)} rooms, {len(event_data.TRACKS)} tracks, "
        f"{len(rows)} organisations ({new} new in the registry, "
        f"{len(rows) - new} re-used), {sessions} sessions.",
    )
    return event


def _build_companion(companion: dict, stdout: TextIO | None) -> Event:
    start = local_today(companion["event"]["timezone"]) + timedelta(
        days=companion["starts_in_days"]
    )
    event = Event.objects.create(
        **companion["event"],
        description=companion["description"],
        start_date=start,
        end_date=start + timedelta(days=companion["days"] - 1),
        venue=_venue(**event_data.VENUE) if companion["venue"] else None,
    )
    roles = [role for role, _row in companion["organisations"]]
    organisations, _new = _registry_organisations(
        [event_data.organisation_row(key) for _role, key in companion["organisations"]]
    )
    _link(event, organisations, roles)
    _say(stdout, f"{event.slug}: {len(organisations)} organisations.")
    if companion.get("attendance"):
        issued = seed_past_attendance(event)
        _say(stdout, f"{event.slug}: {issued} certificates of attendance issued.")
    return event


def _scale_role(index: int) -> str:
    if index < SCALE_ORGANISERS:
        return EventOrganization.Role.ORGANISER
    if index < SCALE_ORGANISERS + SCALE_SPONSORS:
        return EventOrganization.Role.SPONSOR
    return EventOrganization.Role.PARTNER


def _scale_room(event: Event, index: int, count: int) -> Room:
    virtual_number = index - (count - SCALE_VIRTUAL_ROOMS) + 1
    if virtual_number >= 1:
        return Room(
            event=event,
            name={
                "en": f"Virtual Room {virtual_number}",
                "fr": f"Salle virtuelle {virtual_number}",
            },
            kind=Room.Kind.VIRTUAL,
            order=index,
        )
    return Room(
        event=event,
        name={"en": f"Room {index + 1:03d}", "fr": f"Salle {index + 1:03d}"},
        kind=Room.Kind.PHYSICAL,
        capacity=SCALE_SEATS[index % len(SCALE_SEATS)],
        floor=str(1 + index // 10),
        order=index,
    )


def _scale_row(n: int, index: int, codes: Sequence[str]) -> OrganisationRow:
    kind = SCALE_KINDS[index % len(SCALE_KINDS)]
    return (
        f"Synthetic {SCALE_KIND_LABELS[kind]} {index:05d} (scale {n})",
        f"SYN{index:05d}",
        codes[index % len(codes)],
        kind,
        f"https://org{index:05d}.scale{n}.example.org",
    )


def _build_scale_event(n: int, stdout: TextIO | None) -> Event:
    start = local_today(SCALE_TIME_ZONE)
    event = Event.objects.create(
        slug=f"scale-{n}",
        title=f"Global Synthetic Conference (scale {n})",
        acronym=f"GSC-{n}",
        description="A synthetic hybrid conference generated for benchmarks.",
        timezone=SCALE_TIME_ZONE,
        start_date=start,
        end_date=start + timedelta(days=2),
        format=AttendanceMode.HYBRID,
        status=Event.Status.PUBLISHED,
        languages=["en", "fr"],
        website="https://example.org/",
        contact_email="scale@example.org",
        venue=_venue(
            name=f"Synthetic Convention Centre (scale {n})",
            city="Paris",
            country="FR",
            latitude="48.878900",
            longitude="2.283000",
        ),
    )
    room_count = SCALE_ROOMS_PER_N * n
    rooms = Room.objects.bulk_create(
        (_scale_room(event, i, room_count) for i in range(room_count)), batch_size=BATCH_SIZE
    )
    tracks = Track.objects.bulk_create(
        Track(event=event, name=name, colour=colour, order=i)
        for i, (name, colour) in enumerate(SCALE_TRACKS)
    )
    codes = sorted(country.code for country in countries)
    total = SCALE_ORGANISATIONS_PER_N * n
    new = 0
    # One chunk at a time, so memory stays flat whatever n is.
    for first in range(0, total, BATCH_SIZE):
        indexes = range(first, min(first + BATCH_SIZE, total))
        organisations, chunk_new = _registry_organisations(
            [_scale_row(n, i, codes) for i in indexes]
        )
        _link(event, organisations, [_scale_role(i) for i in indexes], first_order=first)
        new += chunk_new

    sessions = seed_scale_programme(event, rooms, tracks)
    _say(
        stdout,
        f"{event.slug}: {room_count} rooms, {len(SCALE_TRACKS)} tracks, {total} "
        f"organisations ({new} new in the registry, {total - new} re-used), "
        f"{sessions} sessions.",
    )
    return event
