"""The live schedule without a socket: one JSON answer with the snapshot and the updates missed
since a number, for clients on networks that block websockets or that poll; and, for the team,
how many people are watching."""

import hashlib
import json
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from confman.core.auth import ORGANISER_AUTH, request_user
from confman.core.conditional import etag_matches
from confman.core.exceptions import DomainError
from events.models import Event, Room
from events.permissions import Action
from events.selectors import event_get
from livestream import viewers
from livestream.access import Access, registration_for_link, viewer_access
from livestream.broadcast import update_payload
from livestream.schemas import LiveOut, LiveSnapshotOut
from livestream.selectors import for_viewer, snapshot, updates_since
from registrations.services.attendance import viewing_continue

router = Router(tags=["live"])

UPDATES_PAGE = 200
# The live page polls every 15 s: a participant's viewing goes on across three lost polls.
POLL_GAP = timedelta(seconds=60)


class LiveQuery(Schema):
    since: int | None = Field(
        None, ge=0, le=2**62, description="The last update number you have; none for just now"
    )
    r: str = Field(
        "", max_length=1000, description="A registrant's private link token, for their streams"
    )


def live_access(request: HttpRequest, event: Event, token: str) -> Access:
    return viewer_access(event, request_user(request), registration_for_link(token))


def live_body(event: Event, access: Access, since: int | None) -> dict:
    state = LiveSnapshotOut.model_validate(snapshot(event, access)).model_dump(mode="json")
    updates = []
    more = False
    if since is not None and since < state["sequence"]:
        found = updates_since(event, since, UPDATES_PAGE + 1)
        more = len(found) > UPDATES_PAGE
        updates = [for_viewer(update_payload(u), access) for u in found[:UPDATES_PAGE]]
    return {"snapshot": state, "updates": updates, "more": more}


@router.get(
    "/events/{slug}/live",
    response=LiveOut,
    summary="Now and next per room, and the updates since a number",
)
def get_live(request: HttpRequest, slug: str, query: Query[LiveQuery]):
    """For clients without a socket. Send the last `sequence` you have as `since` to get every
    update after it, in order (200 at most; `more` says when to ask again). The answer has an
    ETag: send it back as If-None-Match and a 304 says nothing changed (the snapshot's minute
    included, as what is on now moves with the clock). Stream links follow who asks."""
    event = event_get(slug, request_user(request))
    access = live_access(request, event, query.r)
    if access.registration_id is not None:
        # A participant following by polling (their network blocks sockets) is watching.
        viewing_continue(
            event_id=event.pk,
            registration_id=access.registration_id,
            at=timezone.now(),
            within=POLL_GAP,
        )
    body = live_body(event, access, query.since)
    minute = timezone.now().replace(second=0, microsecond=0).isoformat()
    tag = hashlib.sha256(
        f"{body['snapshot']['sequence']}|{query.since}|{access.key}|{minute}".encode()
    ).hexdigest()[:20]
    etag = f'"{tag}"'
    if etag_matches(request, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            content_type="application/json; charset=utf-8",
        )
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


class ViewersOut(Schema):
    total: int = Field(description="Open live sockets, approximately (marks expire in 75 s)")
    rooms: dict[int, int] = Field(description="Per room id, those who said they watch it")


@router.get(
    "/events/{slug}/live/viewers",
    response=ViewersOut,
    auth=ORGANISER_AUTH,
    summary="How many watch now (the event's team)",
)
def get_viewers(request: HttpRequest, slug: str):
    event = event_get(slug, request.user, Action.VIEW_DRAFT)
    rooms = list(Room.objects.filter(event=event).values_list("pk", flat=True))
    counts = viewers.counts(event.pk, rooms)
    if counts is None:
        raise DomainError(
            _(
                "The viewer counts cannot be read right now (Redis does not answer); try again "
                "in a minute."
            ),
            code="viewers_unavailable",
            status=503,
        )
    return counts
