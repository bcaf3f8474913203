"""Last year's edition of the demo (the IIOE annual meeting, a companion event 314 days ago):
who came in person and who followed online, and their certificates of attendance, so that
`make run` shows a participant downloading a certificate and its QR code opening the
verification page, and an event whose participation report is complete."""

from datetime import datetime, time, timedelta

from confman.demo.chinese import in_english_and_chinese
from confman.demo.programme_data import PEOPLE
from events.models import AttendanceMode, Event, Organization
from registrations.certificates.services import certificate_settings_save, certificates_issue
from registrations.models import (
    CheckIn,
    Registration,
    ScanResult,
    ScanType,
    State,
    TicketModes,
    Viewing,
    new_badge_secret,
)
from registrations.services.tickets import ticket_create

PARTICIPANTS = 16  # the programme's first people; every third followed online
# Minutes each online participant watched; the 20-minute one falls short of the hour asked.
WATCHED = (150, 95, 20, 240, 75)
SIGNATORIES = "Li Ming, Director, UNESCO-ICHEI\nAnna Petrova, Chief, UNESCO IITE"


def _local(event: Event, hh_mm: str) -> datetime:
    hours, minutes = map(int, hh_mm.split(":"))
    return datetime.combine(event.start_date, time(hours, minutes), tzinfo=event.tzinfo)


def seed_past_attendance(event: Event) -> int:
    """Its participants, check-ins, viewings and issued certificates; returns how many
    certificates were issued."""
    ticket = ticket_create(
        event=event,
        by=None,
        name=in_english_and_chinese("Participant"),
        modes=TicketModes.EITHER,
        quota=None,
    )
    registered = _local(event, "09:00") - timedelta(days=21)
    watchers = iter(WATCHED)
    people = PEOPLE[:PARTICIPANTS]
    organisations = {
        o.name: o for o in Organization.objects.filter(listed=True, name__in={p[4] for p in people})
    }
    for index, (key, _honorific, name, position, org, country, _bio, _login) in enumerate(people):
        online = index % 3 == 2
        registration = Registration(
            event=event,
            ticket=ticket,
            state=State.CONFIRMED,
            mode=AttendanceMode.ONLINE if online else AttendanceMode.IN_PERSON,
            name=name,
            email=f"{key}@example.org",
            country=country,
            organization=organisations.get(org),
            position=position,
            language="ru" if country in ("RU", "KG", "RS") else "en",
            badge_secret=None if online else new_badge_secret(),
            consent_at=registered,
            consent_version="demo",
            created_at=registered,
        )
        registration.save()
        if online:
            start = _local(event, "09:30")
            Viewing.objects.create(
                event=event,
                registration=registration,
                started_at=start,
                ended_at=start + timedelta(minutes=next(watchers)),
            )
        elif index % 5 != 4:  # one in five delegates did not come after all
            scanned = _local(event, "08:40") + timedelta(minutes=index * 2)
            CheckIn.objects.create(
                event=event,
                registration=registration,
                type=ScanType.ENTRY,
                result=ScanResult.OK,
                answered=ScanResult.OK,
                device="demo-desk",
                gate="Main entrance",
                scanned_at=scanned,
                received_at=scanned,
                effective_at=scanned,
            )
    certificate_settings_save(event=event, online_minutes=60, signatories=SIGNATORIES)
    return certificates_issue(event=event, by=None)


def demo_certificate_holder(event: Event) -> Registration | None:
    """A participant of the past edition who was checked in and holds a certificate."""
    return (
        Registration.objects.filter(
            event=event,
            certificates__revoked_at__isnull=True,
            checkins__result=ScanResult.OK,
        )
        .order_by("pk")
        .first()
    )
