from itertools import groupby
from operator import attrgetter

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events import selectors
from events.permissions import Action, has_event_permission


def event_list(request: HttpRequest) -> HttpResponse:
    upcoming, past = selectors.events_upcoming_and_past(request.user)
    return render(request, "events/event_list.html", {"upcoming": upcoming, "past": past})


ORGANISATIONS_PREVIEW = 24
ORGANISATIONS_PER_PAGE = 120


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(slug, request.user)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "organization_groups": selectors.event_organizations_preview(
                event, limit=ORGANISATIONS_PREVIEW
            ),
            "rooms": event.rooms.all(),
            "tracks": event.tracks.all(),
            "can_change": has_event_permission(request.user, event, Action.CHANGE),
            # The programme's own links come from the agenda's template tag (programme_access).
            "can_manage": has_event_permission(request.user, event, Action.MANAGE_AGENDA),
            "sees_registrations": has_event_permission(
                request.user, event, Action.VIEW_REGISTRATIONS
            ),
        },
    )


def event_organizations(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(slug, request.user)
    page = Paginator(selectors.event_organizations(event), ORGANISATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    groups = [
        {"heading": selectors.ROLE_HEADINGS[role], "links": list(links)}
        for role, links in groupby(page.object_list, key=attrgetter("role"))
    ]
    return render(
        request,
        "events/event_organizations.html",
        {"event": event, "page": page, "groups": groups},
    )
