"""What is on now and next, per room, and what changed: read for the live page, the REST
fallback, the event stream and the socket's snapshot. Stream links are shaped for one viewer at
the very end (`present`), so everything before can be shared between viewers."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Room
from livestream.access import Access
from livestream.models import Stream
from sessions.models import (
    MAX_DELAY_MINUTES,
    Programme,
    Session,
    SessionRole,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)

WINDOW = timedelta(hours=24)  # how far ahead the live page looks
SESSIONS_PER_ROOM = 6
RECENT = timedelta(hours=3)
CHANGE_KINDS = (UpdateKind.MOVED, UpdateKind.DELAYED, UpdateKind.CANCELLED, UpdateKind.STATUS)
STREAM_KIND = "stream"


def stream_dict(stream: Stream) -> dict:
    """Everything about a stream, link included: for the server side only (channel layer
    messages); `present` decides what a viewer receives."""
    return {
        "id": stream.pk,
        "provider": stream.provider,
        "provider_label": str(stream.get_provider_display()),
        "language": stream.language,
        "language_name": stream.language_name,
        "public": stream.public,
        "locked": False,
        "url": stream.url,
        "embed_url": stream.embed_url or None,
        "passcode": stream.passcode or None,
        "room_id": stream.room_id,
        "session_id": stream.session_id,
    }


def present(streams: list[dict] | None, access: Access) -> list[dict] | None:
    """The streams as this viewer may see them: a stream they may not watch keeps its provider
    and language (so the page can say it exists and who may join) and loses its link."""
    if streams is None:
        return None
    return [
        stream
        if access.sees(stream)
        else {**stream, "locked": True, "url": None, "embed_url": None, "passcode": None}
        for stream in streams
    ]


def other_languages(text) -> dict[str, str]:
    """Every language of a text given in several, for each viewer's own (live.js); nothing
    for one text for every language, which `title` or `name` already carries: the messages
    to thousands of sockets stay as small as before for an event in one language."""
    return text.translations if getattr(text, "is_translated", False) else {}


def _room_ref(room: Room | None) -> dict | None:
    if room is None:
        return None
    return {
        "id": room.pk,
        "name": room.name,
        "names": other_languages(room.name),
        "kind": room.kind,
    }


def session_dict(session: Session, own_streams: list[Stream] | None) -> dict:
    """A session as the live schedule shows it (roles prefetched or read here)."""
    return {
        "id": session.pk,
        "title": session.title,
        # Every language, the event's first first: the page shows the viewer's (live.js).
        "titles": other_languages(session.title),
        "kind": session.kind,
        "status": session.status,
        "attendance": session.attendance,
        "room": _room_ref(session.room),
        "track": session.track.name if session.track_id else None,
        "track_names": other_languages(session.track.name) if session.track_id else {},
        "start": session.start,
        "end": session.end,
        "delay_minutes": session.delay_minutes,
        "actual_start": session.actual_start,
        "actual_end": session.actual_end,
        "language": session.language,
        "chairs": [role.person.display_name for role in session.chairs],
        "url": settings.SITE_URL + session.get_absolute_url(),
        "streams": [stream_dict(s) for s in own_streams] if own_streams else None,
    }


def _streams_by_scope(event: Event) -> tuple[dict[int, list[Stream]], dict[int, list[Stream]]]:
    rooms: dict[int, list[Stream]] = {}
    sessions: dict[int, list[Stream]] = {}
    for stream in Stream.objects.filter(event=event).order_by("order", "language", "pk"):
        if stream.session_id:
            sessions.setdefault(stream.session_id, []).append(stream)
        else:
            rooms.setdefault(stream.room_id, []).append(stream)
    return rooms, sessions


def now_and_next(sessions: list[dict], now: datetime) -> tuple[int | None, int | None]:
    """The session on now (marked live by its chair, or within its times counting the delay)
    and the next one to start; ended and cancelled sessions are neither."""
    running = [s for s in sessions if s["status"] == SessionStatus.LIVE] or [
        s
        for s in sessions
        if s["status"] == SessionStatus.SCHEDULED and s["actual_start"] <= now < s["actual_end"]
    ]
    current = running[0] if running else None
    upcoming = [
        s
        for s in sessions
        if s["status"] == SessionStatus.SCHEDULED and s["actual_start"] > now and s is not current
    ]
    return (current["id"] if current else None, upcoming[0]["id"] if upcoming else None)


def update_dict(update: SessionUpdate) -> dict:
    """Read with select_related("session", "event") on lists."""
    return {
        "sequence": update.sequence,
        "kind": update.kind,
        "session_id": update.session_id,
        "session_title": update.session.title if update.session_id else None,
        "session_titles": other_languages(update.session.title) if update.session_id else None,
        # Where the live page links an announcement or a change to (none: the whole event's).
        "session_url": (
            settings.SITE_URL
            + reverse("agenda:session", kwargs={"slug": update.event.slug, "pk": update.session_id})
            if update.session_id
            else None
        ),
        "changes": update.changes,
        "message": update.message,
        "messages": other_languages(update.message),
        "created_at": update.created_at,
    }


def snapshot(event: Event, access: Access, now: datetime | None = None) -> dict:
    """Per room: what is on now and next (and a few after), with the streams this viewer may
    see; the latest announcements and changes; and the update number to resume from."""
    now = now or timezone.now()
    # Read, not taken from the event's cached relation: the event object is shared between the
    # sockets of a process for a few seconds (livestream.hello).
    sequence = latest_sequence(event)
    sessions = list(
        Session.objects.public()
        .placed()
        .filter(event=event)
        .filter(
            Q(status=SessionStatus.LIVE)
            | Q(end__gt=now - timedelta(minutes=MAX_DELAY_MINUTES), start__lt=now + WINDOW)
        )
        .select_related("event", "room", "track")
        .prefetch_related(_chairs_prefetch())
        .order_by("start", "pk")
    )
    room_streams, session_streams = _streams_by_scope(event)
    by_room: dict[int | None, list[dict]] = {}
    for session in sessions:
        item = session_dict(session, session_streams.get(session.pk))
        if item["actual_end"] <= now and item["status"] != SessionStatus.LIVE:
            continue
        by_room.setdefault(session.room_id, []).append(item)
    rooms = list(Room.objects.filter(event=event).order_by("order", "name"))
    out = []
    for room in [*rooms, None]:
        items = sorted(by_room.get(room.pk if room else None, []), key=lambda s: s["actual_start"])
        streams = room_streams.get(room.pk, []) if room else []
        if not items and not streams:
            continue
        current, following = now_and_next(items, now)
        for item in items:
            item["streams"] = present(item["streams"], access)
        out.append(
            {
                "room": _room_ref(room),
                "now": current,
                "next": following,
                "sessions": items[:SESSIONS_PER_ROOM],
                "streams": present([stream_dict(s) for s in streams], access),
            }
        )
    recent = SessionUpdate.objects.filter(event=event, created_at__gte=now - RECENT).select_related(
        "session", "event"
    )
    return {
        "type": "snapshot",
        "sequence": sequence,
        "server_time": now,
        "event": event.slug,
        "timezone": event.timezone,
        "rooms": out,
        "announcements": [
            update_dict(u)
            for u in recent.filter(kind=UpdateKind.ANNOUNCEMENT).order_by("-sequence")[:3]
        ],
        "changes": [
            update_dict(u) for u in recent.filter(kind__in=CHANGE_KINDS).order_by("-sequence")[:10]
        ],
    }


def _chairs_prefetch():
    from django.db.models import Prefetch

    return Prefetch(
        "roles",
        queryset=SessionRole.objects.select_related("person").order_by("order", "pk"),
    )


def update_message(update: SessionUpdate) -> dict:
    """One log entry as the live channel sends it, links included (the consumer and the
    fallbacks shape the streams per viewer with `present`)."""
    session = None
    if update.session_id:
        session = (
            Session.objects.select_related("event", "room", "track")
            .prefetch_related(_chairs_prefetch())
            .get(pk=update.session_id)
        )
    message = {
        "type": "update",
        "sequence": update.sequence,
        "update": update_dict(update),
        "session": session_dict(session, list(session.streams.all())) if session else None,
        "streams": None,
    }
    if update.kind == STREAM_KIND:
        if session is not None:
            message["streams"] = message["session"]["streams"] or []
        elif update.changes.get("room_id"):
            message["streams"] = [
                stream_dict(s)
                for s in Stream.objects.filter(room_id=update.changes["room_id"]["after"])
            ]
    return message


def for_viewer(message: dict, access: Access) -> dict:
    """A shared update message, with only the links this viewer may see."""
    shaped = dict(message)
    if message.get("session"):
        shaped["session"] = {
            **message["session"],
            "streams": present(message["session"]["streams"], access),
        }
    shaped["streams"] = present(message.get("streams"), access)
    return shaped


def latest_sequence(event: Event) -> int:
    """The number of the event's latest logged update (0 before any)."""
    found = Programme.objects.filter(event=event).values_list("last_sequence", flat=True).first()
    return found or 0


def updates_since(event: Event, since: int, limit: int) -> list[SessionUpdate]:
    return list(
        SessionUpdate.objects.filter(event=event, sequence__gt=since)
        .select_related("session", "event")
        .order_by("sequence")[:limit]
    )
