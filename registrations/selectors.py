"""Reads of registrations shared by the API and the organiser's pages."""

from django.db.models import Count, Q, QuerySet

from events.models import Event
from registrations.models import Registration, State


def registrations_for(
    event: Event,
    *,
    search: str = "",
    ticket: int | None = None,
    mode: str = "",
    state: str = "",
    country: str = "",
    organization: int | None = None,
) -> QuerySet[Registration]:
    registrations = Registration.objects.filter(event=event).select_related(
        "ticket", "organization"
    )
    if search:
        registrations = registrations.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(reference__iexact=search)
            | Q(organization__name__icontains=search)
        )
    if ticket:
        registrations = registrations.filter(ticket_id=ticket)
    if mode:
        registrations = registrations.filter(mode=mode)
    if state:
        registrations = registrations.filter(state=state)
    if country:
        registrations = registrations.filter(country=country.upper())
    if organization:
        registrations = registrations.filter(organization_id=organization)
    return registrations.order_by("created_at", "pk")


def registration_stats(event: Event) -> dict:
    """The figures an organiser quotes: participants (confirmed) by ticket, mode, country and
    organisation, and registrations by state. Five queries."""
    all_ = Registration.objects.filter(event=event)
    confirmed = all_.filter(state=State.CONFIRMED)

    def counted(queryset, field):
        rows = queryset.values(field).annotate(n=Count("pk")).order_by("-n", field)
        return [(row[field], row["n"]) for row in rows]

    by_org = (
        confirmed.exclude(organization=None)
        .values("organization", "organization__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization__name")
    )
    return {
        "by_state": dict(counted(all_, "state")),
        "by_ticket": counted(confirmed, "ticket__name"),
        "by_mode": dict(counted(confirmed, "mode")),
        "by_country": counted(confirmed, "country"),
        "by_organization": [(row["organization__name"], row["n"]) for row in by_org],
    }
