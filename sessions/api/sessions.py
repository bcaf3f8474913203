"""The programme's REST operations: public reads, organiser writes (conflicts answer 409 with the
conflict list), the chair's status call and the update log."""

from datetime import date, datetime

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from confman.core.auth import ORGANISER_AUTH, request_user
from confman.core.exceptions import InvalidInput, NotFound
from confman.core.pagination import Pages
from events import selectors as event_selectors
from events.api import _changes
from events.models import Event, Organization, Room, Track
from events.permissions import Action
from events.schemas import InSchema
from sessions import selectors
from sessions.conflicts import event_conflicts
from sessions.models import (
    ANNOUNCEMENT_MAX,
    Person,
    Session,
    SessionRole,
    SessionStatus,
    SessionUpdate,
)
from sessions.permissions import require_chair
from sessions.schemas import (
    AssignIn,
    CancelIn,
    ConflictOut,
    MoveIn,
    MoveOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonPrivateOut,
    ProgrammeOut,
    SessionIn,
    SessionKindName,
    SessionOut,
    SessionPatch,
    ShiftOut,
    StatusIn,
    StatusOut,
    UpdateOut,
    UpdatesOut,
)
from sessions.services import sessions as services

router = Router(tags=["programme"])

UPDATES_PAGE = 500


def _event(request: HttpRequest, slug: str, action: Action = Action.VIEW) -> Event:
    return event_selectors.event_get(slug, request.user, action, organizations=False)


def _session(request: HttpRequest, event: Event, session_id: int) -> Session:
    return selectors.session_get(request.user, event, session_id)


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


def _person(event: Event, pk: int, field: str = "person_id") -> Person:
    person = Person.objects.filter(event=event, pk=pk).first()
    if person is None:
        raise InvalidInput.for_fields(
            {
                field: [
                    _("the event has no person with id %(id)s; see GET /api/events/%(slug)s/people")
                    % {"id": pk, "slug": event.slug}
                ]
            }
        )
    return person


def _organization(pk: int | None) -> Organization | None:
    if pk is None:
        return None
    organization = Organization.objects.filter(pk=pk).first()
    if organization is None:
        raise InvalidInput.for_fields(
            {
                "organization_id": [
                    _(
                        "there is no organisation with id %(id)s; "
                        "find it with GET /api/organizations"
                    )
                    % {"id": pk}
                ]
            }
        )
    return organization


def _fields(event: Event, data: dict) -> dict:
    """Turn *_id fields into the objects the services take."""
    if "room_id" in data:
        data["room"] = _part(Room, event, data.pop("room_id"), "room_id", "room")
    if "track_id" in data:
        data["track"] = _part(Track, event, data.pop("track_id"), "track_id", "track")
    return data


def _detail(request: HttpRequest, event: Event, session: Session) -> Session:
    return selectors.session_get(request.user, event, session.pk)


# --- public reads ---------------------------------------------------------------------------


class SessionQuery(Schema):
    day: date | None = Field(None, description="A day of the event, in its own time zone")
    room: int | None = None
    track: int | None = None
    kind: SessionKindName | None = None
    person: int | None = None
    q: str = Field("", max_length=200, description="Words in titles, people or organisations")
    updated_since: datetime | None = Field(None, description="Changed at or after (ISO 8601)")


@router.get(
    "/events/{slug}/sessions", response=list[SessionOut], summary="The programme's sessions"
)
@paginate(Pages)
def list_sessions(request: HttpRequest, slug: str, filters: Query[SessionQuery]):
    """Sessions in time order. Anyone sees a published programme (cancelled sessions included,
    marked); the event's team also sees drafts."""
    user = request_user(request)
    event = event_selectors.event_get(slug, user, organizations=False)
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
    event = event_selectors.event_get(slug, user, organizations=False)
    selectors.require_programme(user, event)
    return selectors.session_get(user, event, session_id)


class PeopleQuery(Schema):
    q: str = Field("", max_length=200, description="Words in the name, position or organisation")


@router.get("/events/{slug}/people", response=list[PersonOut], summary="The programme's people")
@paginate(Pages)
def list_people(request: HttpRequest, slug: str, filters: Query[PeopleQuery]):
    user = request_user(request)
    event = event_selectors.event_get(slug, user, organizations=False)
    selectors.require_programme(user, event)
    return selectors.people_for(user, event, filters.q.strip())


