"""Sessions: list and read (public for a published programme), add, change, move, publish,
cancel and delete (organisers; conflicts answer 409 with the conflict list)."""

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator

from confman.core.auth import ORGANISER_AUTH, request_user
from confman.core.content import content_changes
from confman.core.exceptions import InvalidInput
from confman.core.pagination import Pages
from confman.core.schemas import check_content_languages, in_utc, patch_changes
from events.models import Event, Room, Track
from events.permissions import Action
from events.selectors import event_get
from sessions import selectors
from sessions.api.people import person_from_input
from sessions.schemas import (
    CancelIn,
    MoveIn,
    MoveOut,
    SessionIn,
    SessionKindName,
    SessionOut,
    SessionPatch,
)
from sessions.selectors import move_preview
from sessions.services.sessions import (
    session_cancel,
    session_create,
    session_delete,
    session_move,
    session_publish,
    session_update,
)

router = Router(tags=["programme"])


def _part(model, event: Event, pk: int | None, field: str, noun: str):
    """The event's room or track with this id; `noun` is "room" or "track"."""
    if pk is None:
        return None
    part = model.objects.filter(event=event, pk=pk).first()
    if part is None:
        message = (
            _("the event has no room with id %(id)s; see GET /api/events/%(slug)s/rooms")
            if noun == "room"
            else _("the event has no track with id %(id)s; see GET /api/events/%(slug)s/tracks")
        )
        raise InvalidInput.for_fields({field: [message % {"id": pk, "slug": event.slug}]})
    return part


def _fields(event: Event, data: dict) -> dict:
    """Turn *_id fields into the objects the services take."""
    if "room_id" in data:
        data["room"] = _part(Room, event, data.pop("room_id"), "room_id", "room")
    if "track_id" in data:
        data["track"] = _part(Track, event, data.pop("track_id"), "track_id", "track")
    return data


class SessionQuery(Schema):
    day: date | None = Field(None, description="A day of the event, in its own time zone")
    room: int | None = None
    track: int | None = None
    kind: SessionKindName | None = None
    person: int | None = None
    q: str = Field("", max_length=200, description="Words in titles, people or organisations")
    updated_since: Annotated[datetime, AfterValidator(in_utc)] | None = Field(
        None, description="Changed at or after (ISO 8601 with its offset)"
    )


@router.get(
    "/events/{slug}/sessions", response=list[SessionOut], summary="The programme's sessions"
)
@paginate(Pages)
def list_sessions(request: HttpRequest, slug: str, filters: Query[SessionQuery]):
    """Sessions in time order. Anyone sees a published programme (cancelled sessions included,
    marked); the event's team also sees drafts."""
    user = request_user(request)
    event = event_get(slug, user)
    selectors.require_programme(user, event)
    if filters.updated_since is not None and filters.updated_since.tzinfo is None:
        raise InvalidInput.for_fields({"updated_since": [_("include the UTC offset, e.g. Z")]})
    return selectors.sessions_for(
        user,
        event,
        selectors.SessionFilter(
            day=filters.day,
            room=filters.room,
            track=filters.track,
            kind=filters.kind or "",
            person=filters.person,
            q=filters.q.strip(),
            updated_since=filters.updated_since,
        ),
    )


@router.get("/events/{slug}/sessions/{session_id}", response=SessionOut, summary="One session")
def get_session(request: HttpRequest, slug: str, session_id: int):
    user = request_user(request)
    event = event_get(slug, user)
    selectors.require_programme(user, event)
    return selectors.session_get(user, event, session_id)


@router.post(
    "/events/{slug}/sessions",
    response={201: SessionOut},
    auth=ORGANISER_AUTH,
    summary="Add a session",
)
def create_session(request: HttpRequest, slug: str, payload: SessionIn):
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    data = payload.model_dump()
    check_content_languages(data, event.languages)
    data = _fields(event, data)
    people = [(person_from_input(event, r["person_id"]), r["role"]) for r in data.pop("people")]
    override = data.pop("override")
    session = session_create(event=event, by=request.user, people=people, override=override, **data)
    return Status(201, selectors.session_get(request.user, event, session.pk))


@router.patch(
    "/events/{slug}/sessions/{session_id}",
    response=SessionOut,
    auth=ORGANISER_AUTH,
    summary="Change a session",
)
def update_session(request: HttpRequest, slug: str, session_id: int, payload: SessionPatch):
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    session = selectors.session_get(request.user, event, session_id)
    data = patch_changes(payload)
    override = data.pop("override", False)
    check_content_languages(data, event.languages)
    data = content_changes(session, data, event.languages)  # a string: the first language
    session = session_update(
        session=session, by=request.user, override=override, **_fields(event, data)
    )
    return selectors.session_get(request.user, event, session.pk)


@router.post(
    "/events/{slug}/sessions/{session_id}/move",
    response=MoveOut,
    auth=ORGANISER_AUTH,
    summary="Move a session (or check a move)",
)
def move_session(request: HttpRequest, slug: str, session_id: int, payload: MoveIn):
    """Move to a new start (keeping the length) and/or room. A conflict answers 409 with the
    conflict list and saves nothing; with dry_run the conflicts are reported and nothing saved."""
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    session = selectors.session_get(request.user, event, session_id)
    room = _part(Room, event, payload.room_id, "room_id", "room")
    if payload.dry_run:
        conflicts = move_preview(
            session=session, by=request.user, start=payload.start, end=payload.end, room=room
        )
        return {
            "saved": False,
            "conflicts": [c.as_dict() for c in conflicts],
            "session": session,
            "told": selectors.followers_count([session]),
        }
    session = session_move(
        session=session,
        by=request.user,
        start=payload.start,
        end=payload.end,
        room=room,
        override=payload.override,
    )
    return {
        "saved": True,
        "conflicts": [],
        "session": selectors.session_get(request.user, event, session.pk),
    }


@router.post(
    "/events/{slug}/sessions/{session_id}/publish",
    response=SessionOut,
    auth=ORGANISER_AUTH,
    summary="Put a draft session on the programme",
)
def publish_session(request: HttpRequest, slug: str, session_id: int):
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    session = session_publish(
        session=selectors.session_get(request.user, event, session_id), by=request.user
    )
    return selectors.session_get(request.user, event, session.pk)


@router.post(
    "/events/{slug}/sessions/{session_id}/cancel",
    response=SessionOut,
    auth=ORGANISER_AUTH,
    summary="Cancel a session",
)
def cancel_session(request: HttpRequest, slug: str, session_id: int, payload: CancelIn):
    """It stays on the programme, marked cancelled (a draft goes back to draft)."""
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    session = session_cancel(
        session=selectors.session_get(request.user, event, session_id),
        by=request.user,
        reason=payload.reason,
    )
    return selectors.session_get(request.user, event, session.pk)


@router.delete(
    "/events/{slug}/sessions/{session_id}",
    response={204: None},
    auth=ORGANISER_AUTH,
    summary="Delete a session that was never public",
)
def delete_session(request: HttpRequest, slug: str, session_id: int):
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    session_delete(session=selectors.session_get(request.user, event, session_id), by=request.user)
    return Status(204, None)
