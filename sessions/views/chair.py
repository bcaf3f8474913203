"""The chair console, and one view per tap on it: mark a session live or ended, report a delay
(and push the later sessions in the room), announce, or name the next speaker."""

from collections.abc import Callable
from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from confman.core.exceptions import DomainError, InvalidInput, PermissionDenied
from confman.core.steps import step_run
from events.models import Event
from sessions import selectors
from sessions.forms import AnnouncementForm
from sessions.models import Person, Session, SessionStatus
from sessions.permissions import console_sessions, require_chair, runs_every_session
from sessions.selectors import delay_preview
from sessions.services.chair import (
    ANNOUNCEMENT_MAX,
    announcement_create,
    session_delay,
    session_set_next_speaker,
)
from sessions.services.sessions import session_set_status

DELAY_STEPS = (5, 10, 15, 30)


def console_url(event: Event, pk: int | None = None) -> str:
    """The console, opened at one session (its card unfolded, scrolled to) when `pk` is given."""
    url = reverse("agenda:chair", kwargs={"slug": event.slug})
    return url if pk is None else f"{url}?session={pk}#session-{pk}"


def _console_sessions(request: HttpRequest, event: Event, organiser: bool) -> list[Session]:
    sessions = list(
        selectors.with_details(
            console_sessions(request.user, event).exclude(status=SessionStatus.DRAFT)
        )
    )
    if not sessions and not organiser:
        raise PermissionDenied(
            _(
                "The chair console is for the people who chair, moderate, facilitate or host "
                "sessions of “%(title)s”, once the organisers link their person to their "
                "account, and for its organisers; your account has no such session."
            )
            % {"title": event.title},
            code="not_a_chair",
        )
    return sessions


def _now_and_next(sessions: list[Session], event: Event, now) -> list[Session]:
    """The sessions live now, and in each room the next one not over yet on the day the next
    session starts (a session that should have started but was not marked live counts)."""
    live = [s for s in sessions if s.status == SessionStatus.LIVE]
    coming = [
        s
        for s in sessions
        if s.status == SessionStatus.SCHEDULED and s.is_placed and s.actual_end > now
    ]
    if coming:
        day = min(s.actual_start for s in coming).astimezone(event.tzinfo).date()
        first_per_room: dict[int | None, Session] = {}
        for session in sorted(coming, key=lambda s: (s.actual_start, s.pk)):
            if session.actual_start.astimezone(event.tzinfo).date() == day:
                first_per_room.setdefault(session.room_id, session)
        coming = list(first_per_room.values())
    return sorted(live + coming, key=lambda s: (s.actual_start or now, s.pk))


def _by_day(sessions: list[Session], event: Event) -> list[tuple[date | None, list[Session]]]:
    days: dict[date | None, list[Session]] = {}
    for session in sessions:
        day = session.start.astimezone(event.tzinfo).date() if session.start else None
        days.setdefault(day, []).append(session)
    return sorted(days.items(), key=lambda item: (item[0] is None, item[0] or date.min))


