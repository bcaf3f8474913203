"""The organiser's agenda builder: the days as a grid of rooms x time, the sessions without a
time, every unresolved conflict, publishing; and a page per session to edit it and its people
(what can be done to a session from there is in session_actions), with the page that asks
before a session is cancelled. Every change goes through
sessions.services; the builder's drag and drop and keyboard moves use
the same services through the API (sessions/static/sessions/builder.js)."""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from confman.core.exceptions import InvalidInput, NotFound
from events.models import AttendanceMode, Event
from events.permissions import Action
from events.selectors import event_get
from events.timezones import local_today
from sessions import selectors
from sessions.conflicts import Placement, conflicts_by_session, conflicts_for, event_conflicts
from sessions.forms import AssignForm, PersonForm, SessionForm
from sessions.grid import build_day
from sessions.models import Person, Session, SessionRole, SessionStatus
from sessions.services.programme import ScheduleConflictError, programme_publish
from sessions.services.sessions import (
    session_create,
    session_update,
)

PEOPLE_RESULTS = 20
# The builder's grid covers at least these hours, so there is always somewhere to drop.
BUILDER_HOURS = (time(8), time(18))


def builder_url(event: Event, day: date | None = None) -> str:
    url = reverse("agenda:builder", kwargs={"slug": event.slug})
    return f"{url}?day={day.isoformat()}" if day else url


