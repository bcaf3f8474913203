"""The check-in pages.

The desk: scan with the camera (the desk's JavaScript and the vendored qr-scanner), type a code,
or find someone by name, email or organisation; one big answer. Without JavaScript the typed
code and the search still work (plain forms).

The check-in statistics, for the event's team: big numbers, and charts drawn as HTML (a data
table per chart with its bars in a cell, and a column chart of the hours with a table beside
it), so they need no chart library, print, zoom and read aloud. The page's JavaScript polls the
statistics' JSON and refreshes the same rows in place, in the same words (STATISTICS_STRINGS
here, djangojs.po there); without JavaScript the page refreshes itself every 30 seconds."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from confman.core.exceptions import InvalidInput, NotFound
from events.models import Event, Room
from events.permissions import Action
from events.selectors import event_get
from events.timezones import offset_label
from registrations.checkin.scan import checkin_scan, door_refusal, door_session
from registrations.checkin.statistics import CheckInStatistics, checkin_statistics
from registrations.models import SEARCH_FOLDS, Registration, ScanType
from registrations.selectors import registrations_matching
from sessions.models import Session, SessionStatus

SEARCH_RESULTS = 20


def _doors(event: Event, current: Session | None) -> list[Session]:
    """The session doors a desk may stand at: today's sessions in the event's zone (all of them
    on a day without any), and the one chosen."""
    sessions = list(
        Session.objects.public()
        .placed()
        .filter(event=event, room__kind=Room.Kind.PHYSICAL)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("room")
        .order_by("start", "room__name")
    )
    today = timezone.localdate(timezone=event.tzinfo)
    todays = [s for s in sessions if s.start.astimezone(event.tzinfo).date() == today]
    doors = todays or sessions
    if current is not None and current not in doors:
        doors.append(current)
    return doors


@login_required
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.CHECK_IN)
    gate = request.POST.get("gate", request.GET.get("gate", ""))[:100]
    door = request.POST.get("session", request.GET.get("session", ""))
    answer = None
    problem = ""
    session = None
    try:
        session = door_session(event, int(door)) if door.isascii() and door.isdigit() else None
    except NotFound as exc:
        problem = exc.message
    if request.method == "POST" and not problem:
        secret = request.POST.get("secret", "").strip()[:64]
        person = request.POST.get("registration", "")
        if person.isascii() and person.isdigit() and not secret:
            # Someone found by name: the search offers "check in" only to those a door lets in.
            found = Registration.objects.filter(event=event, pk=int(person)).first()
            if found is not None:
                refusal, problem = door_refusal(found)
                secret = (found.badge_secret or "") if refusal is None else ""
                if refusal is None and not secret:
                    problem = _("%(name)s has no badge code: the registration is %(state)s.") % {
                        "name": found.name,
                        "state": found.get_state_display().lower(),
                    }
        if secret:
            try:
                answer = checkin_scan(
                    event=event,
                    secret=secret,
                    device=f"web-{request.user.pk}",
                    gate=gate,
                    type=ScanType.EXIT if request.POST.get("type") == "exit" else ScanType.ENTRY,
                    session=session,
                    by=request.user,
                )
            except InvalidInput as exc:
                problem = exc.message
        elif not problem:
            problem = _("Scan or type a badge code, or find the person below.")
    query = " ".join(request.GET.get("q", "").split())[:200]
    matches = []
    if query:
        matches = list(
            registrations_matching(event, query)
            .select_related("ticket", "organization")
            .order_by("name", "pk")[:SEARCH_RESULTS]
        )
    return render(
        request,
        "registrations/desk.html",
        {
            "event": event,
            "answer": answer,
            "problem": problem,
            "query": query,
            "matches": matches,
            "gate": gate,
            "session": session,
            "doors": _doors(event, session),
            "search_folds": json.dumps(SEARCH_FOLDS, ensure_ascii=False),
        },
        status=200 if not problem or answer else 422,
    )


POLL_SECONDS = 5

ANNOUNCE_SECONDS = 30

# The page's words for its rows and totals ({name} filled in by _text). When
# registrations/static/registrations/checkin_statistics.js refreshes them, it writes the same
# words from its own catalog (djangojs.po).
STATISTICS_STRINGS = {
    "percent": gettext_lazy("{percent}%"),
    "share": gettext_lazy("{n} ({percent}%)"),
    "ofExpected": gettext_lazy("of {total} expected"),
    "noDoor": gettext_lazy("attend online, no door check-in"),
    "noLimit": gettext_lazy("no limit"),
    "full": gettext_lazy("Full"),
    "updated": gettext_lazy("Updated at {time}."),
}


def _percent(n: int, total: int) -> int:
    return n * 100 // total if total else 0


def _text(name: str, **values) -> str:
    return str(STATISTICS_STRINGS[name]).format(**values)


def chart_rows(statistics: CheckInStatistics) -> dict[str, list[dict]]:
    """Each chart's rows: a key, the cells' texts and the bar's length in percent (None: no
    bar). registrations/static/registrations/checkin_statistics.js builds the same rows from the
    JSON."""
    ticket_rows = [
        {
            "key": str(ticket.ticket_id),
            "label": ticket.name,
            "checked_in": str(ticket.checked_in),
            "expected": str(ticket.expected),
            "percent": _text("percent", percent=_percent(ticket.checked_in, ticket.expected)),
            "inside": str(ticket.inside),
            "bar": min(100, _percent(ticket.checked_in, ticket.expected)),
        }
        for ticket in statistics.by_ticket
    ]
    mode_rows = [
        {
            "key": mode.mode,
            "label": mode.label,
            "checked_in": str(mode.checked_in) if mode.door_check_in else "",
            "expected": str(mode.expected),
            "percent": (
                _text("percent", percent=_percent(mode.checked_in, mode.expected))
                if mode.door_check_in
                else _text("noDoor")
            ),
            "bar": (
                min(100, _percent(mode.checked_in, mode.expected)) if mode.door_check_in else None
            ),
        }
        for mode in statistics.by_mode
    ]
    entrance_rows = [
        {
            "key": entrance.gate,
            "label": entrance.label,
            "people": _text(
                "share", n=entrance.people, percent=_percent(entrance.people, statistics.checked_in)
            ),
            "bar": min(100, _percent(entrance.people, statistics.checked_in)),
        }
        for entrance in statistics.by_entrance
    ]
    busiest = max((hour.entries for hour in statistics.by_hour), default=0)
    hour_rows = []
    for index, hour in enumerate(statistics.by_hour):
        first_of_day = index == 0 or statistics.by_hour[index - 1].day != hour.day
        hour_rows.append(
            {
                "key": hour.start.isoformat(),
                "day": hour.day_label,
                "day_mark": hour.day_label if first_of_day else "",
                "label": hour.label,
                "offset": hour.utc_offset,
                "entries": str(hour.entries),
                "bar": _percent(hour.entries, busiest),
            }
        )
    duplicate_rows = [
        {
            "key": str(duplicate.checkin_id),
            "name": duplicate.name,
            "reference": duplicate.reference,
            "device": duplicate.device,
            "gate": duplicate.gate,
            "at": duplicate.at_label,
            "first_device": duplicate.first_device,
            "first_gate": duplicate.first_gate,
            "first_at": duplicate.first_at_label,
            "bar": None,
        }
        for duplicate in statistics.duplicates
    ]
    refusal_rows = [
        {"key": refusal.reason, "label": refusal.label, "scans": str(refusal.scans), "bar": None}
        for refusal in statistics.refusals
    ]
    session_rows = [
        {
            "key": str(door.session_id),
            "title": door.title,
            "room": door.room,
            "start": door.start_label,
            "capacity": _text("noLimit") if door.capacity is None else str(door.capacity),
            "attended": str(door.attended),
            "inside": str(door.inside),
            "full": _text("full") if door.full else "",
            "turned_away": str(door.turned_away),
            "bar": (
                None if door.capacity is None else min(100, _percent(door.inside, door.capacity))
            ),
        }
        for door in statistics.sessions
    ]
    return {
        "by_ticket": ticket_rows,
        "by_mode": mode_rows,
        "by_entrance": entrance_rows,
        "by_hour": hour_rows,
        "duplicates": duplicate_rows,
        "refusals": refusal_rows,
        "sessions": session_rows,
    }


@login_required
def checkin_statistics_page(request: HttpRequest, slug: str) -> HttpResponse:
    """For the event's team: owners, organisers and check-in staff (who see the registrations
    anyway, and need to know how many people are inside)."""
    event = event_get(slug, request.user, Action.VIEW_REGISTRATIONS)
    current = checkin_statistics(event)
    now = timezone.now().astimezone(event.tzinfo)
    return render(
        request,
        "registrations/checkin_statistics.html",
        {
            "event": event,
            "statistics": current,
            "rows": chart_rows(current),
            "of_expected": _text("ofExpected", total=current.expected),
            "checked_in_percent": _text(
                "percent", percent=_percent(current.checked_in, current.expected)
            ),
            "updated": _text(
                "updated", time=f"{dateformat.format(now, 'H:i:s')} ({offset_label(now)})"
            ),
            "api_url": reverse("api:checkin_stats", kwargs={"slug": event.slug}),
            "poll_seconds": POLL_SECONDS,
            "announce_seconds": ANNOUNCE_SECONDS,
        },
    )
