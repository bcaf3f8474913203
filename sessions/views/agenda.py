"""The programme's public pages: the agenda (grid or list, by day, in the event's or the
viewer's zone), a session, and the personal agenda with its bookmarks."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from confman.core.exceptions import DomainError, NotFound
from confman.core.redirects import next_or
from events.models import Event
from events.permissions import Action, has_event_permission
from events.timezones import local_today
from sessions import feeds, selectors
from sessions.forms import AgendaFilterForm
from sessions.grid import build_day, flag_overlaps
from sessions.materials import may_edit_materials, session_materials
from sessions.models import Bookmark, Session, SessionStatus
from sessions.permissions import may_use_console
from sessions.services.bookmarks import bookmark_add, bookmark_remove
from sessions.views.agenda_items import AgendaItems


def _nav(request: HttpRequest, event: Event) -> dict:
    """What the programme's sub-navigation offers this user."""
    return {
        "is_chair": may_use_console(request.user, event),
        "can_manage": has_event_permission(request.user, event, Action.MANAGE_AGENDA),
    }


# An "all days" view with more sessions than this shows its first (or current) day, the others
# as sections read when opened (bench/agenda.py: the whole of a 600-session event is 3x a day).
ALL_AT_ONCE = 60


@dataclass
class DaySection:
    """A day of the "all days" view: its sessions written out (`items`), or read when opened."""

    day: date | None
    count: int
    items: str = ""
    query: str = ""

    @property
    def lazy(self) -> bool:
        return self.count > 0 and not self.items


def _default_day(event: Event, days: list[date]) -> date:
    """Today during the event, else its first day."""
    today = local_today(event.timezone)
    return today if today in days else days[0]


def _chosen_day(request: HttpRequest, event: Event, days: list[date]) -> date | None:
    """?day=YYYY-MM-DD (one of the event's days, or another with a session on it, as "all
    days" links to), or "all"; by default today during the event, else its first day."""
    value = request.GET.get("day", "")
    if value == "all":
        return None
    try:
        chosen = date.fromisoformat(value)
    except ValueError:
        return _default_day(event, days)
    if chosen in days or chosen in selectors.agenda_day_counts(request.user, event):
        return chosen
    return _default_day(event, days)


def _bookmarked(request: HttpRequest, event: Event) -> set[int]:
    if not request.user.is_authenticated:
        return set()
    return set(
        Bookmark.objects.filter(user=request.user, session__event=event).values_list(
            "session_id", flat=True
        )
    )


def _filters(
    request: HttpRequest, event: Event
) -> tuple[AgendaFilterForm, selectors.SessionFilter]:
    form = AgendaFilterForm(request.GET or None, event=event)
    if not form.is_bound:
        return form, selectors.SessionFilter()
    form.is_valid()  # the valid filters apply even when another one is not
    data = form.cleaned_data
    return form, selectors.SessionFilter(
        q=data.get("q", "").strip(),
        track=data["track"].pk if data.get("track") else None,
        room=data["room"].pk if data.get("room") else None,
        kind=data.get("kind", ""),
        attendance=data.get("attendance", ""),
    )


def _is_filtered(filters: selectors.SessionFilter) -> bool:
    return any([filters.q, filters.track, filters.room, filters.kind, filters.attendance])


def _filter_query(request: HttpRequest) -> str:
    """The filters of the address, without its day (and without asking for a fragment)."""
    query = request.GET.copy()
    for key in ("day", "fragment"):
        query.pop(key, None)
    return query.urlencode()


def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.programme_event_get(slug, request.user)
    form, filters = _filters(request, event)
    if request.GET.get("fragment"):
        return _day_fragment(request, event, filters)
    days = event.days
    day = _chosen_day(request, event, days)
    bookmarked = _bookmarked(request, event)
    filter_query = _filter_query(request)
    context = {"grid": None, "sections": None, "first_start": None}
    if day is not None:
        filters.day = day
        sessions, people = selectors.agenda_sessions(request.user, event, filters)
        grid = build_day(event, day, sessions, bookmarked=bookmarked)
        items = AgendaItems(event, people, bookmarked=bookmarked)
        context.update(
            grid=grid,
            grid_items=items.grid_items(grid.items),
            count=len(sessions),
            first_start=sessions[0].start if sessions else None,
        )
    else:
        context.update(_all_days(request, event, filters, bookmarked, filter_query))
    programme = selectors.programme_of(event)
    exports = None
    if programme.is_published:
        exports = feeds.programme_links(
            event, track=filters.track, room=filters.room, kind=filters.kind
        )
    return render(
        request,
        "sessions/agenda.html",
        {
            "event": event,
            "form": form,
            "days": days,
            "day": day,
            **context,
            "filtered": _is_filtered(filters),
            "filter_query": filter_query,
            "programme": programme,
            "exports": exports,
            **_nav(request, event),
        },
    )


