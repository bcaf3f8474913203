"""What an organiser does to one registration from the list, one view each: approve, reject,
cancel, refund, give a new badge code, offer a seat. Each goes back to the list as it was (its
search, filters and page) with a message that names the person; a refusal (a registration that
cannot take this step) is that message too, the list unchanged.

The steps that cannot be undone (reject, cancel, refund) ask first: the list links to a page
that says what will happen to this person (the mail they get, their badge, their seat and who
is offered it, their money) and asks for the reason the mail quotes; only its button posts the
step. No JavaScript is needed, and posting twice changes nothing the second time."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from confman.core.exceptions import DomainError, NotFound
from confman.core.redirects import next_or
from confman.core.steps import step_run
from events.models import Event
from events.permissions import Action
from events.selectors import event_get
from registrations.models import Registration, State
from registrations.payments.checkout import paid_payments
from registrations.payments.client import payments_configured
from registrations.payments.refunds import registration_refund
from registrations.selectors import registration_settings_get
from registrations.services.lifecycle import ALLOWED
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


def _registration(event: Event, pk: int) -> Registration:
    registration = Registration.objects.filter(event=event, pk=pk).select_related("ticket").first()
    if registration is None:
        raise NotFound(_("This event has no registration %(id)s.") % {"id": pk})
    registration.event = event
    return registration


def registration_action(view: Step) -> Callable[..., HttpResponse]:
    """A POST by an organiser on one registration of their event: `view(request, registration,
    reason)` does it and returns what to tell them."""

    @login_required
    @require_POST
    @wraps(view)
    def act(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
        registration = _registration(event, pk)
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


# --- asking first -----------------------------------------------------------------------------


@dataclass
class Question:
    """The confirmation page of one step: what it will do to this person, or why it cannot."""

    step: str  # the route's name: registration-cancel, -reject, -refund
    title: str
    confirm: str  # the button that does it
    keep: str  # the link back that does nothing
    default_reason: str  # what the mail says when no reason is given
    consequences: list[str] = field(default_factory=list)
    refusal: str = ""  # why it cannot be done now; no button then


def _back(request: HttpRequest, event: Event) -> str:
    """The list as the organiser left it: the `next` it linked with, when on this site."""
    return next_or(request, reverse("registrations:manage", kwargs={"slug": event.slug}))


def _money(payments) -> str:
    return ", ".join(f"{payment.amount} {payment.currency}" for payment in payments)


def _mailed(registration: Registration, *, refund: bool = False) -> str:
    """The state mail that the step's transition sends (registrations.mail.notify)."""
    person = {"name": registration.name, "email": registration.email}
    if refund:
        return (
            _(
                "%(name)s gets an email at %(email)s saying that their payment is refunded, "
                "with the reason you give below."
            )
            % person
        )
    return (
        _(
            "%(name)s gets an email at %(email)s saying that their registration is cancelled, "
            "with the reason you give below."
        )
        % person
    )


def _seat_freed(registration: Registration) -> str:
    """Where the seat goes (services.waitlist.waitlist_offer_seats): to the first person waiting
    whom it suits, as an offer by mail with the event's deadline; else back on sale."""
    waiting = Registration.objects.filter(event=registration.event, state=State.WAITLISTED)
    here = waiting.filter(ticket=registration.ticket, mode=registration.mode).count()
    place = {
        "ticket": registration.ticket.name,
        "mode": registration.get_mode_display().lower(),
    }
    if here:
        hours = registration_settings_get(registration.event).offer_hours
        deadline = ngettext("%(hours)s hour", "%(hours)s hours", hours) % {"hours": hours}
        return ngettext(
            "Their seat is freed. %(count)s person is waiting for “%(ticket)s” (%(mode)s): "
            "they are offered it by email and have %(deadline)s to accept.",
            "Their seat is freed. %(count)s people are waiting for “%(ticket)s” (%(mode)s): "
            "the first of them is offered it by email and has %(deadline)s to accept.",
            here,
        ) % {"count": here, "deadline": deadline, **place}
    if waiting.exists():
        return (
            _(
                "Their seat is freed. Nobody is waiting for “%(ticket)s” (%(mode)s); if the seat "
                "also counts for a ticket others are waiting for, the first of them is offered it "
                "by email."
            )
            % place
        )
    return _(
        "Their seat is freed. Nobody is on the waiting list, so the next person to register "
        "can take it."
    )


