from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from confman.core.auth import ORGANISER_AUTH, request_user
from confman.core.content import content_changes
from confman.core.exceptions import InvalidInput, NotFound
from confman.core.pagination import Pages
from confman.core.schemas import check_content_languages, patch_changes
from events import selectors, services
from events.models import EventOrganization, Room, TeamMember, Track, Venue
from events.permissions import Action, can_create_events
from events.schemas import (
    EventIn,
    EventListOut,
    EventOrganizationIn,
    EventOrganizationOut,
    EventOut,
    EventPatch,
    MeOut,
    OrganizationIn,
    OrganizationOut,
    RoomIn,
    RoomOut,
    RoomPatch,
    TrackIn,
    TrackOut,
    TrackPatch,
)

router = Router(tags=["events"])


def _with_venue(data: dict[str, Any]) -> dict[str, Any]:
    if "venue_id" not in data:
        return data
    venue_id = data.pop("venue_id")
    if venue_id is None:
        return {**data, "venue": None}
    venue = Venue.objects.filter(pk=venue_id).first()
    if venue is None:
        raise InvalidInput.for_fields(
            {
                "venue_id": [
                    _("there is no venue %(id)s; add it in the back office") % {"id": venue_id}
                ]
            }
        )
    return {**data, "venue": venue}


class EventFilter(Schema):
    when: Literal["all", "upcoming", "past"] = "all"
    q: str = Field("", max_length=200, description="Words in the title, acronym or slug")


@router.get("/events", response=list[EventListOut], summary="List events")
@paginate(Pages)
def list_events(request: HttpRequest, filters: Query[EventFilter]):
    """Published and archived events, upcoming and ongoing first; with a token or a session, also
    the drafts of the caller's events."""
    return selectors.event_list(request_user(request), when=filters.when, search=filters.q)


@router.get("/events/{slug}", response=EventOut, summary="One event")
def get_event(request: HttpRequest, slug: str):
    return selectors.event_get(slug, request_user(request), organizations=True)


@router.post("/events", response={201: EventOut}, auth=ORGANISER_AUTH, summary="Create an event")
def create_event(request: HttpRequest, payload: EventIn):
    data = payload.model_dump()
    check_content_languages(data, data["languages"])
    event = services.event_create(by=request.user, **_with_venue(data))
    return Status(201, selectors.event_get(event.slug, request.user, organizations=True))


@router.patch("/events/{slug}", response=EventOut, auth=ORGANISER_AUTH, summary="Change an event")
def update_event(request: HttpRequest, slug: str, payload: EventPatch):
    event = selectors.event_get(slug, request.user, Action.CHANGE, organizations=True)
    changes = _with_venue(patch_changes(payload))
    languages = changes.get("languages") or event.languages
    check_content_languages(changes, languages)
    changes = content_changes(event, changes, languages)
    event = services.event_update(event=event, by=request.user, **changes)
    return selectors.event_get(event.slug, request.user, organizations=True)


# --- rooms and tracks: the same five operations on each ---------------------------------
def _event_parts(
    *,
    model: type[Room | Track],
    path: str,
    out: type,
    create: type,
    patch: type,
    noun: str,
    not_found: str,
) -> None:
    def find(request: HttpRequest, slug: str, part_id: int):
        event = selectors.event_get(slug, request.user, Action.CHANGE)
        part = model.objects.filter(event=event, pk=part_id).select_related("event").first()
        if part is None:
            raise NotFound(_(not_found) % {"slug": slug, "id": part_id})
        return part

    @router.get(
        f"/events/{{slug}}/{path}",
        response=list[out],
        summary=f"The event's {path}",
        operation_id=f"list_{path}",
    )
    def list_parts(request: HttpRequest, slug: str):
        event = selectors.event_get(slug, request_user(request))
        return getattr(event, path).all()  # each row knows its event: no query for languages

    @router.post(
        f"/events/{{slug}}/{path}",
        response={201: out},
        auth=ORGANISER_AUTH,
        summary=f"Add a {noun}",
        operation_id=f"create_{noun}",
    )
    def create_part(request: HttpRequest, slug: str, payload: create):
        event = selectors.event_get(slug, request.user, Action.CHANGE)
        data = payload.model_dump()
        check_content_languages(data, event.languages)
        part = services.event_part_create(model=model, event=event, by=request.user, **data)
        return Status(201, part)

    @router.patch(
        f"/events/{{slug}}/{path}/{{part_id}}",
        response=out,
        auth=ORGANISER_AUTH,
        summary=f"Change a {noun}",
        operation_id=f"update_{noun}",
    )
    def update_part(request: HttpRequest, slug: str, part_id: int, payload: patch):
        part = find(request, slug, part_id)
        changes = patch_changes(payload)  # a string: the first language
        check_content_languages(changes, part.event.languages)
        return services.event_part_update(
            part=part, by=request.user, **content_changes(part, changes, part.event.languages)
        )

    @router.delete(
        f"/events/{{slug}}/{path}/{{part_id}}",
        response={204: None},
        auth=ORGANISER_AUTH,
        summary=f"Remove a {noun}",
        operation_id=f"delete_{noun}",
    )
    def delete_part(request: HttpRequest, slug: str, part_id: int):
        services.event_part_delete(part=find(request, slug, part_id), by=request.user)
        return Status(204, None)