@login_required
def builder(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    days = event.days
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    if day not in days:
        today = local_today(event.timezone)
        day = today if today in days else days[0]
    all_sessions = list(
        Session.objects.filter(event=event)
        .select_related("room", "track")
        .prefetch_related(selectors.roles_prefetch())
        .order_by("start", "pk")
    )
    conflicts = event_conflicts(event)
    by_session = conflicts_by_session(conflicts)
    start, end = selectors.day_bounds(event, day)
    of_day = [s for s in all_sessions if s.start is not None and start <= s.start < end]
    rooms = list(event.rooms.all())
    grid = build_day(event, day, of_day, rooms=rooms, conflicts=by_session, span=BUILDER_HOURS)
    outside = [
        s
        for s in all_sessions
        if s.start is not None and s.start.astimezone(event.tzinfo).date() not in days
    ]
    programme = selectors.programme_of(event)
    counts = {
        status: sum(1 for s in all_sessions if s.status == status)
        for status in SessionStatus.values
    }
    return render(
        request,
        "sessions/builder.html",
        {
            "event": event,
            "days": days,
            "day": day,
            "grid": grid,
            "rooms": rooms,
            "unplaced": [s for s in all_sessions if s.start is None],
            "outside": outside,
            "unresolved": [c for c in conflicts if not c.accepted],
            "accepted": [c for c in conflicts if c.accepted],
            "programme": programme,
            "counts": counts,
            "publishable": sum(
                1 for s in all_sessions if s.status == SessionStatus.DRAFT and s.start is not None
            ),
            "total": len(all_sessions),
        },
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    count = programme_publish(event=event, by=request.user)
    messages.success(
        request,
        ngettext(
            "The programme is public, with %(count)s newly published session.",
            "The programme is public, with %(count)s newly published sessions.",
            count,
        )
        % {"count": count},
    )
    return HttpResponseRedirect(builder_url(event))


def session_of(event: Event, pk: int) -> Session:
    session = (
        Session.objects.filter(event=event, pk=pk)
        .select_related("room", "track", "event")
        .prefetch_related(selectors.roles_prefetch())
        .first()
    )
    if session is None:
        raise NotFound(_("The programme has no session %(id)s.") % {"id": pk})
    return session


def _render_edit(request, event, session, form, *, conflicts=None, status=200, people=None):
    if session is not None and session.pk and conflicts is None:
        conflicts = [c for c in conflicts_for(session, Placement.of(session)) if not c.accepted]
    return render(
        request,
        "sessions/session_edit.html",
        {
            "event": event,
            "session": session,
            "form": form,
            "conflicts": conflicts or [],
            "can_override": bool(conflicts) and all(c.overridable for c in conflicts),
            "people": people,
            "q": request.GET.get("q", "").strip(),
            "assign_form": AssignForm(),
            "person_form": PersonForm(event=event),
            "role_choices": SessionRole.Kind.choices,
        },
        status=status,
    )


@login_required
def session_new(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    initial = {"attendance": AttendanceMode.HYBRID}
    if request.GET.get("day"):
        initial["day"] = request.GET["day"]
    try:
        start = time.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = None
    if start is not None:
        # An hour by default, the usual length of a session.
        end = (datetime.combine(date.min, start) + timedelta(hours=1)).time()
        initial |= {"start_time": start.strftime("%H:%M"), "end_time": end.strftime("%H:%M")}
    if request.GET.get("room"):
        initial["room"] = request.GET["room"]
    form = SessionForm(request.POST or None, event=event, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_create(
                event=event,
                by=request.user,
                override=form.cleaned_data["override"],
                **form.service_fields(),
            )
        except ScheduleConflictError as exc:
            return _render_edit(request, event, None, form, conflicts=exc.conflicts, status=409)
        except InvalidInput as exc:
            _form_errors(form, exc)
            return _render_edit(request, event, None, form, status=422)
        messages.success(request, _("“%(title)s” is added as a draft.") % {"title": session.title})
        return HttpResponseRedirect(
            reverse("agenda:session-edit", kwargs={"slug": slug, "pk": session.pk})
        )
    return _render_edit(request, event, None, form, status=422 if form.is_bound else 200)


def _form_errors(form, exc: InvalidInput) -> None:
    for error in exc.errors:
        field = {"start": "start_time", "end": "end_time"}.get(error["field"], error["field"])
        form.add_error(field if field in form.fields else None, error["message"])


@login_required
def session_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    session = session_of(event, pk)
    people = None
    q = request.GET.get("q", "").strip()[:200]
    if q:
        people = list(
            Person.objects.filter(event=event)
            .filter(
                Q(name__icontains=q)
                | Q(organization__name__icontains=q)
                | Q(organization__acronym__iexact=q)
            )
            .select_related("organization")
            .annotate(session_count=Count("roles__session", distinct=True))
            .order_by("name")[:PEOPLE_RESULTS]
        )
    if request.method != "POST":
        form = SessionForm(event=event, session=session, initial=SessionForm.initial_for(session))
        return _render_edit(request, event, session, form, people=people)
    form = SessionForm(request.POST, event=event, session=session)
    if not form.is_valid():
        return _render_edit(request, event, session, form, status=422)
    try:
        session = session_update(
            session=session,
            by=request.user,
            override=form.cleaned_data["override"],
            **form.service_fields(),
        )
    except ScheduleConflictError as exc:
        return _render_edit(request, event, session, form, conflicts=exc.conflicts, status=409)
    except InvalidInput as exc:
        _form_errors(form, exc)
        return _render_edit(request, event, session, form, status=422)
    messages.success(request, _("“%(title)s” is saved.") % {"title": session.title})
    return HttpResponseRedirect(
        reverse("agenda:session-edit", kwargs={"slug": slug, "pk": session.pk})
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def session_cancel_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Before a session is cancelled: what will happen (who is mailed, calendars, the live
    page), the reason to give, and the one button that cancels (a POST to session-cancel)."""
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    session = session_of(event, pk)
    if session.status == SessionStatus.DRAFT:
        messages.info(
            request,
            _("“%(title)s” is a draft, never public: delete it instead of cancelling it.")
            % {"title": session.title},
        )
        return HttpResponseRedirect(reverse("agenda:session-edit", kwargs={"slug": slug, "pk": pk}))
    return render(
        request,
        "sessions/session_cancel.html",
        {
            "event": event,
            "session": session,
            "public": selectors.programme_of(event).is_published,
            "told": selectors.followers_count([session]),
        },
    )
