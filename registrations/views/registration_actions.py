"""What an organiser does to one registration from the list, one view each: approve, reject,
cancel, refund, give a new badge code, offer a seat. Each goes back to the list as it was (its
search, filters and page) with a message that names the person; a refusal (a registration that
cannot take this step) is that message too, the list unchanged."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from confman.core.exceptions import DomainError, NotFound
from confman.core.redirects import next_or
from confman.core.steps import step_run
from events.permissions import Action
from events.selectors import event_get
from registrations.models import Registration, State
from registrations.payments.refunds import registration_refund
from registrations.services.registrations import (
    badge_reissue,
    registration_approve,
    registration_cancel,
    registration_reject,
)
from registrations.services.waitlist import registration_offer

# States a registration can no longer leave: rejecting or cancelling it changes nothing.
FINAL_STATES = (State.CANCELLED, State.REFUNDED)

# One step: (request, registration, reason) -> what to tell the organiser.
Step = Callable[[HttpRequest, Registration, str], str]


class _NothingChanged(Exception):
    """The registration is in a final state already: said as information, not as an error."""


def _named(registration: Registration, **more: str) -> dict[str, str]:
    return {"name": registration.name, "reference": registration.reference, **more}


def registration_action(view: Step) -> Callable[..., HttpResponse]:
    """A POST by an organiser on one registration of their event: `view(request, registration,
    reason)` does it and returns what to tell them."""

    @login_required
    @require_POST
    @wraps(view)
    def act(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
        registration = Registration.objects.filter(event=event, pk=pk).first()
        if registration is None:
            raise NotFound(_("This event has no registration %(id)s.") % {"id": pk})
        registration.event = event
        reason = " ".join(request.POST.get("reason", "").split())[:500]
        back = next_or(request, reverse("registrations:manage", kwargs={"slug": event.slug}))

        def run() -> str:
            try:
                return view(request, registration, reason)
            except DomainError as exc:  # said with the person it is about
                problem = _("%(name)s (%(reference)s): %(problem)s") % _named(
                    registration, problem=exc.message
                )
                raise DomainError(problem, code=exc.code, status=exc.status) from exc

        try:
            return step_run(request, run, back)
        except _NothingChanged:
            messages.info(
                request,
                _("%(name)s (%(reference)s) is already %(state)s; nothing changed.")
                % _named(registration, state=registration.get_state_display().lower()),
            )
            return HttpResponseRedirect(back)

    return act


def _not_final(registration: Registration) -> None:
    if registration.state in FINAL_STATES:
        raise _NothingChanged


@registration_action
def approve(request: HttpRequest, registration: Registration, reason: str) -> str:
    registration = registration_approve(registration=registration, by=request.user)
    return _("%(name)s (%(reference)s) is approved: %(state)s.") % _named(
        registration, state=registration.get_state_display().lower()
    )


@registration_action
def reject(request: HttpRequest, registration: Registration, reason: str) -> str:
    _not_final(registration)
    registration_reject(registration=registration, by=request.user, reason=reason)
    return _("%(name)s (%(reference)s) is rejected.") % _named(registration)


@registration_action
def cancel(request: HttpRequest, registration: Registration, reason: str) -> str:
    _not_final(registration)
    registration_cancel(
        registration=registration,
        by=request.user,
        reason=reason or _("cancelled by the organisers"),
    )
    return _("%(name)s (%(reference)s) is cancelled.") % _named(registration)


@registration_action
def refund(request: HttpRequest, registration: Registration, reason: str) -> str:
    registration_refund(
        registration, by=request.user, reason=reason or _("refunded by the organisers")
    )
    return _("%(name)s (%(reference)s) is refunded.") % _named(registration)


@registration_action
def reissue_badge(request: HttpRequest, registration: Registration, reason: str) -> str:
    badge_reissue(registration=registration, by=request.user)
    return _(
        "%(name)s (%(reference)s) has a new badge code; the old one no longer admits anyone. "
        "Send them their link so they can show the new one."
    ) % _named(registration)


@registration_action
def offer_seat(request: HttpRequest, registration: Registration, reason: str) -> str:
    registration = registration_offer(registration=registration, by=request.user)
    until = registration.offer_expires_at.astimezone(registration.event.tzinfo)
    return _("%(name)s (%(reference)s) is offered a seat until %(until)s.") % _named(
        registration, until=dateformat.format(until, "j M H:i")
    )
