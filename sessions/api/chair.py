"""The chair's calls: a session's status (live, ended; with a delay or the next speaker), what
a delay would push back, and announcements."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from confman.core.auth import ORGANISER_AUTH
from confman.core.schemas import ContentIn, InSchema
from events.permissions import Action
from events.selectors import event_get
from sessions import selectors
from sessions.api.people import person_from_input
from sessions.models import (
    ANNOUNCEMENT_MAX,
    Session,
)
from sessions.permissions import require_chair
from sessions.schemas import (
    ShiftOut,
    StatusIn,
    StatusOut,
    UpdateOut,
)
from sessions.services.chair import announcement_create, session_delay, session_set_next_speaker
from sessions.services.sessions import session_set_status

router = Router(tags=["programme"])

# What a chair's action may change on the session.
REREAD = [f.attname for f in Session._meta.concrete_fields if not f.is_relation] + ["next_speaker"]


@router.post(
    "/events/{slug}/sessions/{session_id}/status",
    response=StatusOut,
    auth=ORGANISER_AUTH,
    summary="Run a session: live, ended, delay, announcement, next speaker",
)
def session_status(request: HttpRequest, slug: str, session_id: int, payload: StatusIn):
    """For the session's chair, moderator, facilitator or host, and the event's organisers."""
    event = event_get(slug, request.user)
    session = selectors.session_get(request.user, event, session_id)
    require_chair(request.user, session)
    shifted = []
    if payload.action in ("live", "ended", "scheduled"):
        session_set_status(session=session, by=request.user, status=payload.action)
    elif payload.action == "delay":
        shifted = session_delay(
            session=session,
            by=request.user,
            minutes=payload.minutes,
            shift_following=payload.shift_following,
        )
    elif payload.action == "announcement":
        announcement_create(
            event=event,
            by=request.user,
            message=payload.message,
            session=session,
            notify=payload.notify,
        )
    else:
        person = None if payload.person_id is None else person_from_input(event, payload.person_id)
        session_set_next_speaker(session=session, by=request.user, person=person)
    # The session as the service left it: its own fields and next speaker read again, its
    # room, track and people (which a chair's action does not change) as already read. The
    # services lock and update the programme held by `event` (programme_lock), so its last
    # number is the one just written.
    session.refresh_from_db(fields=REREAD)
    return {
        "session": session,
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
    event = event_get(slug, request.user)
    session = selectors.session_get(request.user, event, session_id)
    require_chair(request.user, session)
    return selectors.delay_preview(session=session, minutes=query.minutes)


class AnnouncementIn(InSchema):
    message: ContentIn(ANNOUNCEMENT_MAX, required=True) = Field(
        description='One text, or one per language of the event ({"en": "…", "zh-hans": "…"}); '
        "each viewer reads theirs"
    )
    notify: bool = Field(
        False,
        description="Also mail it to every confirmed participant, with the next change notices",
    )


@router.post(
    "/events/{slug}/announcements",
    response={201: UpdateOut},
    auth=ORGANISER_AUTH,
    summary="Announce something to the whole event",
)
def create_announcement(request: HttpRequest, slug: str, payload: AnnouncementIn):
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    return Status(
        201,
        announcement_create(
            event=event, by=request.user, message=payload.message, notify=payload.notify
        ),
    )
