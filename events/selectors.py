"""Reads shared by the pages, the API and the live channel."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from confman.core.exceptions import InvalidInput, NotFound
from confman.core.fastpaths.prepared import PreparedQuery
from events.models import Event, EventOrganization, Organization
from events.permissions import Action, events_for, require_event_permission

HOST_ROLES = (EventOrganization.Role.ORGANISER, EventOrganization.Role.CO_HOST)


def _with_details(
    events: QuerySet[Event], *, organizations: bool = True, venue: bool = True
) -> QuerySet[Event]:
    """With the venue and with `hosts` (organisers and co-hosts, a handful) and
    `organization_count`, unless told not to. Partners and sponsors can run into thousands:
    they are listed page by page elsewhere."""
    if venue:
        events = events.select_related("venue")
    if not organizations:
        return events
    return events.annotate(organization_count=Count("event_organizations")).prefetch_related(
        Prefetch(
            "event_organizations",
            queryset=EventOrganization.objects.filter(role__in=HOST_ROLES)
            .select_related("organization")
            .order_by("order", "organization__name"),
            to_attr="hosts",
        )
    )


def events_upcoming_and_past(
    user: User | AnonymousUser | None, *, search: str = ""
) -> tuple[list[Event], list[Event]]:
    """The events this user may see, split in two: upcoming and ongoing (soonest first) and past
    (most recent first). 'Past' is judged in each event's own time zone, hence in Python."""
    events = events_for(user, Action.VIEW).select_related("venue")
    if search:
        events = events.filter(
            Q(title__icontains=search) | Q(acronym__icontains=search) | Q(slug__icontains=search)
        )
    upcoming, past = [], []
    for event in events.order_by("start_date", "title"):
        (past if event.is_over else upcoming).append(event)
    return upcoming, past[::-1]


def event_list(
    user: User | AnonymousUser | None, *, when: str = "all", search: str = ""
) -> list[Event]:
    """Upcoming and ongoing events first, then past ones (see events_upcoming_and_past)."""
    upcoming, past = events_upcoming_and_past(user, search=search)
    if when == "upcoming":
        return upcoming
    if when == "past":
        return past
    return upcoming + past


# The event alone, or with its venue: what every call of a check-in desk reads first, prepared
# (with organisations the query prefetches, which a prepared query cannot).
_EVENT_BY_SLUG = {
    venue: PreparedQuery(
        lambda p, venue=venue: _with_details(
            Event.objects.filter(slug=p.str("slug")), organizations=False, venue=venue
        )
    )
    for venue in (False, True)
}


def event_get(
    slug: str,
    user: User | AnonymousUser | None,
    action: Action = Action.VIEW,
    *,
    organizations: bool = False,
    venue: bool = True,
) -> Event:
    """The event of `slug` that `user` may `action` (see it, by default): the one lookup of an
    event by its address for pages, API and exports. With its venue (unless venue=False: the
    check-in calls, made for every scan, need none) and, when asked, its organisations. A 404
    when there is none (also for drafts the user may not see), a 401/403 when the user may see
    it but not do `action`."""
    try:
        if organizations:
            # get(), not first(): the slug is unique, and get() leaves out the ORDER BY.
            event = _with_details(Event.objects.filter(slug=slug), venue=venue).get()
        else:
            event = _EVENT_BY_SLUG[venue].get(slug=slug)
    except Event.DoesNotExist:
        raise NotFound(
            _("There is no event “%(slug)s”. Check the address; the list of events is at /.")
            % {"slug": slug}
        ) from None
    require_event_permission(user, event, action)
    return event


ROLE_HEADINGS = {
    EventOrganization.Role.ORGANISER: _("Organisers"),
    EventOrganization.Role.CO_HOST: _("Co-hosts"),
    EventOrganization.Role.PARTNER: _("Partners"),
    EventOrganization.Role.SPONSOR: _("Sponsors"),
}


def event_organizations_preview(event: Event, *, limit: int) -> list[dict]:
    """Per role (organisers first): its plural heading, its first `limit` organisations and how
    many there are in all. A global conference has thousands of partners; its home page shows a
    few and links to the full list. Queries: one for the counts, one per role present."""
    counts = dict(
        EventOrganization.objects.filter(event=event)
        .values_list("role")
        .annotate(total=Count("pk"))
        .values_list("role", "total")
    )
    groups = []
    for role, heading in ROLE_HEADINGS.items():
        if not counts.get(role):
            continue
        links = (
            EventOrganization.objects.filter(event=event, role=role)
            .select_related("organization")
            .order_by("order", "organization__name")[:limit]
        )
        groups.append(
            {"role": role, "heading": heading, "links": list(links), "total": counts[role]}
        )
    return groups


def event_organizations(event: Event, *, role: str = "") -> QuerySet[EventOrganization]:
    """The event's organisations (of one role, or all), organisers first, for paginated lists."""
    order = Case(*[When(role=role, then=index) for index, role in enumerate(ROLE_HEADINGS)])
    links = EventOrganization.objects.filter(event=event)
    if role:
        links = links.filter(role=role)
    return links.select_related("organization").order_by(order, "order", "organization__name")


def organizations_seen_from(event: Event) -> QuerySet[Organization]:
    """What an event may name: the shared registry, and what its registrants typed for it."""
    return Organization.objects.filter(Q(listed=True) | Q(proposed_at=event))


def organizations_for(user: User) -> QuerySet[Organization]:
    """What a user sees of the organisations in the back office: the shared registry, and what
    registrants typed for the events they may change (all of it for a superuser)."""
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(
        Q(listed=True) | Q(proposed_at__in=events_for(user, Action.CHANGE).values("pk"))
    )


def organization_search(*, search: str = "", country: str = "") -> QuerySet[Organization]:
    """The shared registry (not the organisations registrants typed for one event)."""
    organizations = Organization.objects.filter(listed=True)
    if search:
        organizations = organizations.filter(
            Q(name__icontains=search) | Q(acronym__icontains=search)
        )
    if country:
        organizations = organizations.filter(country=country.upper())
    return organizations.order_by("name")


def event_with_venue(**lookup) -> Event | None:
    """The event with what its summary schema needs, read without permission checks (the
    caller decides who receives it)."""
    return _with_details(Event.objects.filter(**lookup), organizations=False).first()


def organization_from_input(pk: int | None, event: Event) -> Organization | None:
    """The organisation an API caller names by `organization_id` for `event` (None when they
    name none): one in the shared registry or typed for this event; else a 422 that says how to
    find or create it."""
    if pk is None:
        return None
    organization = organizations_seen_from(event).filter(pk=pk).first()
    if organization is None:
        raise InvalidInput.for_fields(
            {
                "organization_id": [
                    _(
                        "there is no organisation with id %(id)s; find it with "
                        "GET /api/organizations?q=… or create it with POST /api/organizations"
                    )
                    % {"id": pk}
                ]
            }
        )
    return organization
