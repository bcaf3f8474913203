"""The live page and its Server-Sent Events stream (for networks that block websockets).

The page is whole without JavaScript (it reloads itself every minute inside <noscript>); with
JavaScript, livestream/static/livestream/live.js keeps it current over the socket, falling back
to the event stream and then to polling the JSON."""

import asyncio
import json
import logging
import time
from collections import deque
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from confman.core.content import resolve
from events.models import Event
from events.permissions import Action, has_event_permission
from events.selectors import event_get, event_with_venue
from events.timezones import offset_label
from livestream import hub, viewers
from livestream.access import Access, registration_for_link, viewer_access
from livestream.broadcast import update_payload
from livestream.groups import event_group
from livestream.schemas import LiveSnapshotOut
from livestream.selectors import for_viewer, snapshot, updates_since
from registrations.services.attendance import MARK_EVERY, PageViewing
from sessions.materials import ended_sessions_with_materials
from sessions.models import UpdateKind

logger = logging.getLogger(__name__)

HEARTBEAT = 15.0  # seconds between comments that keep proxies from closing a quiet stream
STREAM_FOR = 600.0  # then the browser reconnects with Last-Event-ID (EventSource does)
REPLAY_LIMIT = 500


def _localise(value, event: Event) -> dict | None:
    if value is None:
        return None
    local = value.astimezone(event.tzinfo)
    return {"time": f"{local:%H:%M}", "day": local.date(), "offset": offset_label(local)}


def _moments(before: str | None, after: str | None, event: Event) -> dict | None:
    """A change of time as the log writes it (ISO 8601, UTC) on the event's clock: "10:30" and
    "10:40", with the day too when the two fall on different days (as live.js writes them)."""
    if not before or not after:
        return None
    local = [datetime.fromisoformat(v).astimezone(event.tzinfo) for v in (before, after)]
    if local[0].date() == local[1].date():
        return {"before": f"{local[0]:%H:%M}", "after": f"{local[1]:%H:%M}"}
    day = [date_format(v, "j M") for v in local]
    return {"before": f"{day[0]} {local[0]:%H:%M}", "after": f"{day[1]} {local[1]:%H:%M}"}


def _room_name(ref: dict | None) -> str:
    if not ref:
        return ""
    return resolve(ref.get("names") or ref.get("name"), get_language())[0]


def change_details(change: dict, event: Event) -> list[dict]:
    """What a change changed, old and new: the start (a delay, a move) and the room (a move)."""
    changes = change["changes"] or {}
    details = []
    if change["kind"] == UpdateKind.DELAYED and "actual_start" in changes:
        times = changes["actual_start"]
        details.append(_moments(times.get("before"), times.get("after"), event))
    if change["kind"] == UpdateKind.MOVED:
        times = changes.get("start") or changes.get("end")
        if times:
            details.append(_moments(times.get("before"), times.get("after"), event))
        room = changes.get("room")
        if room and room.get("before") and room.get("after"):
            details.append(
                {"before": _room_name(room["before"]), "after": _room_name(room["after"])}
            )
    return [d for d in details if d]


def live_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user)
    token = request.GET.get("r", "")[:1000]
    access = viewer_access(event, request.user, registration_for_link(token))
    now = timezone.now()
    state = snapshot(event, access, now)
    for room in state["rooms"]:
        by_id = {s["id"]: s for s in room["sessions"]}
        room["now_session"] = by_id.get(room["now"])
        room["next_session"] = by_id.get(room["next"])
        for session in room["sessions"]:
            session["local_start"] = _localise(session["actual_start"], event)
            session["local_end"] = _localise(session["actual_end"], event)
            session["effective_streams"] = (
                session["streams"] if session["streams"] is not None else room["streams"]
            )
            # A session marked live is live, whatever its times say; one not yet begun shows
            # when it starts now (live.js draws the same).
            session["upcoming"] = session["actual_start"] > now
    # Materials of the sessions that have ended, rendered here only: the snapshot (and the
    # socket) carry none.
    ended = ended_sessions_with_materials(event, now)
    ended_materials = {session.pk: session.materials_shown for session in ended}
    for room in state["rooms"]:
        for session in room["sessions"]:
            session["materials"] = ended_materials.get(session["id"], [])
    for change in state["changes"]:
        change["local_when"] = _localise(change["created_at"], event)
        change["details"] = change_details(change, event)
    team = has_event_permission(request.user, event, Action.VIEW_DRAFT)
    counts = None
    if team:
        counts = viewers.counts(event.pk, [r["room"]["id"] for r in state["rooms"] if r["room"]])
    return render(
        request,
        "livestream/live.html",
        {
            "event": event,
            "state": state,
            "state_json": LiveSnapshotOut.model_validate(state).model_dump(mode="json"),
            "token": token,
            "now_local": _localise(now, event),
            "counts": counts,
            "changes": state["changes"],
            "ended": ended,
        },
    )


def _sse(kind: str, data: dict, sequence: int | None = None) -> str:
    lines = []
    if sequence is not None:
        lines.append(f"id: {sequence}")
    lines.append(f"event: {kind}")
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    lines.append(f"data: {payload}")
    return "\n".join(lines) + "\n\n"


def _open(slug: str, user, token: str) -> tuple[Event, Access] | None:
    event = event_with_venue(slug=slug)
    if event is None or not has_event_permission(user, event, Action.VIEW):
        return None
    return event, viewer_access(event, user, registration_for_link(token))


def _state(event: Event, access: Access) -> dict:
    return LiveSnapshotOut.model_validate(snapshot(event, access)).model_dump(mode="json")


