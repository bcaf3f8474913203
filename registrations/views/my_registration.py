"""The participant's own page, behind their private link: see the registration; cancel it,
accept a seat offer, switch attendance mode, or have the confirmation mailed again."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError, InvalidInput, NotFound
from events.models import PERSON_MODES, AttendanceMode
from registrations import links
from registrations.badges.content import qr_svg
from registrations.mail import notify
from registrations.models import State
from registrations.payments.checkout import can_pay
from registrations.payments.refunds import refund_allowed, registration_refund
from registrations.services.registrations import registration_cancel, registration_mode_change
from registrations.services.waitlist import registration_offer_accept


def my_registration(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The attendee's page behind their link: see the registration; cancel it, accept a seat
    offer, switch attendance mode, or have the confirmation mailed again."""
    registration = links.registration_for_token(token)
    if registration.event.slug != slug:
        raise NotFound(_("This link belongs to another event."))
    if request.method == "POST":
        try:
            text = _self_service(registration, request.POST)
        except DomainError as exc:
            if exc.status not in (409, 422):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, text)
        return HttpResponseRedirect(request.path)
    return render(
        request,
        "registrations/mine.html",
        {
            "event": registration.event,
            "registration": registration,
            "link": request.build_absolute_uri(),
            "token": token,
            "badge_qr": qr_svg(registration.badge_secret)
            if registration.state == State.CONFIRMED and registration.badge_secret
            else "",
            "can_cancel": registration.state not in (State.CANCELLED, State.REFUNDED),
            "can_pay": can_pay(registration),
            "refund_on_cancel": refund_allowed(registration),
            "other_modes": [
                m
                for m in registration.ticket.allowed_modes
                if m != registration.mode
                and registration.state
                in (State.CONFIRMED, State.PENDING_PAYMENT, State.AWAITING_APPROVAL)
            ],
        },
    )


def _self_service(registration, data) -> str:
    action = data.get("action", "")
    if action == "cancel":
        if refund_allowed(registration):
            registration_refund(registration, by=None, reason=_("cancelled by the attendee"))
            return _(
                "Your registration is cancelled and your payment refunded; it reaches your "
                "account within a few days."
            )
        registration_cancel(
            registration=registration, by=None, reason=_("cancelled by the attendee")
        )
        return _("Your registration is cancelled. We are sorry you cannot come.")
    if action == "accept":
        accepted = registration_offer_accept(registration=registration)
        if accepted.state == State.CONFIRMED:
            return _("The seat is yours: your place is confirmed.")
        return _("The seat is held for you while you pay.")
    if action == "mode":
        mode = data.get("mode", "")
        if mode not in PERSON_MODES:
            raise InvalidInput.for_fields({"mode": [_("Choose in person or online.")]})
        registration_mode_change(registration=registration, mode=mode)
        return _("Your attendance is now: %(mode)s.") % {"mode": AttendanceMode(mode).label.lower()}
    if action == "resend":
        notify(registration)
        return _("The message is on its way to %(email)s.") % {"email": registration.email}
    raise InvalidInput.for_fields({"action": [_("Use the buttons on this page.")]})
