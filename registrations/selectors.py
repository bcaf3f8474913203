"""Reads of registrations shared by the API and the organiser's pages."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django_countries import countries

from events.models import Event
from registrations.models import Mode, Quota, Registration, State, TicketType, holding

TOP = 10
NO_ORGANISATION = "none"


def registrations_for(event: Event, filters: dict[str, Any]) -> QuerySet[Registration]:
    """The event's registrations matching `filters` (q, ticket, mode, state, country,
    organization: an id or NO_ORGANISATION), with their ticket and organisation."""
    registrations = Registration.objects.filter(event=event).select_related(
        "ticket", "organization"
    )
    if search := " ".join(filters.get("q", "").split()):
        registrations = registrations.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(organization__name__icontains=search)
            | Q(organization__acronym__iexact=search)
            | Q(reference__iexact=search.replace(" ", ""))
        )
    if filters.get("ticket") is not None:
        registrations = registrations.filter(ticket_id=filters["ticket"])
    for name in ("mode", "state", "country"):
        if filters.get(name):
            registrations = registrations.filter(**{name: filters[name]})
    organisation = filters.get("organization")
    if organisation == NO_ORGANISATION:
        registrations = registrations.filter(organization__isnull=True)
    elif organisation:
        registrations = registrations.filter(organization_id=int(organisation))
    return registrations


def registration_counts(event: Event, tickets: list[TicketType]) -> dict[str, Any]:
    """The figures at the top of the list, for the whole event: participants (confirmed), seats
    held (confirmed, unexpired payment holds and offers), per state, ticket and mode, and the
    countries and organisations the participants come from. Five queries."""
    everyone = Registration.objects.filter(event=event).order_by()
    grouped = everyone.values("state", "ticket", "mode").annotate(
        n=Count("pk"), held=Count("pk", filter=holding())
    )
    by_state: dict[str, int] = defaultdict(int)
    confirmed_by: dict[tuple[str, Any], int] = defaultdict(int)
    held_by: dict[tuple[str, Any], int] = defaultdict(int)
    for row in grouped:
        by_state[row["state"]] += row["n"]
        for key in (("ticket", row["ticket"]), ("mode", row["mode"])):
            held_by[key] += row["held"]
            if row["state"] == State.CONFIRMED:
                confirmed_by[key] += row["n"]
    mode_sizes = dict(Quota.objects.filter(event=event, ticket=None).values_list("mode", "size"))
    participants = everyone.filter(state=State.CONFIRMED)
    spread = participants.aggregate(
        countries=Count("country", distinct=True),
        organisations=Count("organization", distinct=True),
    )
    top_countries = [
        {"country": row["country"], "name": countries.name(row["country"]), "n": row["n"]}
        for row in participants.values("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")[:TOP]
    ]
    top_organisations = list(
        participants.filter(organization__isnull=False)
        .values("organization", "organization__name", "organization__country")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization__name")[:TOP]
    )
    return {
        "participants": by_state[State.CONFIRMED],
        "held": sum(held_by[("mode", mode)] for mode in Mode.values),
        "total": sum(by_state.values()),
        "by_state": [
            {"state": state, "label": label, "n": by_state[state]} for state, label in State.choices
        ],
        "by_ticket": [
            {
                "ticket": ticket,
                "confirmed": confirmed_by[("ticket", ticket.pk)],
                "held": held_by[("ticket", ticket.pk)],
                "size": getattr(getattr(ticket, "quota", None), "size", None),
            }
            for ticket in tickets
        ],
        "by_mode": [
            {
                "mode": mode,
                "label": label,
                "confirmed": confirmed_by[("mode", mode)],
                "held": held_by[("mode", mode)],
                "size": mode_sizes.get(mode),
            }
            for mode, label in Mode.choices
        ],
        "countries": spread["countries"],
        "organisations": spread["organisations"],
        "top_countries": top_countries,
        "top_organisations": top_organisations,
    }
