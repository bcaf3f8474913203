"""Reads of registrations shared by the API, the pages and the services: what is on offer and
how many seats are left, the event's registration settings, and the organisers' list and
counts."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from events.models import PERSON_MODE_CHOICES, PERSON_MODES, Event, Organization
from registrations.models import (
    Payment,
    PaymentStatus,
    Quota,
    Registration,
    RegistrationSettings,
    State,
    TicketType,
    Visibility,
    holding,
    search_fold,
    search_words,
)

TOP = 10

NO_ORGANISATION = "none"


def registrations_matching(event: Event, query: str) -> QuerySet[Registration]:
    """The event's registrations that `query` finds: each of its words, accents and case left
    aside, is part of the name, email, reference, or organisation name or acronym, in any order
    ("dupont amelie", "jovanovic", "OUYANG", "7KQ"). The desk and the organisers' list search
    with this; the desk's offline list (desk.js) matches the same way. Organisations are matched
    here rather than stored in each registration's search text, so a renamed or merged one is
    found by its name of now: one more query, of the event's registrants' organisations."""
    registrations = Registration.objects.filter(event=event)
    words = search_words(query)
    if not words:
        return registrations
    organisations = [
        (pk, search_fold(f"{name} {acronym}"))
        for pk, name, acronym in Organization.objects.filter(registrations__event=event)
        .order_by()
        .distinct()
        .values_list("pk", "name", "acronym")
    ]
    for word in words:
        found = Q(search_text__contains=word)
        if ids := [pk for pk, text in organisations if word in text]:
            found |= Q(organization_id__in=ids)
        registrations = registrations.filter(found)
    return registrations


def registrations_for(event: Event, filters: dict[str, Any]) -> QuerySet[Registration]:
    """The event's registrations matching `filters` (q, ticket, mode, state, country,
    organization: an id or NO_ORGANISATION), with their ticket and organisation."""
    registrations = registrations_matching(event, filters.get("q", "")).select_related(
        "ticket", "organization"
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
        "held": sum(held_by[("mode", mode)] for mode in PERSON_MODES),
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
            for mode, label in PERSON_MODE_CHOICES
        ],
        "countries": spread["countries"],
        "organisations": spread["organisations"],
        "top_countries": top_countries,
        "top_organisations": top_organisations,
    }


@dataclass(frozen=True)
class Availability:
    ticket: TicketType
    mode: str
    remaining: int | None  # None: no limit

    @property
    def available(self) -> bool:
        return self.remaining is None or self.remaining > 0


def ticket_availability(
    event: Event, tickets: list[TicketType] | None = None
) -> list[Availability]:
    """Seats left per ticket and mode, the smallest of the quotas a seat counts against. Three
    queries, however many tickets."""
    tickets = list(event.ticket_types.select_related("quota")) if tickets is None else tickets
    now = timezone.now()
    mode_sizes = dict(Quota.objects.filter(event=event, ticket=None).values_list("mode", "size"))
    held = Registration.objects.filter(event=event).filter(holding(now))
    by_ticket = dict(held.values("ticket").annotate(n=Count("pk")).values_list("ticket", "n"))
    by_mode = dict(held.values("mode").annotate(n=Count("pk")).values_list("mode", "n"))
    result = []
    for ticket in tickets:
        for mode in ticket.allowed_modes:
            limits = []
            size = ticket.quota.size if hasattr(ticket, "quota") else None
            if size is not None:
                limits.append(size - by_ticket.get(ticket.pk, 0))
            if mode_sizes.get(mode) is not None:
                limits.append(mode_sizes[mode] - by_mode.get(mode, 0))
            result.append(Availability(ticket, mode, max(0, min(limits)) if limits else None))
    return result


def registration_settings_get(event: Event) -> RegistrationSettings:
    """The event's registration settings; open, with the standard privacy notice, until an
    organiser says otherwise."""
    found = RegistrationSettings.objects.filter(event=event).first()
    return found or RegistrationSettings(event=event, privacy_notice=default_privacy_notice(event))


def default_privacy_notice(event: Event) -> str:
    return _(
        "The organisers of %(title)s use what you give here (your name, email, organisation, "
        "country, position, needs and answers) only to run this event: to confirm your place, "
        "prepare badges and seating, meet your accessibility and dietary needs, and tell you of "
        "changes. Your email is never shown to other participants. You can see, change or "
        "cancel your registration at any time through the link in your confirmation email."
    ) % {"title": event.title}


def tickets_on_offer(event: Event, *, code: str = "", organiser: bool = False) -> list[TicketType]:
    """The tickets someone may take now: public ones on sale, and code ones with the right code;
    an organiser, registering delegations by hand, may take any."""
    tickets = list(event.ticket_types.select_related("quota"))
    if organiser:
        return tickets
    now = timezone.now()
    return [
        t
        for t in tickets
        if t.on_sale(now)
        and (
            t.visibility == Visibility.PUBLIC
            or (t.visibility == Visibility.CODE and bool(code) and code == t.access_code)
        )
    ]


def payments_mismatched(event: Event) -> list[Payment]:
    """Checkouts Stripe reports paid with another amount or currency than asked: not
    confirmed, for the organisers to look into (registrations.payments.webhook)."""
    return list(
        Payment.objects.filter(registration__event=event, status=PaymentStatus.MISMATCH)
        .select_related("registration")
        .order_by("created_at", "pk")
    )
