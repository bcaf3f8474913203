"""What an organiser does to one session from its page, one view each: publish, cancel,
reinstate, delete; give a person a role, take it away, or add a new person with their role.
Each goes back to the session's page (the builder, after a delete) with what happened or why it
could not."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from confman.core.exceptions import DomainError, NotFound
from confman.core.steps import step_run
from events.models import Event
from events.permissions import Action
from events.selectors import event_get
from sessions.forms import AssignForm, PersonForm
from sessions.models import Person, Session, SessionRole, SessionStatus
from sessions.services.people import person_add_to_session, role_assign, role_remove
from sessions.services.sessions import (
    session_cancel,
    session_delete,
    session_publish,
    session_set_status,
)
from sessions.views.builder import builder_url, session_of

# One step: (request, event, session, **the address's other parts) -> what to tell the
# organiser, or where to go instead.
Step = Callable[..., "str | HttpResponse"]


def session_step(view: Step) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    @wraps(view)
    def step(request: HttpRequest, slug: str, pk: int, **parts: int) -> HttpResponse:
        event = event_get(slug, request.user, Action.MANAGE_AGENDA)
        session = session_of(event, pk)
        return step_run(
            request,
            lambda: view(request, event, session, **parts),
            reverse("agenda:session-edit", kwargs={"slug": slug, "pk": pk}),
        )

    return step


@session_step
def publish(request: HttpRequest, event: Event, session: Session) -> str:
    session_publish(session=session, by=request.user)
    return _("“%(title)s” is on the programme.") % {"title": session.title}


@session_step
def cancel(request: HttpRequest, event: Event, session: Session) -> str:
    session_cancel(session=session, by=request.user, reason=request.POST.get("reason", ""))
    return _("“%(title)s” is cancelled; it stays on the programme, marked.") % {
        "title": session.title
    }


@session_step
def reinstate(request: HttpRequest, event: Event, session: Session) -> str:
    session_set_status(session=session, by=request.user, status=SessionStatus.SCHEDULED)
    return _("“%(title)s” is back on the programme.") % {"title": session.title}


@session_step
def delete(request: HttpRequest, event: Event, session: Session) -> HttpResponse:
    session_delete(session=session, by=request.user)
    messages.success(request, _("“%(title)s” is deleted.") % {"title": session.title})
    return HttpResponseRedirect(builder_url(event))


@session_step
def assign(request: HttpRequest, event: Event, session: Session) -> str:
    form = AssignForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose a person and a role."), status=422)
    person = Person.objects.filter(event=event, pk=form.cleaned_data["person"]).first()
    if person is None:
        raise NotFound(_("That person is not on this event's list."))
    role_assign(
        session=session,
        by=request.user,
        person=person,
        role=form.cleaned_data["role"],
        override=form.cleaned_data["override"],
    )
    return _("%(person)s is added to “%(title)s”.") % {
        "person": person.display_name,
        "title": session.title,
    }


@session_step
def unassign(request: HttpRequest, event: Event, session: Session, role_pk: int) -> str:
    link = SessionRole.objects.filter(session=session, pk=role_pk).first()
    if link is None:
        raise NotFound(_("That role is no longer in this session."))
    role_remove(link=link, by=request.user)
    return _("%(person)s is removed from “%(title)s”.") % {
        "person": link.person.display_name,
        "title": session.title,
    }


@session_step
def new_person(request: HttpRequest, event: Event, session: Session) -> str:
    form = PersonForm(request.POST, event=event)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        raise DomainError(
            _("The person was not added: %(errors)s") % {"errors": errors}, status=422
        )
    person, _role = person_add_to_session(
        session=session,
        by=request.user,
        role=request.POST.get("role", SessionRole.Kind.SPEAKER),
        override=request.POST.get("override") == "1",
        **{name: form.cleaned_data[name] for name in form.Meta.fields},
    )
    return _("%(person)s is added to the event and to “%(title)s”.") % {
        "person": person.display_name,
        "title": session.title,
    }
