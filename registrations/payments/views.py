"""The attendee pays for a ticket, behind their private link.

POST .../pay/ opens a Stripe Checkout Session (or continues the one already open) and sends the
attendee there (303). Stripe sends them back to .../paid/, which says what happens next: the
payment is being confirmed, the place is confirmed, the seat hold ran out (and what became of
their money), or, when they left Stripe without paying, how long the seat is still held."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from confman.core.exceptions import NotFound
from registrations.links import registration_for_token
from registrations.models import Registration
from registrations.payments import webhook as payments


def _registration(slug: str, token: str) -> Registration:
    registration = registration_for_token(token)
    if registration.event.slug != slug:
        raise NotFound(_("This link belongs to another event."))
    return registration


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    registration = _registration(slug, token)
    paid_path = reverse("registrations:paid", kwargs={"slug": slug, "token": token})
    if request.method == "GET" or not payments.can_pay(registration):
        # Nothing to start here (already paid, hold over, not awaiting payment): the payment
        # page says why.
        return _see_other(paid_path)
    back = request.build_absolute_uri(paid_path)
    url = payments.start_checkout(
        registration,
        success_url=back + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=back + "?cancelled=1",
    )
    return _see_other(url)


@require_GET
def paid(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    registration = _registration(slug, token)
    session_id = request.GET.get("session_id", "")[:255]
    payment_status = None
    if session_id:
        payment_status = payments.sync_checkout(registration, session_id)
        registration.refresh_from_db()
    progress = payments.progress(
        registration, returned=bool(session_id), payment_status=payment_status
    )
    return render(
        request,
        "registrations/paid.html",
        {
            "event": registration.event,
            "registration": registration,
            "ticket": registration.ticket,
            "progress": progress,
            "left_stripe": request.GET.get("cancelled") == "1",
            "mine_url": reverse("registrations:mine", kwargs={"slug": slug, "token": token}),
            "pay_url": reverse("registrations:pay", kwargs={"slug": slug, "token": token}),
        },
    )
