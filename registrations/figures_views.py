"""The check-in figures page for the event's team: big numbers, and charts drawn as HTML (a
data table per chart with its bars in a cell, and a column chart of the hours with a table
beside it), so they need no chart library, print, zoom and read aloud. static/js/figures.js
polls the figures' JSON (registrations/figures_api.py) and refreshes the same rows in place;
without JavaScript the page refreshes itself every 30 seconds and has a Refresh link.

The rows' texts are built here and, from the JSON, again in figures.js with the same strings
(FIGURE_STRINGS), so the page reads the same before and after an update."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy

from events import selectors as event_selectors
from events.permissions import Action
from events.timezones import offset_label
from registrations.checkin.statistics import CheckInFigures, checkin_figures

POLL_SECONDS = 5
ANNOUNCE_SECONDS = 30

# What static/js/figures.js writes, translated here; {name} are filled in by both.
FIGURE_STRINGS = {
    "percent": gettext_lazy("{percent}%"),
    "share": gettext_lazy("{n} ({percent}%)"),
    "ofExpected": gettext_lazy("of {total} expected"),
    "noDoor": gettext_lazy("attend online, no door check-in"),
    "noLimit": gettext_lazy("no limit"),
    "full": gettext_lazy("Full"),
    "updated": gettext_lazy("Updated at {time}."),
    "stale": gettext_lazy(
        "The figures could not be updated (is the connection down?); trying again. "
        "These are from {time}."
    ),
    "announce": gettext_lazy("{n} of {total} expected have checked in."),
}


def _percent(n: int, total: int) -> int:
    return n * 100 // total if total else 0


def _text(name: str, **values) -> str:
    return str(FIGURE_STRINGS[name]).format(**values)


def chart_rows(figures: CheckInFigures) -> dict[str, list[dict]]:
    """Each chart's rows: a key, the cells' texts and the bar's length in percent (None: no
    bar). static/js/figures.js builds the same rows from the JSON."""
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
        for ticket in figures.by_ticket
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
        for mode in figures.by_mode
    ]
    entrance_rows = [
        {
            "key": entrance.gate,
            "label": entrance.label,
            "people": _text(
                "share", n=entrance.people, percent=_percent(entrance.people, figures.checked_in)
            ),
            "bar": min(100, _percent(entrance.people, figures.checked_in)),
        }
        for entrance in figures.by_entrance
    ]
    busiest = max((hour.entries for hour in figures.by_hour), default=0)
    hour_rows = []
    for index, hour in enumerate(figures.by_hour):
        first_of_day = index == 0 or figures.by_hour[index - 1].day != hour.day
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
        for duplicate in figures.duplicates
    ]
    refusal_rows = [
        {"key": refusal.reason, "label": refusal.label, "scans": str(refusal.scans), "bar": None}
        for refusal in figures.refusals
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
        for door in figures.sessions
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
def figures(request: HttpRequest, slug: str) -> HttpResponse:
    """For the event's team: owners, organisers and check-in staff (who see the registrations
    anyway, and need to know how many people are inside)."""
    event = event_selectors.event_get(
        slug, request.user, Action.VIEW_REGISTRATIONS, organizations=False
    )
    current = checkin_figures(event)
    now = timezone.now().astimezone(event.tzinfo)
    return render(
        request,
        "registrations/figures.html",
        {
            "event": event,
            "figures": current,
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
            "figure_strings": FIGURE_STRINGS,
        },
    )
