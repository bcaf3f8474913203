"""The demo conference's tickets: invited delegations in person (approved by the organisers),
partners with an access code, and free online participation for anyone."""

from events.models import Event
from registrations import services
from registrations.models import Mode, TicketModes, Visibility

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
        services.ticket_create(event=event, by=None, quota=spec["quota"], order=order, **fields)
    services.quota_set(
        quota=services.mode_quota(event, Mode.IN_PERSON), by=None, size=IN_PERSON_SEATS
    )
    return len(TICKETS)
