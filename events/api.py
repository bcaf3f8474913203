from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from confman.auth import ORGANISER_AUTH, request_user
from confman.exceptions import InvalidInput, NotFound
from events import selectors, services
from events.models import EventOrganization, Organization, Room, TeamMember, Track, Venue
from events.permissions import Action, can_create_events
from events.schemas import (
    EventIn,
    EventOrganizationIn,
    EventOrganizationOut,
    EventOut,
    EventPatch,
    EventSummaryOut,
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


NULLABLE_EVENT_FIELDS = {"venue_id"}


def _event_fields(payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=partial)
    nulls = sorted(key for key, value in data.items() if value is None)
    nulls = [key for key in nulls if key not in NULLABLE_EVENT_FIELDS]
    if nulls:
        raise InvalidInput.for_fields(
            {key: ["cannot be null; leave the field out to keep its value"] for key in nulls}
        )
    if "website" in data:
        data["website"] = str(data["website"] or "")
    if "venue_id" in data:
        venue_id = data.pop("venue_id")
        if venue_id is None:
            data["venue"] = None
        else:
            venue = Venue.objects.filter(pk=venue_id).first()
            if venue is None:
                raise InvalidInput.for_fields(
                    {"venue_id": [f"there is no venue {venue_id}; add it in the back office"]}
                )
            data["venue"] = venue
    return data


class EventFilter(Schema):
    when: Literal["all", "upcoming", "past"] = "all"
    q: str = ""


@router.get("/events", response=list[EventSummaryOut], summary="List events")
@paginate(LimitOffsetPagination)
def list_events(request: HttpRequest, filters: Query[EventFilter]):
    """Published and archived events, upcoming and ongoing first; with a token or a session, also
    the drafts of the caller's events."""
    return selectors.event_list(request_user(request), when=filters.when, search=filters.q)


@router.get("/events/{slug}", response=EventOut, summary="One event")
def get_event(request: HttpRequest, slug: str):
    return selectors.event_get(slug, request_user(request))


@router.post("/events", response={201: EventOut}, auth=ORGANISER_AUTH, summary="Create an event")
def create_event(request: HttpRequest, payload: EventIn):
    event = services.event_create(by=request.user, **_event_fields(payload, partial=False))
    return Status(201, selectors.event_get(event.slug, request.user))


@router.patch("/events/{slug}", response=EventOut, auth=ORGANISER_AUTH, summary="Change an event")
def update_event(request: HttpRequest, slug: str, payload: EventPatch):
    event = selectors.event_get(slug, request.user, Action.CHANGE)
    event = services.event_update(
        event=event, by=request.user, **_event_fields(payload, partial=True)
    )
    return selectors.event_get(event.slug, request.user)


# --- rooms --------------------------------------------------------------------------------
@router.get("/events/{slug}/rooms", response=list[RoomOut], summary="The event's rooms")
def list_rooms(request: HttpRequest, slug: str):
    return selectors.event_get(slug, request_user(request)).rooms.all()


@router.post(
    "/events/{slug}/rooms", response={201: RoomOut}, auth=ORGANISER_AUTH, summary="Add a room"
)
def create_room(request: HttpRequest, slug: str, payload: RoomIn):
    event = selectors.event_get(slug, request.user, Action.CHANGE)
    return Status(201, services.room_create(event=event, by=request.user, **payload.model_dump()))


def _room(request: HttpRequest, slug: str, room_id: int) -> Room:
    event = selectors.event_get(slug, request.user, Action.CHANGE)
    room = Room.objects.filter(event=event, pk=room_id).select_related("event").first()
    if room is None:
        raise NotFound(f"The event “{slug}” has no room with id {room_id}.")
    return room


@router.patch(
    "/events/{slug}/rooms/{room_id}",
    response=RoomOut,
    auth=ORGANISER_AUTH,
    summary="Change a room",
)
def update_room(request: HttpRequest, slug: str, room_id: int, payload: RoomPatch):
    room = _room(request, slug, room_id)
    return services.room_update(
        room=room, by=request.user, **payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/events/{slug}/rooms/{room_id}",
    response={204: None},
    auth=ORGANISER_AUTH,
    summary="Remove a room",
)
def delete_room(request: HttpRequest, slug: str, room_id: int):
    services.room_delete(room=_room(request, slug, room_id), by=request.user)
    return Status(204, None)


# --- tracks -------------------------------------------------------------------------------
@router.get("/events/{slug}/tracks", response=list[TrackOut], summary="The event's tracks")
def list_tracks(request: HttpRequest, slug: str):
    return selectors.event_get(slug, request_user(request)).tracks.all()


@router.post(
    "/events/{slug}/tracks", response={201: TrackOut}, auth=ORGANISER_AUTH, summary="Add a track"
)
def create_track(request: HttpRequest, slug: str, payload: TrackIn):
    event = selectors.event_get(slug, request.user, Action.CHANGE)
    return Status(201, services.track_create(event=event, by=request.user, **payload.model_dump()))


def _track(request: HttpRequest, slug: str, track_id: int) -> Track:
    event = selectors.event_get(slug, request.user, Action.CHANGE)
    track = Track.objects.filter(event=event, pk=track_id).select_related("event").first()
    if track is None:
        raise NotFound(f"The event “{slug}” has no track with id {track_id}.")
    return track


@router.patch(
    "/events/{slug}/tracks/{track_id}",
    response=TrackOut,
    auth=ORGANISER_AUTH,
    summary="Change a track",
)
def update_track(request: HttpRequest, slug: str, track_id: int, payload: TrackPatch):
    track = _track(request, slug, track_id)
    return services.track_update(
        track=track, by=request.user, **payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/events/{slug}/tracks/{track_id}",
    response={204: None},
    auth=ORGANISER_AUTH,
    summary="Remove a track",
)
def delete_track(request: HttpRequest, slug: str, track_id: int):
    services.track_delete(track=_track(request, slug, track_id), by=request.user)
    return Status(204, None)


# --- organisations ------------------------------------------------------------------------
class EventOrganizationFilter(Schema):
    role: Literal["", "organiser", "co_host", "partner", "sponsor"] = ""


@router.get(
    "/events/{slug}/organizations",
    response=list[EventOrganizationOut],
    summary="The event's organisers, co-hosts, partners and sponsors",
)
@paginate(LimitOffsetPagination)
def list_event_organizations(
    request: HttpRequest, slug: str, filters: Query[EventOrganizationFilter]
):
    event = selectors.event_get(slug, request_user(request), organizations=False)
    return selectors.event_organizations(event, role=filters.role)


@router.post(
    "/events/{slug}/organizations",
    response={201: EventOrganizationOut},
    auth=ORGANISER_AUTH,
    summary="Give an organisation a role in the event",
)
def add_event_organization(request: HttpRequest, slug: str, payload: EventOrganizationIn):
    event = selectors.event_get(slug, request.user, Action.CHANGE)
    organization = Organization.objects.filter(pk=payload.organization_id).first()
    if organization is None:
        raise InvalidInput.for_fields(
            {
                "organization_id": [
                    f"there is no organisation with id {payload.organization_id}; find it with "
                    "GET /api/organizations?q=… or create it with POST /api/organizations"
                ]
            }
        )
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
    event = selectors.event_get(slug, request.user, Action.CHANGE)
    link = EventOrganization.objects.filter(event=event, pk=link_id).select_related("event").first()
    if link is None:
        raise NotFound(f"The event “{slug}” has no organisation role with id {link_id}.")
    services.event_organization_remove(link=link, by=request.user)
    return Status(204, None)


class OrganizationFilter(Schema):
    q: str = ""
    country: str = ""


@router.get("/organizations", response=list[OrganizationOut], summary="Search organisations")
@paginate(LimitOffsetPagination)
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