class UpdatesQuery(Schema):
    since: int = Field(0, ge=0, description="The last update number you have; 0 for all")
    limit: int = Field(UPDATES_PAGE, ge=1, le=UPDATES_PAGE)


@router.get(
    "/events/{slug}/updates", response=UpdatesOut, summary="Changes to the public programme"
)
def list_updates(request: HttpRequest, slug: str, filters: Query[UpdatesQuery]):
    """The programme's update log after `since`, in order: every change of time, room, status,
    delay or people of a public session, and announcements. Numbers are per event and without
    gaps; `last_sequence` is the newest."""
    user = request_user(request)
    event = event_selectors.event_get(slug, user, organizations=False)
    selectors.require_programme(user, event)
    updates = list(
        SessionUpdate.objects.filter(event=event, sequence__gt=filters.since).order_by("sequence")[
            : filters.limit + 1
        ]
    )
    return {
        "last_sequence": selectors.programme_of(event).last_sequence,
        "updates": updates[: filters.limit],
        "more": len(updates) > filters.limit,
    }


@router.get("/events/{slug}/programme", response=ProgrammeOut, summary="The programme's state")
def get_programme(request: HttpRequest, slug: str):
    user = request_user(request)
    event = event_selectors.event_get(slug, user, organizations=False)
    selectors.require_programme(user, event)
    programme = selectors.programme_of(event)
    counts = Session.objects.filter(event=event).aggregate(
        all=Count("pk"), public=Count("pk", filter=~Q(status=SessionStatus.DRAFT))
    )
    return {
        "published": programme.is_published,
        "published_at": programme.published_at,
        "last_sequence": programme.last_sequence,
        "session_count": counts["all"] if selectors.sees_drafts(user, event) else counts["public"],
        "public_session_count": counts["public"] if programme.is_published else 0,
    }


# --- organiser writes -----------------------------------------------------------------------


@router.post(
    "/events/{slug}/programme/publish",
    response=ProgrammeOut,
    auth=ORGANISER_AUTH,
    summary="Publish the programme",
)
def publish_programme(request: HttpRequest, slug: str):
    """Make the programme public with every draft session that has a time and a room."""
    event = _event(request, slug, Action.MANAGE_AGENDA)
    services.programme_publish(event=event, by=request.user)
    event.refresh_from_db()
    return get_programme(request, slug)


@router.get(
    "/events/{slug}/conflicts",
    response=list[ConflictOut],
    auth=ORGANISER_AUTH,
    summary="Every conflict in the programme",
)
def list_conflicts(request: HttpRequest, slug: str):
    """Unresolved ones first; conflicts an organiser accepted are listed with accepted=true."""
    event = _event(request, slug, Action.MANAGE_AGENDA)
    conflicts = event_conflicts(event)
    return sorted(
        (c.as_dict() for c in conflicts), key=lambda c: (c["accepted"], c["session"]["start"] or "")
    )


@router.post(
    "/events/{slug}/sessions",
    response={201: SessionOut},
    auth=ORGANISER_AUTH,
    summary="Add a session",
)
def create_session(request: HttpRequest, slug: str, payload: SessionIn):
    event = _event(request, slug, Action.MANAGE_AGENDA)
    data = _fields(event, payload.model_dump())
    people = [(_person(event, r["person_id"]), r["role"]) for r in data.pop("people")]
    override = data.pop("override")
    session = services.session_create(
        event=event, by=request.user, people=people, override=override, **data
    )
    return Status(201, _detail(request, event, session))


@router.patch(
    "/events/{slug}/sessions/{session_id}",
    response=SessionOut,
    auth=ORGANISER_AUTH,
    summary="Change a session",
)
def update_session(request: HttpRequest, slug: str, session_id: int, payload: SessionPatch):
    event = _event(request, slug, Action.MANAGE_AGENDA)
    session = _session(request, event, session_id)
    data = _changes(payload, nullable=frozenset({"track_id", "room_id", "start", "end"}))
    override = data.pop("override", False)
    session = services.session_update(
        session=session, by=request.user, override=override, **_fields(event, data)
    )
    return _detail(request, event, session)