def _where_they_stand(registration: Registration) -> list[str]:
    """Their badge and their seat, as cancelling or refunding leaves them."""
    said = []
    if registration.badge_secret:
        said.append(_("Their badge stops working at check-in."))
    if registration.state in (State.CONFIRMED, State.PENDING_PAYMENT, State.OFFERED):
        said.append(_seat_freed(registration))
    elif registration.state == State.WAITLISTED:
        said.append(_("They leave the waiting list."))
    elif registration.state == State.AWAITING_APPROVAL:
        said.append(_("They hold no seat, so nobody else's place changes."))
    return said


def _already(registration: Registration) -> str:
    return _("%(name)s (%(reference)s) is already %(state)s; there is nothing to do.") % _named(
        registration, state=registration.get_state_display().lower()
    )


def _ask_cancel(registration: Registration) -> Question:
    question = Question(
        step="registration-cancel",
        title=_("Cancel the registration of %(name)s?") % {"name": registration.name},
        confirm=_("Yes, cancel the registration"),
        keep=_("No, keep it"),
        default_reason=_("cancelled by the organisers"),
    )
    if registration.state in FINAL_STATES:
        question.refusal = _already(registration)
        return question
    question.consequences = [
        _mailed(registration),
        *_where_they_stand(registration),
    ]
    paid = list(paid_payments(registration))
    if paid:
        money = {"amount": _money(paid)}
        question.consequences.append(
            _(
                "Their payment of %(amount)s is not refunded. To refund it, use Refund instead, "
                "now or later: the list keeps offering it."
            )
            % money
            if payments_configured()
            else _(
                "Their payment of %(amount)s is not refunded, and card payments are not set up "
                "here to refund it: do that in your Stripe dashboard."
            )
            % money
        )
    question.consequences.append(
        _("This cannot be undone: to come back, they would have to register again.")
    )
    return question


def _ask_reject(registration: Registration) -> Question:
    question = Question(
        step="registration-reject",
        title=_("Reject the registration of %(name)s?") % {"name": registration.name},
        confirm=_("Yes, reject it"),
        keep=_("No, keep it waiting"),
        default_reason=_("rejected"),
    )
    if registration.state in FINAL_STATES:
        question.refusal = _already(registration)
    elif registration.state != State.AWAITING_APPROVAL:
        question.refusal = _(
            "Only a registration awaiting approval can be rejected; cancel it instead."
        )
    else:
        question.consequences = [
            _mailed(registration),
            _("They hold no seat, so nobody else's place changes."),
            _("This cannot be undone, but they can still register again with the same address."),
        ]
    return question


def _ask_refund(registration: Registration) -> Question:
    paid = list(paid_payments(registration))
    question = Question(
        step="registration-refund",
        title=_("Refund %(name)s?") % {"name": registration.name},
        confirm=_("Yes, refund %(amount)s") % {"amount": _money(paid)},
        keep=_("No, do not refund"),
        default_reason=_("refunded by the organisers"),
    )
    if registration.state == State.REFUNDED:
        question.refusal = _already(registration)
    elif State.REFUNDED not in ALLOWED[registration.state]:
        question.refusal = _("A registration that is %(state)s cannot be refunded.") % {
            "state": registration.get_state_display().lower()
        }
    elif not paid:
        question.refusal = _("This registration has no payment to refund; cancel it instead.")
    elif not payments_configured():
        question.refusal = _(
            "Card payments are not set up here, so nothing can be refunded from confman; "
            "refund it in your Stripe dashboard."
        )
    else:
        question.consequences = [
            _(
                "Their payment of %(amount)s is refunded in full through Stripe; it reaches "
                "their account within a few days, depending on their bank."
            )
            % {"amount": _money(paid)},
            _mailed(registration, refund=True),
        ]
        if registration.state == State.CANCELLED:
            question.consequences.append(
                _("Their registration is cancelled already; it is marked refunded.")
            )
        else:
            question.consequences += [
                _("Their registration ends: it is marked refunded."),
                *_where_they_stand(registration),
            ]
        question.consequences.append(_("This cannot be undone."))
    return question


def _asking(ask: Callable[[Registration], Question]) -> Callable[..., HttpResponse]:
    """The page that asks before a step (GET only; its form posts to the step itself)."""

    @login_required
    @require_GET
    @wraps(ask)
    def page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
        registration = _registration(event, pk)
        question = ask(registration)
        back = _back(request, event)
        return render(
            request,
            "registrations/manage_confirm.html",
            {
                "event": event,
                "registration": registration,
                "question": question,
                "back": back,
                "action": reverse(
                    f"registrations:{question.step}",
                    kwargs={"slug": event.slug, "pk": registration.pk},
                ),
            },
        )

    return page


confirm_cancel = _asking(_ask_cancel)
confirm_reject = _asking(_ask_reject)
confirm_refund = _asking(_ask_refund)
