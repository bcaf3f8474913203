"""The programme's exports over HTTP: iCalendar feeds (the event, one session, someone's own
agenda) and the Frab schedule as XML and JSON.

Each export is identified by a key made of everything it is built from (the export state of
selectors.export_state: the programme's last update number and a fingerprint of the event, its
venue, rooms and tracks; the filters; the language; for a personal feed, its sessions). The key
names the cache entry and makes the ETag, so any change gives a new key: a cached export is
never stale, and old entries simply expire. A matching If-None-Match is answered 304 before
anything is built or read from the cache."""

import gzip
import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import icalendar
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from confman.core.conditional import accepts_gzip
from confman.core.content import content_localized
from confman.core.exceptions import DomainError, NotFound
from events.models import Event
from events.permissions import Action, require_event_permission
from events.selectors import event_get
from sessions import feeds, frab, ical, selectors
from sessions.models import SessionKind

CACHE_SECONDS = 60 * 60
MAX_AGE_SECONDS = 60
MAX_ID = 2**63 - 1  # the largest id a database can hold
ICS = "text/calendar; charset=utf-8"
XML = "application/xml; charset=utf-8"
JSON = "application/json"


# --- HTTP -----------------------------------------------------------------------------------


@dataclass
class Export:
    key: tuple
    build: Callable[[], bytes]
    content_type: str
    filename: str
    private: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def _matches(if_none_match: str, digest: str) -> bool:
    tags = [tag.removeprefix("W/") for tag in parse_etags(if_none_match)]
    return "*" in tags or f'"{digest}"' in tags or f'"{digest}-gz"' in tags


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code that writes the exports and of the icalendar library's version:
    after a deploy that changes what an export looks like, nothing built before is served from
    the cache or confirmed by a 304."""
    sources = b"".join(
        Path(module.__file__).read_bytes() for module in (ical, frab, sys.modules[__name__])
    )
    return hashlib.sha256(sources + icalendar.__version__.encode()).hexdigest()[:16]


def serve(request: HttpRequest, export: Export) -> HttpResponse:
    """Answer with the export: 304 when the client has it, else from the cache, else built now
    (and cached). The gzipped form is built once with it and sent to clients that accept it."""
    digest = hashlib.sha256(
        repr((code_version(), translation.get_language(), *export.key)).encode()
    ).hexdigest()[:32]
    compressed = accepts_gzip(request)
    headers = {
        "ETag": f'"{digest}-gz"' if compressed else f'"{digest}"',
        "Cache-Control": f"{'private' if export.private else 'public'}, max-age={MAX_AGE_SECONDS}",
        "Vary": "Accept-Encoding",
        **export.headers,
    }
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and _matches(if_none_match, digest):
        return _not_modified(headers)
    key = f"agenda-export:{digest}"
    entry = cache.get(key)
    if entry is None:
        body = export.build()
        entry = {"body": body, "gzip": gzip.compress(body, 6, mtime=0), "built": int(time.time())}
        cache.set(key, entry, CACHE_SECONDS)
    headers["Last-Modified"] = http_date(entry["built"])
    if if_none_match is None:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and entry["built"] <= since:
            return _not_modified(headers)
    response = HttpResponse(entry["gzip"] if compressed else entry["body"], export.content_type)
    if compressed:
        headers["Content-Encoding"] = "gzip"
    disposition = "attachment" if export.content_type == ICS else "inline"
    headers["Content-Disposition"] = f'{disposition}; filename="{export.filename}"'
    return _with(response, headers)


def _not_modified(headers: dict[str, str]) -> HttpResponse:
    response = _with(HttpResponse(status=304), headers)
    del response["Content-Type"]
    return response


def _with(response: HttpResponse, headers: dict[str, str]) -> HttpResponse:
    for name, value in headers.items():
        response[name] = value
    return response


def _public(event: Event) -> dict[str, str]:
    # Schedule viewers in other sites' pages may read public exports (as pretalx allows).
    return {"Access-Control-Allow-Origin": "*"} if event.is_public else {}


# --- filters --------------------------------------------------------------------------------


@dataclass
class Chosen:
    """The filters of an event feed, checked against the event."""

    filters: selectors.SessionFilter = field(default_factory=selectors.SessionFilter)
    labels: list[str] = field(default_factory=list)
    key: tuple = ()

    @property
    def any(self) -> bool:
        return bool(self.labels)


def _bad_filter(message: str) -> DomainError:
    return DomainError(message, code="unknown_filter", status=400)


def _number(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_ID:
        raise _bad_filter(
            _("?%(name)s= takes a number (an id), not “%(value)s”.")
            % {"name": name, "value": value[:50]}
        )
    return number


def _choices(names: dict[int, str]) -> str:
    return ", ".join(f"{pk} ({name})" for pk, name in sorted(names.items())) or _("none")


def feed_filters(request: HttpRequest, event: Event, state: selectors.ExportState) -> Chosen:
    """?track=, ?room= (ids), ?kind= (a kind's code) and ?person= (an id). An empty value means
    no filter; a value the event does not know is a 400 naming the valid ones, never the whole
    programme: a subscription to one track must not silently become everything."""
    chosen = Chosen()
    if value := request.GET.get("track", "").strip():
        track = _number("track", value)
        if track not in state.track_names:
            raise _bad_filter(
                _("“%(title)s” has no track %(value)s. Its tracks are: %(choices)s.")
                % {"title": event.title, "value": value, "choices": _choices(state.track_names)}
            )
        chosen.filters.track = track
        chosen.labels.append(state.track_names[track])
    if value := request.GET.get("room", "").strip():
        room = _number("room", value)
        if room not in state.room_names:
            raise _bad_filter(
                _("“%(title)s” has no room %(value)s. Its rooms are: %(choices)s.")
                % {"title": event.title, "value": value, "choices": _choices(state.room_names)}
            )
        chosen.filters.room = room
        chosen.labels.append(state.room_names[room])
    if value := request.GET.get("kind", "").strip():
        if value not in SessionKind.values:
            raise _bad_filter(
                _("?kind= takes one of: %(kinds)s.") % {"kinds": ", ".join(SessionKind.values)}
            )
        chosen.filters.kind = value
        chosen.labels.append(str(SessionKind(value).label))
    if value := request.GET.get("person", "").strip():
        person = selectors.person_on_programme(event, _number("person", value))
        if person is None:
            raise _bad_filter(
                _(
                    "No person %(value)s is on the public programme of “%(title)s”; people and "
                    "their ids are listed at /api/events/%(slug)s/people."
                )
                % {"value": value, "title": event.title, "slug": event.slug}
            )
        chosen.filters.person = person.pk
        chosen.labels.append(person.display_name)
    f = chosen.filters
    chosen.key = (f.track, f.room, f.kind, f.person)
    return chosen


# --- views ----------------------------------------------------------------------------------


@require_safe
def event_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The public programme as a calendar feed, optionally one track, room, kind or person."""
    event = event_get(slug, request.user)
    state = selectors.export_state(event)
    chosen = feed_filters(request, event, state)
    refresh = ical.refresh_interval(event)
    name = event.title
    if chosen.any:
        name = _("%(event)s: %(filters)s") % {
            "event": event.title,
            "filters": ", ".join(chosen.labels),
        }

    def build() -> bytes:
        sessions = selectors.export_sessions(event, chosen.filters)
        ids = [s.pk for s in sessions] if chosen.any else None
        return ical.build_calendar(
            event,
            sessions,
            name=name,
            revisions=selectors.session_revisions(event, ids),
            refresh=refresh,
        )

    return serve(
        request,
        Export(
            key=("event.ics", event.pk, state.fingerprint, chosen.key, refresh),
            build=build,
            content_type=ICS,
            filename=f"{event.slug}.ics",
            private=not event.is_public,
            headers=_public(event),
        ),
    )


@require_safe
def session_calendar(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One public session (a cancelled one too, marked), to add to a calendar."""
    event = event_get(slug, request.user)
    state = selectors.export_state(event)

    def build() -> bytes:
        session = next(iter(selectors.export_sessions(event, ids=[pk])), None)
        if session is None:
            raise NotFound(
                _("The programme of “%(slug)s” has no session %(id)s.")
                % {"slug": event.slug, "id": pk}
            )
        return ical.build_calendar(
            event,
            [session],
            name=session.title,
            revisions=selectors.session_revisions(event, [session.pk]),
        )

    return serve(
        request,
        Export(
            key=("session.ics", event.pk, pk, state.fingerprint),
            build=build,
            content_type=ICS,
            filename=f"{event.slug}-session-{pk}.ics",
            private=not event.is_public,
            headers=_public(event),
        ),
    )


@require_safe
def personal_calendar(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Someone's bookmarked sessions, read by their calendar app with the secret address (no
    sign-in: calendar apps cannot)."""
    feed = feeds.feed_token_resolve(slug, token)
    event, user = feed.event, feed.user
    require_event_permission(user, event, Action.VIEW)  # a 404 once the event is not theirs
    state = selectors.export_state(event)
    mine = selectors.bookmarked_ids(user, event)
    extra = ical.personal_lines(user, event, mine)
    refresh = ical.refresh_interval(event)
    name = _("My agenda: %(event)s") % {"event": event.title}

    def build() -> bytes:
        sessions = selectors.export_sessions(event, ids=mine)
        return ical.build_calendar(
            event,
            sessions,
            name=name,
            revisions=selectors.session_revisions(event, mine),
            extra=extra,
            refresh=refresh,
        )

    return serve(
        request,
        Export(
            key=(
                "mine.ics",
                event.pk,
                feed.pk,
                state.fingerprint,
                tuple(mine),
                repr(extra),
                refresh,
            ),
            build=build,
            content_type=ICS,
            filename=f"{event.slug}-my-agenda.ics",
            private=True,
            headers={"X-Robots-Tag": "noindex"},
        ),
    )


@require_POST
@login_required
def personal_calendar_renew(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user)
    feeds.feed_token_renew(user=request.user, event=event)
    messages.success(
        request,
        _(
            "Your calendar has a new address, below. The old one no longer works: calendars "
            "subscribed to it stop updating, so subscribe again with the new one."
        ),
    )
    return HttpResponseRedirect(reverse("agenda:my-agenda", kwargs={"slug": slug}) + "#calendar")


def _schedule(event: Event, state: selectors.ExportState) -> frab.Schedule:
    rooms, tracks = selectors.rooms_and_tracks(event)
    return frab.Schedule(
        event,
        selectors.export_sessions(event),
        rooms,
        tracks,
        version=state.programme.last_sequence,
    )


def _schedule_export(request: HttpRequest, slug: str, name: str, render, content_type: str):
    """In the event's first language, whoever asks: schedule apps show one programme."""
    event = event_get(slug, request.user)
    state = selectors.export_state(event)
    language = (event.languages or [settings.LANGUAGE_CODE])[0]
    with translation.override(language):  # one cache entry, whatever the reader's language
        return serve(
            request,
            Export(
                key=(name, event.pk, state.fingerprint),
                build=lambda: render(_schedule(content_localized(event, language), state)),
                content_type=content_type,
                filename=f"{event.slug}-{name}",
                private=not event.is_public,
                headers=_public(event),
            ),
        )


@require_safe
def schedule_xml(request: HttpRequest, slug: str) -> HttpResponse:
    """The Frab schedule (c3voc schema.xsd), for schedule apps."""
    return _schedule_export(request, slug, "schedule.xml", frab.schedule_xml, XML)


@require_safe
def schedule_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The Frab schedule as JSON (c3voc schema.json)."""
    return _schedule_export(request, slug, "schedule.json", frab.schedule_json, JSON)