@router.post(
    "/events/{slug}/sessions/{session_id}/move",
    response=MoveOut,
    auth=ORGANISER_AUTH,
    summary="Move a session (or check a move)",
)
def move_session(request: HttpRequest, slug: str, session_id: int, payload: MoveIn):
    """Move to a new start (keeping the length) and/or room. A conflict answers 409 with the
    conflict list and saves nothing; with dry_run the conflicts are reported and nothing saved."""
    event = _event(request, slug, Action.MANAGE_AGENDA)
    session = _session(request, event, session_id)
    room = _part(Room, event, payload.room_id, "room_id", "room")
    if payload.dry_run:
        conflicts = services.move_preview(
            session=session, by=request.user, start=payload.start, end=payload.end, room=room
        )
        return {"saved": False, "conflicts": [c.as_dict() for c in conflicts], "session": session}
    session = services.session_move(
        session=session,
        by=request.user,
        start=payload.start,
        end=payload.end,
        room=room,
        override=payload.override,
    )
    return {"saved": True, "conflicts": [], "session": _detail(request, event, session)}


@router.post(
    "/events/{slug}/sessions/{session_id}/publish",
    response=SessionOut,
    auth=ORGANISER_AUTH,
    summary="Put a draft session on the programme",
)
def publish_session(request: HttpRequest, slug: str, session_id: int):
    event = _event(request, slug, Action.MANAGE_AGENDA)
    session = services.session_publish(
        session=_session(request, event, session_id), by=request.user
    )
    return _detail(request, event, session)


@router.post(
    "/events/{slug}/sessions/{session_id}/cancel",
    response=SessionOut,
    auth=ORGANISER_AUTH,
    summary="Cancel a session",
)
def cancel_session(request: HttpRequest, slug: str, session_id: int, payload: CancelIn):
    """It stays on the programme, marked cancelled (a draft goes back to draft)."""
    event = _event(request, slug, Action.MANAGE_AGENDA)
    session = services.session_cancel(
        session=_session(request, event, session_id), by=request.user, reason=payload.reason
    )
    return _detail(request, event, session)


@router.delete(
    "/events/{slug}/sessions/{session_id}",
    response={204: None},
    auth=ORGANISER_AUTH,
    summary="Delete a session that was never public",
)
def delete_session(request: HttpRequest, slug: str, session_id: int):
    event = _event(request, slug, Action.MANAGE_AGENDA)
    services.session_delete(session=_session(request, event, session_id), by=request.user)
    return Status(204, None)


@router.post(
    "/events/{slug}/sessions/{session_id}/people",
    response={201: SessionOut},
    auth=ORGANISER_AUTH,
    summary="Give a person a role in a session",
)
def assign_person(request: HttpRequest, slug: str, session_id: int, payload: AssignIn):
    event = _event(request, slug, Action.MANAGE_AGENDA)
    session = _session(request, event, session_id)
    services.role_assign(
        session=session,
        by=request.user,
        person=_person(event, payload.person_id),
        role=payload.role,
        override=payload.override,
    )
    return Status(201, _detail(request, event, session))


@router.delete(
    "/events/{slug}/sessions/{session_id}/people/{person_id}/{role}",
    response=SessionOut,
    auth=ORGANISER_AUTH,
    summary="Remove a person's role in a session",
)
def remove_person(request: HttpRequest, slug: str, session_id: int, person_id: int, role: str):
    event = _event(request, slug, Action.MANAGE_AGENDA)
    session = _session(request, event, session_id)
    link = (
        SessionRole.objects.filter(session=session, person_id=person_id, role=role)
        .select_related("session__event")
        .first()
    )
    if link is None:
        raise NotFound(
            _("Person %(person)s has no role “%(role)s” in this session.")
            % {"person": person_id, "role": role}
        )
    services.role_remove(link=link, by=request.user)
    return _detail(request, event, session)