def chair_console(request: HttpRequest, slug: str) -> HttpResponse:
    """The sessions one chairs (every session, to an organiser): those live now and next first,
    then the others day by day."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = selectors.programme_event_get(slug, request.user)
    organiser = runs_every_session(request.user, event)
    sessions = _console_sessions(request, event, organiser)
    ahead = _now_and_next(sessions, event, timezone.now())
    focus = ahead[0] if ahead else None
    opened = _int(request.GET.get("session"), default=None)
    for session in sessions:
        # An organiser's console holds every session: only the live ones, the next one and the
        # one asked for carry their controls (the others link to the console opened at them,
        # so that 600 sessions' forms are not written on every visit); a chair's always do.
        session.unfolded = (
            not organiser
            or session.status == SessionStatus.LIVE
            or session == focus
            or session.pk == opened
        )
        if session.unfolded:
            session.announcement_form = AnnouncementForm(
                event=event, auto_id=f"announce-{session.pk}-%s"
            )
        else:
            session.console_url = console_url(event, session.pk)
    ahead_ids = {s.pk for s in ahead}
    return render(
        request,
        "sessions/chair_console.html",
        {
            "event": event,
            "sessions": sessions,
            "ahead": ahead,
            "days": _by_day([s for s in sessions if s.pk not in ahead_ids], event),
            "focus": focus,
            "delay_steps": DELAY_STEPS,
            "organiser": organiser,
            "can_manage": organiser,
        },
    )


# One step: (request, event, session) -> what to tell the chair, or a redirect.
Step = Callable[[HttpRequest, Event, Session], "str | HttpResponse"]


def chair_step(view: Step) -> Callable[..., HttpResponse]:
    """A tap on the console, for one session: back to the console at that session, with what
    happened or why it could not (a session that is not yours, or not there, is its error
    page)."""

    @require_POST
    @wraps(view)
    def step(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("agenda:chair", kwargs={"slug": slug}))
        event = selectors.programme_event_get(slug, request.user)
        session = selectors.session_get(request.user, event, pk)
        return step_run(
            request,
            lambda: view(request, event, session),
            console_url(event, pk),
            shown=lambda exc: exc.status not in (401, 403, 404),
        )

    return step


@chair_step
def status(request: HttpRequest, event: Event, session: Session) -> str:
    """Mark the session live or ended."""
    new = request.POST.get("status", "")
    if new not in (SessionStatus.LIVE, SessionStatus.ENDED):
        raise InvalidInput.for_fields({"status": [_("Mark the session live or ended.")]})
    session_set_status(session=session, by=request.user, status=new)
    if new == SessionStatus.LIVE:
        return _("“%(title)s” is live.") % {"title": session.title}
    return _("“%(title)s” has ended.") % {"title": session.title}


@chair_step
def _delay(request: HttpRequest, event: Event, session: Session) -> str | HttpResponse:
    minutes = _int(request.POST.get("minutes"))
    shift = request.POST.get("shift_following") == "1"
    moved = session_delay(session=session, by=request.user, minutes=minutes, shift_following=shift)
    text = _delay_message(session, minutes, moved, shift)
    if not shift and minutes > 0 and delay_preview(session=session, minutes=minutes)[1:]:
        # Later sessions in the room now overlap: offer to push them back.
        messages.success(request, text)
        return redirect(
            reverse("agenda:chair-delay", kwargs={"slug": event.slug, "pk": session.pk})
            + f"?minutes={minutes}"
        )
    return text


@chair_step
def announcement(request: HttpRequest, event: Event, session: Session) -> str:
    form = AnnouncementForm(request.POST, event=event)
    if not form.is_valid():
        raise DomainError(
            _("Write the announcement in 1 to %(max)s characters.") % {"max": ANNOUNCEMENT_MAX},
            status=422,
        )
    announcement_create(
        event=event,
        by=request.user,
        message=form.cleaned_data["message"],
        session=session,
        notify=form.cleaned_data["notify"],
    )
    if form.cleaned_data["notify"]:
        return _(
            "Announced to everyone following “%(title)s”; it is mailed to them with the next "
            "notices."
        ) % {"title": session.title}
    return _("Announced to everyone following “%(title)s”.") % {"title": session.title}


@chair_step
def next_speaker(request: HttpRequest, event: Event, session: Session) -> str:
    person_id = _int(request.POST.get("person"), default=None)
    person = None
    if person_id is not None:
        person = Person.objects.filter(event=event, pk=person_id).first()
        if person is None:
            raise DomainError(
                _("That person is not on this event's programme; choose from the list."),
                status=422,
            )
    session_set_next_speaker(session=session, by=request.user, person=person)
    if person is None:
        return _("Next speaker cleared.")
    return _("Next speaker: %(name)s.") % {"name": person.display_name}


def _int(value, default=-1):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _delay_message(session: Session, minutes: int, moved, shift: bool) -> str:
    if minutes == 0:
        return _("“%(title)s” is back on time.") % {"title": session.title}
    text = ngettext(
        "“%(title)s” runs %(minutes)s minute late.",
        "“%(title)s” runs %(minutes)s minutes late.",
        minutes,
    ) % {
        "title": session.title,
        "minutes": minutes,
    }
    pushed = sum(1 for shift_ in moved if shift_.session.pk != session.pk)
    if shift and pushed:
        text += " " + ngettext(
            "%(count)s later session in the room was pushed back.",
            "%(count)s later sessions in the room were pushed back.",
            pushed,
        ) % {"count": pushed}
    return text


@require_http_methods(["GET", "HEAD", "POST"])
def delay(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Report a delay (POST: minutes in all, 0 when back on time; shift_following=1 pushes the
    later sessions in the room that would overlap). GET: after a delay, those later sessions,
    and one button to push them back."""
    if request.method == "POST":
        return _delay(request, slug, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = selectors.programme_event_get(slug, request.user)
    session = selectors.session_get(request.user, event, pk)
    require_chair(request.user, session)
    minutes = _int(request.GET.get("minutes"), default=session.delay_minutes)
    shifts = delay_preview(session=session, minutes=minutes)
    return render(
        request,
        "sessions/chair_delay.html",
        {
            "event": event,
            "session": session,
            "minutes": minutes,
            "shifts": shifts[1:],
            "told": selectors.followers_count([shift.session for shift in shifts]),
            "console": console_url(event, session.pk),
        },
    )
