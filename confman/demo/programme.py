"""The programmes of the demo conference and of the synthetic scale events.

The demo programme is written through the services (so its data passes every conflict check) and
published; sessions that already ended today, event time, are marked ended and the one running
now is live, so the agenda shows real behaviour the moment someone looks. The scale programme is
written in bulk: it is built so that nothing conflicts."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from confman.demo import programme_data
from confman.demo.chinese import in_english_and_chinese
from events.models import AttendanceMode, Event, EventOrganization, Organization, Room, Track
from sessions.models import (
    Person,
    Programme,
    Session,
    SessionKind,
    SessionRole,
    SessionStatus,
)
from sessions.services.people import person_create
from sessions.services.programme import programme_publish
from sessions.services.sessions import session_create, session_set_status

BATCH_SIZE = 1000

# The demo logins that are people on the programme (prepare_demo gives them the demo password).
PROGRAMME_LOGINS = {
    "chair": "Demo Session Chair",
    "chair2": "Demo Second Chair",
    "speaker": "Demo Keynote Speaker",
}


def _at(event: Event, day: int, hh_mm: str) -> datetime:
    hours, minutes = map(int, hh_mm.split(":"))
    return datetime.combine(
        event.start_date + timedelta(days=day), time(hours, minutes), tzinfo=event.tzinfo
    )


def _login(username: str):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": PROGRAMME_LOGINS[username].split()[0],
            "last_name": " ".join(PROGRAMME_LOGINS[username].split()[1:]),
            "email": f"{username}@example.org",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def seed_demo_programme(event: Event) -> int:
    """People, sessions and roles of the demo conference; returns the number of sessions."""
    organisations = {
        org.name: org
        for org in Organization.objects.filter(
            pk__in=EventOrganization.objects.filter(event=event).values("organization_id")
        )
    }
    people = {}
    for key, honorific, name, position, org, country, bio, login in programme_data.PEOPLE:
        people[key] = person_create(
            event=event,
            by=None,
            honorific=honorific,
            name=name,
            position=in_english_and_chinese(position),
            organization=organisations.get(org),
            country=country,
            bio=bio,
            email=f"{key}@example.org",
            user=_login(login) if login else None,
        )
    rooms = {room.name: room for room in event.rooms.all()}
    tracks = {track.name: track for track in event.tracks.all()}
    sessions = []
    for (
        day,
        start,
        end,
        title,
        kind,
        room,
        track,
        language,
        attendance,
        abstract,
        roles,
    ) in programme_data.SESSIONS:
        sessions.append(
            session_create(
                event=event,
                by=None,
                title=in_english_and_chinese(title),
                kind=kind,
                room=rooms[room],
                track=tracks.get(track) if track else None,
                start=_at(event, day, start),
                end=_at(event, day, end),
                language="" if language == "en" else language,
                attendance=attendance,
                abstract=in_english_and_chinese(abstract),
                status=SessionStatus.SCHEDULED,
                people=[(people[key], role) for key, role in roles],
            )
        )
    # Before publication, so the update log starts with the publication itself.
    now = timezone.now()
    for session in sessions:
        if session.end <= now:
            session_set_status(session=session, by=None, status=SessionStatus.ENDED)
        elif session.start <= now:
            session_set_status(session=session, by=None, status=SessionStatus.LIVE)
    programme_publish(event=event, by=None)
    return len(sessions)


# --- the scale event ------------------------------------------------------------------------

SCALE_SLOTS = 10  # per room per day
SCALE_SLOT_START = time(9, 0)
SCALE_SLOT_MINUTES = 45
SCALE_SLOT_EVERY = 50
SCALE_PEOPLE_PER_SESSION = 3
SCALE_KINDS = (
    SessionKind.PANEL,
    SessionKind.WORKSHOP,
    SessionKind.ROUNDTABLE,
    SessionKind.PLENARY,
    SessionKind.PANEL,
    SessionKind.KEYNOTE,
    SessionKind.LAUNCH,
)
SCALE_ROLES = (SessionRole.Kind.CHAIR, SessionRole.Kind.SPEAKER, SessionRole.Kind.PANELLIST)


def seed_scale_programme(event: Event, rooms: list[Room], tracks: list[Track]) -> int:
    """Ten 45-minute sessions a day in every room, each with a chair and two speakers drawn from
    a pool of people in which nobody is in two places at once; published."""
    organisations = list(
        Organization.objects.filter(
            pk__in=EventOrganization.objects.filter(event=event).values("organization_id")
        ).order_by("pk")[: len(rooms) * SCALE_PEOPLE_PER_SESSION * 5]
    )
    pool = len(rooms) * SCALE_PEOPLE_PER_SESSION * 5
    people = Person.objects.bulk_create(
        (
            Person(
                event=event,
                name=f"Speaker {i:04d}",
                position="Researcher" if i % 3 else "Professor",
                organization=organisations[i % len(organisations)] if organisations else None,
                country=organisations[i % len(organisations)].country.code if organisations else "",
            )
            for i in range(pool)
        ),
        batch_size=BATCH_SIZE,
    )
    days: list[date] = event.days
    sessions = []
    placements = []
    for d, day in enumerate(days):
        for slot in range(SCALE_SLOTS):
            start = datetime.combine(day, SCALE_SLOT_START, tzinfo=event.tzinfo) + timedelta(
                minutes=slot * SCALE_SLOT_EVERY
            )
            for r, room in enumerate(rooms):
                number = len(sessions)
                track = tracks[number % len(tracks)].name.translations
                sessions.append(
                    Session(
                        event=event,
                        title={
                            "en": f"Session {number + 1:04d}: {track['en']}",
                            "fr": f"Séance {number + 1:04d} : {track['fr']}",
                        },
                        kind=SCALE_KINDS[number % len(SCALE_KINDS)],
                        abstract="A synthetic session generated for benchmarks.",
                        track=tracks[number % len(tracks)],
                        room=room,
                        start=start,
                        end=start + timedelta(minutes=SCALE_SLOT_MINUTES),
                        attendance=AttendanceMode.ONLINE
                        if room.is_virtual
                        else AttendanceMode.HYBRID,
                        status=SessionStatus.SCHEDULED,
                    )
                )
                placements.append((d, slot, r))
    sessions = Session.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
    roles = []
    for session, (d, slot, r) in zip(sessions, placements, strict=True):
        for j, role in enumerate(SCALE_ROLES):
            # Distinct people within a slot: (r, j) is unique there; the shift varies the mix.
            index = (r * SCALE_PEOPLE_PER_SESSION + j + (slot + d * SCALE_SLOTS) * 7) % pool
            roles.append(SessionRole(session=session, person=people[index], role=role, order=j))
    SessionRole.objects.bulk_create(roles, batch_size=BATCH_SIZE)
    Programme.objects.create(event=event)
    programme_publish(event=event, by=None)
    return len(sessions)
