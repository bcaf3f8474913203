"""The programme as a whole: its state, publishing it, its conflicts, and the numbered update
log that calendars and live clients read."""

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from confman.core.auth import ORGANISER_AUTH, request_user
from events.permissions import Action
from events.selectors import event_get
from sessions import selectors
from sessions.conflicts import event_conflicts
from sessions.models import (
    Session,
    SessionStatus,
)
from sessions.schemas import (
    ConflictOut,
    ProgrammeOut,
    UpdatesOut,
)
from sessions.services.programme import programme_publish

router = Router(tags=["programme"])

UPDATES_PAGE = 500


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
    event = event_get(slug, user)
    selectors.require_programme(user, event)
    updates = list(
        event.session_updates.filter(sequence__gt=filters.since).order_by("sequence")[
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
    event = event_get(slug, user)
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


@router.post(
    "/events/{slug}/programme/publish",
    response=ProgrammeOut,
    auth=ORGANISER_AUTH,
    summary="Publish the programme",
)
def publish_programme(request: HttpRequest, slug: str):
    """Make the programme public with every draft session that has a time and a room."""
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    programme_publish(event=event, by=request.user)
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
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    conflicts = event_conflicts(event)
    return sorted(
        (c.as_dict() for c in conflicts), key=lambda c: (c["accepted"], c["session"]["start"] or "")
    )
