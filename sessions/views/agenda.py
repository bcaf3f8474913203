"""The programme's public pages: the agenda (grid or list, by day, in the event's or the
viewer's zone), a session, and the personal agenda with its bookmarks."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from confman.core.redirects import next_or
from events.models import Event
from events.permissions import Action, has_event_permission
from events.timezones import local_today
from sessions import feeds, selectors
from sessions.forms import AgendaFilterForm
from sessions.grid import build_day, flag_overlaps
from sessions.models import Bookmark, Session, SessionStatus
from sessions.permissions import chaired_sessions
from sessions.services.bookmarks import bookmark_add, bookmark_remove


def _nav(request: HttpRequest, event: Event) -> dict:
    """What the programme's sub-navigation offers this user."""
    return {
        "is_chair": chaired_sessions(request.user, event).exists(),
        "can_manage": has_event_permission(request.user, event, Action.MANAGE_AGENDA),
    }


def _chosen_day(request: HttpRequest, event: Event, days: list[date]) -> date | None:
    """?day=YYYY-MM-DD, or "all"; by default today during the event, else its first day."""
    value = request.GET.get("day", "")
    if value == "all":
        return None
    try:
        chosen = date.fromisoformat(value)
    except ValueError:
        chosen = None
    if chosen in days:
        return chosen
    today = local_today(event.timezone)
    return today if today in days else days[0]


def _bookmarked(request: HttpRequest, event: Event) -> set[int]:
    if not request.user.is_authenticated:
        return set()
    return set(
        Bookmark.objects.filter(user=request.user, session__event=event).values_list(
            "session_id", flat=True
        )
    )


def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.programme_event_get(slug, request.user)
    form = AgendaFilterForm(request.GET or None, event=event)
    filters = selectors.SessionFilter()
    if form.is_bound:
        form.is_valid()  # the valid filters apply even when another one is not
        data = form.cleaned_data
        filters = selectors.SessionFilter(
            q=data.get("q", "").strip(),
            track=data["track"].pk if data.get("track") else None,
            room=data["room"].pk if data.get("room") else None,
            kind=data.get("kind", ""),
            attendance=data.get("attendance", ""),
        )
    days = event.days
    day = _chosen_day(request, event, days)
    filters.day = day
    # The agenda names people without their organisations.
    sessions = list(selectors.sessions_for(request.user, event, filters, organisations=False))
    bookmarked = _bookmarked(request, event)
    grid = build_day(event, day, sessions, bookmarked=bookmarked) if day else None
    query = request.GET.copy()
    query.pop("day", None)
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
            "grid": grid,
            "sessions": sessions,
            "bookmarked": bookmarked,
            "filtered": any(
                [filters.q, filters.track, filters.room, filters.kind, filters.attendance]
            ),
            "filter_query": query.urlencode(),
            "programme": programme,
            "exports": exports,
            **_nav(request, event),
        },
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
