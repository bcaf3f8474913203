"""The check-in figures as JSON, for the figures page (static/js/figures.js polls it every few
seconds) and for anyone's dashboard. An ETag (a digest of the figures) lets a poller ask "has
anything changed?" and get a 304 with no body when nothing has."""

import hashlib
import json
from datetime import date, datetime

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from ninja import Field, Router, Schema

from confman.core.auth import ORGANISER_AUTH
from confman.core.conditional import etag_matches
from events import selectors as event_selectors
from events.permissions import Action
from registrations.checkin.statistics import checkin_figures

router = Router(tags=["check-in"])


class TicketFiguresOut(Schema):
    ticket_id: int
    name: str
    expected: int = Field(description="Confirmed registrations in person")
    checked_in: int = Field(description="People admitted at the event's entrance at least once")
    inside: int


class ModeFiguresOut(Schema):
    mode: str = Field(description="in_person or online")
    label: str
    expected: int = Field(description="Confirmed registrations in this mode")
    checked_in: int | None = Field(description="null for online: no door check-in")
    door_check_in: bool


class EntranceFiguresOut(Schema):
    gate: str = Field(description='The entrance as the desks name it; "" when none was named')
    label: str
    people: int = Field(description="People whose first admitted entry was here")


class HourFiguresOut(Schema):
    start: datetime = Field(description="The hour's start, in UTC")
    day: date = Field(description="The day in the event's time zone")
    day_label: str
    label: str = Field(description='The hour on the event\'s clock, e.g. "09:00"')
    utc_offset: str = Field(description="The event's offset then, e.g. UTC+08:00")
    entries: int = Field(description="Admitted entries at the event's entrance")


class DuplicateOut(Schema):
    checkin_id: int
    name: str
    reference: str
    device: str
    gate: str
    at: datetime
    at_label: str = Field(description="In the event's time zone, with the offset")
    first_device: str = Field(description="The device of the admitted scan that got in first")
    first_gate: str
    first_at: datetime | None
    first_at_label: str


class RefusalOut(Schema):
    reason: str = Field(description="What the person was told, e.g. already_checked_in")
    label: str
    scans: int


class SessionDoorOut(Schema):
    session_id: int
    title: str
    room: str
    start: datetime | None
    start_label: str
    capacity: int | None = Field(description="The room's seats; null: no limit")
    attended: int = Field(description="People admitted at the room's door")
    inside: int
    full: bool
    turned_away: int = Field(description="Scans answered room_full")


class CheckInFiguresOut(Schema):
    time_zone: str
    utc_offset: str = Field(description="The event's offset from UTC now")
    expected: int = Field(description="Confirmed registrations in person")
    checked_in: int = Field(description="People admitted at the event's entrance at least once")
    inside: int = Field(description="People inside now: admitted entries minus exits")
    online: int = Field(description="Confirmed registrations online (no door check-in)")
    flagged: int = Field(description="Flagged duplicates: admitted offline while already inside")
    by_ticket: list[TicketFiguresOut]
    by_mode: list[ModeFiguresOut]
    by_entrance: list[EntranceFiguresOut]
    by_hour: list[HourFiguresOut]
    duplicates: list[DuplicateOut] = Field(description="The latest 20 flagged duplicates")
    refusals: list[RefusalOut]
    sessions: list[SessionDoorOut] = Field(description="Session rooms with door scans")


def etag_for(figures: CheckInFiguresOut) -> str:
    body = json.dumps(figures.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'


@router.get(
    "/events/{slug}/checkins/stats",
    response={200: CheckInFiguresOut, 304: None},
    auth=ORGANISER_AUTH,
    summary="Live check-in figures",
)
def checkin_stats(request: HttpRequest, slug: str, response: HttpResponse):
    """For the event's team (owners, organisers, check-in staff): expected, checked in, inside
    now; by ticket, mode, entrance and hour; flagged duplicates, refusals and session doors.
    Send the ETag back as If-None-Match to get a 304 while nothing has changed."""
    event = event_selectors.event_get(
        slug, request.user, Action.VIEW_REGISTRATIONS, organizations=False
    )
    figures = CheckInFiguresOut.model_validate(checkin_figures(event))
    etag = etag_for(figures)
    if etag_matches(request, etag):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = "private, no-cache"
        return not_modified
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return figures
