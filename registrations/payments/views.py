"""Paying, behind the attendee's private link, and Stripe's webhook.

POST .../pay/ opens a Stripe Checkout Session (or continues the one already open) and sends the
attendee there (303). Stripe sends them back to .../paid/, which says what happens next: the
payment is being confirmed, the place is confirmed, the seat hold ran out (and what became of
their money), or, when they left Stripe without paying, how long the seat is still held.

POST /stripe/webhook/: the signature is checked with `stripe.Webhook.construct_event` and
STRIPE_WEBHOOK_SECRET, with its default tolerance of 300 seconds, either way; a missing, wrong,
stale or future-dated signature is a 400 and changes nothing. A genuine event is recorded and
applied in one transaction (webhook.stripe_event_process): a replay is answered 200 and changes
nothing. While the database is locked or down, or Stripe cannot be reached for a refund, the
answer is 503 with nothing recorded, so Stripe sends the event again later: a payment is never
lost."""

import json
import logging
import time

import stripe
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from confman.core.exceptions import DomainError, NotFound
from confman.core.throttling import page_rate_limit
from registrations.links import registration_for_token
from registrations.models import Registration
from registrations.payments.checkout import can_pay, checkout_start, payment_progress
from registrations.payments.webhook import checkout_sync, stripe_event_process


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
@page_rate_limit("private_links", methods=("GET", "POST"))
def pay(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    registration = _registration(slug, token)
    paid_path = reverse("registrations:paid", kwargs={"slug": slug, "token": token})
    if request.method == "GET" or not can_pay(registration):
        # Nothing to start here (already paid, hold over, not awaiting payment): the payment
        # page says why.
        return _see_other(paid_path)
    back = request.build_absolute_uri(paid_path)
    url = checkout_start(
        registration,
        success_url=back + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=back + "?cancelled=1",
    )
    return _see_other(url)


@require_GET
@page_rate_limit("private_links", methods=("GET",))
def paid(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    registration = _registration(slug, token)
    session_id = request.GET.get("session_id", "")[:255]
    payment_status = None
    if session_id:
        payment_status = checkout_sync(registration, session_id)
        registration.refresh_from_db()
    progress = payment_progress(
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


logger = logging.getLogger(__name__)


def _answer(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def _signed_in_the_future(header: str | None) -> bool:
    """The signature's timestamp (t=) is ahead of our clock by more than stripe's tolerance."""
    for item in (header or "").split(","):
        key, _sep, value = item.strip().partition("=")
        if key == "t":
            try:
                return int(value) > time.time() + stripe.Webhook.DEFAULT_TOLERANCE
            except ValueError:
                return True
    return True


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return _answer(
            503,
            "webhooks_not_set_up",
            "Stripe webhooks are not set up on this installation: set STRIPE_WEBHOOK_SECRET to "
            "the endpoint's signing secret (whsec_...).",
        )
    header = request.headers.get("Stripe-Signature")
    try:
        stripe.Webhook.construct_event(request.body, header, secret)
    except stripe.SignatureVerificationError as exc:
        logger.warning("Stripe webhook with a bad signature refused: %s", exc)
        return _answer(400, "bad_signature", "The Stripe-Signature header does not verify.")
    except (ValueError, TypeError, AttributeError, RecursionError):  # signed, not an event
        return _answer(400, "bad_payload", "The body is not a Stripe event.")
    if _signed_in_the_future(header):
        # stripe only refuses signatures older than its tolerance; one from the future would
        # stay replayable for as long as it is ahead.
        logger.warning("Stripe webhook signed in the future refused: %s", header)
        return _answer(400, "bad_signature", "The Stripe-Signature header is dated in the future.")
    event = json.loads(request.body)
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        return _answer(400, "bad_payload", "The body is not a Stripe event.")
    try:
        recorded = stripe_event_process(event)
    except (DatabaseError, stripe.StripeError) as exc:
        logger.warning("Stripe event %s not processed now: %r", event["id"], exc)
        return _answer(503, "try_again", "Not processed now; send it again later.")
    except DomainError as exc:
        if exc.status < 500:
            logger.exception("Stripe event %s could not be applied", event["id"])
            return _answer(500, exc.code, exc.message)
        logger.warning("Stripe event %s not processed now: %s", event["id"], exc.message)
        return _answer(503, exc.code, exc.message)
    return JsonResponse({"received": True, "duplicate": not recorded})