def _missed(event: Event, since: int) -> list[dict]:
    return [update_payload(u) for u in updates_since(event, since, REPLAY_LIMIT + 1)]


async def _opening(event: Event, access: Access, since: int | None) -> tuple[list[str], int]:
    """What a stream starts with: the snapshot, or the updates after `since` when there are few
    enough of them; and the number of the last update it covers."""
    state = await sync_to_async(_state)(event, access)
    missed = []
    if since is not None and since <= state["sequence"]:
        missed = await sync_to_async(_missed)(event, since)
    if since is None or since > state["sequence"] or len(missed) > REPLAY_LIMIT:
        return [_sse("snapshot", state, state["sequence"])], state["sequence"]
    frames = [_sse("update", for_viewer(m, access), m["sequence"]) for m in missed]
    return frames, missed[-1]["sequence"] if missed else since


async def _relay(
    message: dict, event: Event, access: Access, sent: int
) -> tuple[list[str], int, bool]:
    """What a message from the event's group becomes on this stream: its frames, the number of
    the last update sent, and whether the stream ends (the event is no longer public). An
    update after a gap brings the ones missed in between first."""
    if message.get("type") == "event.changed":
        if message["event"]["status"] not in ("published", "archived"):
            gone = _("This event is no longer public.")
            return [_sse("gone", {"detail": gone})], sent, True
        return [], sent, False
    if message.get("type") != "live.update" or message["message"]["sequence"] <= sent:
        return [], sent, False
    update = message["message"]
    frames = []
    if update["sequence"] > sent + 1:
        for filler in await sync_to_async(_missed)(event, sent):
            if sent < filler["sequence"] < update["sequence"]:
                frames.append(_sse("update", for_viewer(filler, access), filler["sequence"]))
                sent = filler["sequence"]
    frames.append(_sse("update", for_viewer(update, access), update["sequence"]))
    return frames, update["sequence"], False


class _Inbox:
    """A stream's messages from the event's group (livestream.hub), read at its own pace. A
    stream that falls INBOX messages behind loses its oldest update, and fills the gap by
    number when the next one arrives; a change of the event itself (back to draft, say), which
    no number brings back, is kept."""

    def __init__(self):
        self.messages: deque[dict] = deque()
        self.arrived = asyncio.Event()

    def take(self, message: dict) -> None:
        if len(self.messages) >= INBOX:
            oldest = next((m for m in self.messages if m["type"] == "live.update"), None)
            if oldest is None:
                self.messages.popleft()
            else:
                self.messages.remove(oldest)
        self.messages.append(message)
        self.arrived.set()

    async def get(self) -> dict:
        while not self.messages:
            self.arrived.clear()
            await self.arrived.wait()
        return self.messages.popleft()


INBOX = 100
# The browser opens its stream again STREAM_FOR seconds on, a few seconds after the last: the
# participant's viewing goes on if it ended at most this long before.
STREAM_GAP = timedelta(seconds=MARK_EVERY + 30)


class _Attendance:
    """A registered participant's online attendance while their event stream is open (where
    sockets are blocked): registrations' PageViewing, run from the stream's loop. The stream says
    no room: opening continues the stretch a reopened stream (every STREAM_FOR) left moments
    before."""

    def __init__(self, event_id: int, registration_id: int | None):
        self.page = (
            None
            if registration_id is None
            else PageViewing(
                event_id=event_id, registration_id=registration_id, continue_within=STREAM_GAP
            )
        )

    async def mark(self) -> None:
        if self.page is None:
            return
        if self.page.viewing is None:
            await sync_to_async(self.page.start)(at=timezone.now())
        elif self.page.due(MARK_EVERY):
            await sync_to_async(self.page.mark)(at=timezone.now())

    async def end(self) -> None:
        if self.page is None or self.page.viewing is None:
            return
        try:
            await sync_to_async(self.page.mark)(at=timezone.now())
        except Exception as exc:  # the database went away meanwhile: a minute is lost at most
            logger.warning("The end of viewing %s was not recorded: %r", self.page.viewing, exc)


async def live_events(request: HttpRequest, slug: str) -> HttpResponse:
    """text/event-stream: a `snapshot` (or, with Last-Event-ID or ?since=N, the updates after
    N), then each `update` as it happens, each with its number as the event id, so a browser's
    EventSource resumes where it was by itself."""
    user = await request.auser()
    token = request.GET.get("r", "")[:1000]
    opened = await sync_to_async(_open)(slug, user, token)
    if opened is None:
        return HttpResponse(
            _("There is no such event, or it is not public."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    event, access = opened
    last = request.headers.get("Last-Event-ID") or request.GET.get("since", "")
    since = int(last) if last.isdigit() and len(last) < 19 else None

    async def stream():
        inbox, group = _Inbox(), event_group(event.pk)
        attendance = _Attendance(event.pk, access.registration_id)
        await hub.join(group, inbox)
        try:
            yield "retry: 3000\n\n"
            frames, sent = await _opening(event, access, since)
            for frame in frames:
                yield frame
            await attendance.mark()
            ends = time.monotonic() + STREAM_FOR
            while time.monotonic() < ends:
                try:
                    message = await asyncio.wait_for(inbox.get(), HEARTBEAT)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    await attendance.mark()
                    continue
                frames, sent, done = await _relay(message, event, access, sent)
                for frame in frames:
                    yield frame
                if done:
                    return
                await attendance.mark()
        finally:
            hub.leave(group, inbox)
            await attendance.end()

    response = StreamingHttpResponse(stream(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
