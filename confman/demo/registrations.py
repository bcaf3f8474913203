"""The demo conference's tickets: invited delegations in person (approved by the organisers),
partners with an access code, and free online participation for anyone."""

from confman.demo.chinese import in_english_and_chinese
from confman.demo.programme_data import PEOPLE
from events.models import AttendanceMode, Event, Organization
from registrations.checkin.scan import checkin_scan
from registrations.models import TicketModes, Visibility
from registrations.selectors import registration_settings_get
from registrations.services.quotas import quota_for_mode
from registrations.services.registrations import registration_approve, registration_create
from registrations.services.tickets import quota_set, ticket_create

# The plenary hall seats 300; online participation is not capped.
IN_PERSON_SEATS = 300
PARTNER_CODE = "IIOE2026"

TICKETS = (
    {
        "name": "Online participant",
        "description": "Follow the plenaries and the online sessions, with interpretation into "
        "Chinese and Russian, and take part in the online roundtable.",
        "modes": TicketModes.ONLINE,
        "quota": None,
    },
    {
        "name": "Delegate",
        "description": "For members of the invited national delegations: all sessions in "
        "Shenzhen, lunches and the networking reception. The organisers confirm each "
        "registration.",
        "modes": TicketModes.IN_PERSON,
        "requires_approval": True,
        "quota": 200,
    },
    {
        "name": "IIOE partner",
        "description": "For partner universities and enterprises of the IIOE, with the access "
        "code from their invitation; in person or online.",
        "modes": TicketModes.EITHER,
        "visibility": Visibility.CODE,
        "access_code": PARTNER_CODE,
        "quota": 80,
    },
)


def seed_demo_tickets(event: Event) -> int:
    for order, spec in enumerate(TICKETS):
        fields = {key: value for key, value in spec.items() if key != "quota"}
        fields["name"] = in_english_and_chinese(fields["name"])
        fields["description"] = in_english_and_chinese(fields["description"])
        ticket_create(event=event, by=None, quota=spec["quota"], order=order, **fields)
    quota_set(quota=quota_for_mode(event, AttendanceMode.IN_PERSON), by=None, size=IN_PERSON_SEATS)
    return len(TICKETS)


# The demo asks the optional gender question. Its people are fictional; only those whose
# honorific says so answer, a few prefer not to say, the rest did not answer.
GENDER_BY_HONORIFIC = {"Ms.": "woman", "Mr.": "man"}


def _demo_gender(index: int, honorific: str) -> str:
    return GENDER_BY_HONORIFIC.get(honorific, "unsaid" if index % 7 == 3 else "")


def seed_demo_registrations(event: Event) -> int:
    """Registrations for the demo: the programme's (fictional) people as approved delegates in
    person, and a few online participants, so the lists, counts and the check-in desk have
    someone to show."""
    online, delegate = event.ticket_types.order_by("order")[:2]  # TICKETS' first two
    organisations = {o.name: o for o in Organization.objects.filter(event_roles__event=event)}
    settings = registration_settings_get(event)
    settings.asks_gender = True
    settings.save()
    count = 0
    for index, (key, honorific, name, position, org, country, _bio, _login) in enumerate(PEOPLE):
        ticket, mode = (
            (delegate, AttendanceMode.IN_PERSON) if index % 4 else (online, AttendanceMode.ONLINE)
        )
        registration = registration_create(
            ticket=ticket,
            mode=mode,
            consent_version=settings.notice_version,
            name=name,
            email=f"{key}@example.org",
            organization=organisations.get(org),
            country=country,
            position=position,
            gender=_demo_gender(index, honorific),
        )
        if registration.state == registration.State.AWAITING_APPROVAL:
            registration_approve(registration=registration, by=None, reason="demo delegation list")
        count += 1
    seed_demo_checkins(event)
    seed_demo_viewings(event)
    return count


def seed_demo_viewings(event: Event) -> int:
    """The online participants followed the live page this morning, some for an hour or more,
    one for ten minutes, so the report has online attendance to count."""
    from datetime import timedelta

    from django.utils import timezone

    from registrations.models import Registration, State, Viewing

    now = timezone.now()
    watchers = Registration.objects.filter(
        event=event, state=State.CONFIRMED, mode=AttendanceMode.ONLINE
    ).order_by("pk")
    viewings = [
        Viewing(
            event=event,
            registration=registration,
            started_at=now - timedelta(minutes=180 - index * 5),
            ended_at=min(now, now - timedelta(minutes=180 - index * 5 - minutes)),
        )
        for index, (registration, minutes) in enumerate(
            zip(watchers, (95, 140, 10, 75, 120, 60, 35, 150, 90), strict=False)
        )
    ]
    Viewing.objects.bulk_create(viewings)
    return len(viewings)


DEMO_GATES = ("Main entrance", "North entrance")


def seed_demo_checkins(event: Event) -> int:
    """Half of the delegates in person came through the doors in the last two hours, so the
    check-in statistics have something to show; the other half are still to come, so the desk
    admits the first badge a newcomer types."""
    from datetime import timedelta

    from django.utils import timezone

    from registrations.models import CheckIn, Registration, State

    delegates = Registration.objects.filter(
        event=event, state=State.CONFIRMED, mode=AttendanceMode.IN_PERSON
    ).order_by("pk")
    now = timezone.now()
    count = 0
    for index, registration in enumerate(delegates):
        if index % 2:
            continue
        answer = checkin_scan(
            event=event,
            secret=registration.badge_secret,
            device="demo-desk",
            gate=DEMO_GATES[index % 4 // 2],
            by=None,
        )
        # Spread over the morning, as a real queue would be.
        when = now - timedelta(minutes=115 - index * 4)
        CheckIn.objects.filter(pk=answer.checkin.pk).update(
            scanned_at=when, effective_at=when, received_at=when
        )
        count += 1
    return count


def demo_badge_to_scan(event: Event):
    """A delegate in person who has not come through the doors yet."""
    from registrations.models import Registration, State

    return (
        Registration.objects.filter(
            event=event, state=State.CONFIRMED, mode=AttendanceMode.IN_PERSON
        )
        .exclude(checkins__result="ok")
        .order_by("pk")
        .first()
    )