_event_parts(
    model=Room,
    path="rooms",
    out=RoomOut,
    create=RoomIn,
    patch=RoomPatch,
    noun="room",
    not_found=gettext_noop("The event “%(slug)s” has no room with id %(id)s."),
)
_event_parts(
    model=Track,
    path="tracks",
    out=TrackOut,
    create=TrackIn,
    patch=TrackPatch,
    noun="track",
    not_found=gettext_noop("The event “%(slug)s” has no track with id %(id)s."),
)


# --- organisations ------------------------------------------------------------------------
class EventOrganizationFilter(Schema):
    role: Literal["", "organiser", "co_host", "partner", "sponsor"] = ""


@router.get(
    "/events/{slug}/organizations",
    response=list[EventOrganizationOut],
    summary="The event's organisers, co-hosts, partners and sponsors",
)
@paginate(Pages)
def list_event_organizations(
    request: HttpRequest, slug: str, filters: Query[EventOrganizationFilter]
):
    event = selectors.event_get(slug, request_user(request))
    return selectors.event_organizations(event, role=filters.role)


@router.post(
    "/events/{slug}/organizations",
    response={201: EventOrganizationOut},
    auth=ORGANISER_AUTH,
    summary="Give an organisation a role in the event",
)
def add_event_organization(request: HttpRequest, slug: str, payload: EventOrganizationIn):
    event = selectors.event_get(slug, request.user, Action.CHANGE, organizations=True)
    organization = selectors.organization_from_input(payload.organization_id, event)
    link = services.event_organization_add(
        event=event,
        by=request.user,
        organization=organization,
        role=payload.role,
        order=payload.order,
    )
    return Status(201, link)


@router.delete(
    "/events/{slug}/organizations/{link_id}",
    response={204: None},
    auth=ORGANISER_AUTH,
    summary="Remove an organisation's role in the event",
)
def remove_event_organization(request: HttpRequest, slug: str, link_id: int):
    event = selectors.event_get(slug, request.user, Action.CHANGE, organizations=True)
    link = EventOrganization.objects.filter(event=event, pk=link_id).select_related("event").first()
    if link is None:
        raise NotFound(
            _("The event “%(slug)s” has no organisation role with id %(id)s.")
            % {"slug": slug, "id": link_id}
        )
    services.event_organization_remove(link=link, by=request.user)
    return Status(204, None)


class OrganizationFilter(Schema):
    q: str = Field("", max_length=200, description="Words in the name or acronym")
    country: str = Field("", max_length=2, description="ISO 3166 code, e.g. KE")


@router.get("/organizations", response=list[OrganizationOut], summary="Search organisations")
@paginate(Pages)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilter]):
    return selectors.organization_search(search=filters.q, country=filters.country)


@router.post(
    "/organizations",
    response={201: OrganizationOut},
    auth=ORGANISER_AUTH,
    summary="Add an organisation",
)
def create_organization(request: HttpRequest, payload: OrganizationIn):
    data = payload.model_dump()
    data["website"] = str(data["website"] or "")
    return Status(201, services.organization_create(by=request.user, **data))


@router.get("/me", response=MeOut, auth=ORGANISER_AUTH, summary="Who am I, and my event roles")
def me(request: HttpRequest):
    user = request.user
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "is_superuser": user.is_superuser,
        "can_create_events": can_create_events(user),
        "events": TeamMember.objects.filter(user=user).select_related("event"),
    }