def _all_days(
    request: HttpRequest,
    event: Event,
    filters: selectors.SessionFilter,
    bookmarked: set[int],
    filter_query: str,
) -> dict:
    """Every day as a section: all written out while the sessions are few; else the first (or
    current) day, the others read when opened (agenda.js; without it, a link to the day)."""
    counts = selectors.agenda_day_counts(request.user, event, filters)
    days = sorted(set(event.days) | {day for day in counts if day is not None})
    total = sum(counts.values())
    if total <= ALL_AT_ONCE:
        shown = set(days)
    else:
        filters.day = _default_day(event, event.days)
        shown = {filters.day}
    sessions, people = selectors.agenda_sessions(
        request.user, event, filters, unplaced=None in counts
    )
    items = AgendaItems(event, people, bookmarked=bookmarked, heading="h4")
    by_day: dict[date | None, list[Session]] = {}
    tz = event.tzinfo
    for session in sessions:
        key = session.start.astimezone(tz).date() if session.start else None
        by_day.setdefault(key, []).append(session)
    suffix = f"&{filter_query}" if filter_query else ""
    sections = [
        DaySection(
            day,
            counts.get(day, 0),
            items.list_items(by_day.get(day, [])) if day in shown else "",
            f"day={day.isoformat()}{suffix}",
        )
        for day in days
    ]
    if None in counts:
        sections.append(DaySection(None, counts[None], items.list_items(by_day.get(None, []))))
    first = next((s for s in sessions if s.start is not None), None)
    return {
        "sections": sections,
        "count": total,
        "first_start": first.start if first else None,
    }


def _day_fragment(
    request: HttpRequest, event: Event, filters: selectors.SessionFilter
) -> HttpResponse:
    """One day's sessions alone (?day=YYYY-MM-DD&fragment=1 with the page's filters), for a
    section of the "all days" view opened in the browser (agenda.js)."""
    value = request.GET.get("day", "")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DomainError(
            _("Give the day as YYYY-MM-DD, e.g. day=%(day)s.") % {"day": event.start_date},
            code="invalid_day",
        ) from None
    counts = selectors.agenda_day_counts(request.user, event, selectors.SessionFilter())
    if day not in event.days and day not in counts:
        raise NotFound(
            _("The programme has no day %(day)s.") % {"day": day.isoformat()}, code="no_such_day"
        )
    filters.day = day
    sessions, people = selectors.agenda_sessions(request.user, event, filters)
    items = AgendaItems(event, people, bookmarked=_bookmarked(request, event), heading="h4")
    return render(
        request,
        "sessions/_agenda_day.html",
        {"items": items.list_items(sessions), "filtered": _is_filtered(filters)},
    )


def session_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = selectors.programme_event_get(slug, request.user)
    session = selectors.session_get(request.user, event, pk)
    programme = selectors.programme_of(event)
    exports = None
    if programme.is_published and session.status != SessionStatus.DRAFT:
        exports = feeds.session_links(event, session.pk)
    return render(
        request,
        "sessions/session_detail.html",
        {
            "event": event,
            "session": session,
            "materials": list(session_materials(session)),
            "can_edit_materials": may_edit_materials(request.user, event, session),
            "bookmarked": pk in _bookmarked(request, event),
            "programme": programme,
            "exports": exports,
            "people_groups": [
                (_("Chairs and moderators"), session.chairs),
                (_("Speakers and panellists"), session.speakers),
                (_("Rapporteurs"), session.rapporteurs),
            ],
        },
    )


@require_POST
def bookmark(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add a session to the personal agenda, or remove it (action=remove)."""
    event = selectors.programme_event_get(slug, request.user)
    session = selectors.session_get(request.user, event, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(session.get_absolute_url())
    if request.POST.get("action") == "remove":
        bookmark_remove(user=request.user, session=session)
        messages.success(request, _("“%(title)s” is off your agenda.") % {"title": session.title})
    else:
        bookmark_add(user=request.user, session=session)
        messages.success(request, _("“%(title)s” is on your agenda.") % {"title": session.title})
    return HttpResponseRedirect(next_or(request, session.get_absolute_url()))


@login_required
def my_agenda(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.programme_event_get(slug, request.user)
    sessions = list(
        selectors.with_details(
            selectors.visible_sessions(request.user, event).filter(bookmarks__user=request.user)
        ).order_by("start", "pk")
    )
    clashing = flag_overlaps(sessions)
    tz = event.tzinfo
    days: dict[date, list[Session]] = {}
    for session in sessions:
        key = session.start.astimezone(tz).date() if session.start else None
        days.setdefault(key, []).append(session)
    feed = None
    if selectors.programme_of(event).is_published:
        feed = feeds.personal_links(feeds.feed_token_get_or_create(user=request.user, event=event))
    return render(
        request,
        "sessions/my_agenda.html",
        {
            "event": event,
            "feed": feed,
            "days": sorted(days.items(), key=lambda pair: (pair[0] is None, pair[0] or date.min)),
            "clashing": clashing,
            "count": len(sessions),
            **_nav(request, event),
        },
    )