@router.post(
    "/events/{slug}/people",
    response={201: PersonPrivateOut},
    auth=ORGANISER_AUTH,
    summary="Add a person",
)
def create_person(request: HttpRequest, slug: str, payload: PersonIn):
    event = _event(request, slug, Action.MANAGE_AGENDA)
    data = payload.model_dump()
    data["organization"] = _organization(data.pop("organization_id"))
    return Status(201, services.person_create(event=event, by=request.user, **data))


def _person_of(request: HttpRequest, slug: str, person_id: int) -> Person:
    event = _event(request, slug, Action.MANAGE_AGENDA)
    person = Person.objects.filter(event=event, pk=person_id).select_related("event").first()
    if person is None:
        raise NotFound(
            _("The event “%(slug)s” has no person with id %(id)s.")
            % {"slug": slug, "id": person_id}
        )
    return person


@router.get(
    "/events/{slug}/people/{person_id}",
    response=PersonPrivateOut,
    auth=ORGANISER_AUTH,
    summary="One person, with their private details",
)
def get_person(request: HttpRequest, slug: str, person_id: int):
    return _person_of(request, slug, person_id)


@router.patch(
    "/events/{slug}/people/{person_id}",
    response=PersonPrivateOut,
    auth=ORGANISER_AUTH,
    summary="Change a person",
)
def update_person(request: HttpRequest, slug: str, person_id: int, payload: PersonPatch):
    person = _person_of(request, slug, person_id)
    data = _changes(payload, nullable=frozenset({"organization_id"}))
    if "organization_id" in data:
        data["organization"] = _organization(data.pop("organization_id"))
    return services.person_update(person=person, by=request.user, **data)


@router.delete(
    "/events/{slug}/people/{person_id}",
    response={204: None},
    auth=ORGANISER_AUTH,
    summary="Remove a person who has no roles",
)
def delete_person(request: HttpRequest, slug: str, person_id: int):
    services.person_delete(person=_person_of(request, slug, person_id), by=request.user)
    return Status(204, None)


# --- the chair ------------------------------------------------------------------------------


@router.post(
    "/events/{slug}/sessions/{session_id}/status",
    response=StatusOut,
    auth=ORGANISER_AUTH,
    summary="Run a session: live, ended, delay, announcement, next speaker",
)
def session_status(request: HttpRequest, slug: str, session_id: int, payload: StatusIn):
    """For the session's chair, moderator, facilitator or host, and the event's organisers."""
    event = _event(request, slug)
    session = _session(request, event, session_id)
    require_chair(request.user, session)
    shifted = []
    if payload.action in ("live", "ended", "scheduled"):
        services.session_set_status(session=session, by=request.user, status=payload.action)
    elif payload.action == "delay":
        shifted = services.session_delay(
            session=session,
            by=request.user,
            minutes=payload.minutes,
            shift_following=payload.shift_following,
        )
    elif payload.action == "announcement":
        services.announce(event=event, by=request.user, message=payload.message, session=session)
    else:
        person = None if payload.person_id is None else _person(event, payload.person_id)
        services.session_set_next_speaker(session=session, by=request.user, person=person)
    event.refresh_from_db()
    return {
        "session": _detail(request, event, session),
        "shifted": shifted,
        "update_sequence": selectors.programme_of(event).last_sequence,
    }


class DelayQuery(Schema):
    minutes: int = Field(ge=0, le=12 * 60, description="The session's total delay")


@router.get(
    "/events/{slug}/sessions/{session_id}/delay-preview",
    response=list[ShiftOut],
    auth=ORGANISER_AUTH,
    summary="What a delay would push back",
)
def delay_preview(request: HttpRequest, slug: str, session_id: int, query: Query[DelayQuery]):
    event = _event(request, slug)
    session = _session(request, event, session_id)
    require_chair(request.user, session)
    return services.delay_preview(session=session, minutes=query.minutes)


class AnnouncementIn(InSchema):
    message: str = Field(min_length=1, max_length=ANNOUNCEMENT_MAX)


@router.post(
    "/events/{slug}/announcements",
    response={201: UpdateOut},
    auth=ORGANISER_AUTH,
    summary="Announce something to the whole event",
)
def create_announcement(request: HttpRequest, slug: str, payload: AnnouncementIn):
    event = _event(request, slug, Action.MANAGE_AGENDA)
    return Status(201, services.announce(event=event, by=request.user, message=payload.message))
