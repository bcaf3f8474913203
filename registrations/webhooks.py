"""Stripe's webhook endpoint, POST /stripe/webhook/.

The signature is checked with the library's `stripe.Webhook.construct_event` and the endpoint's
secret (STRIPE_WEBHOOK_SECRET), with its default tolerance of 300 seconds: a missing, wrong or
stale signature is a 400 and changes nothing. A genuine event is recorded by its id and applied
in one transaction (registrations.payments.process_event): a replay is answered 200 and changes
nothing. While the database is locked or down, or Stripe itself cannot be reached for a refund,
the answer is 503 with nothing recorded, so Stripe sends the event again later (it retries for
three days): a payment is never lost."""

import json
import logging

import stripe
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from confman.core.exceptions import DomainError
from registrations.payments import webhook as payments

logger = logging.getLogger(__name__)


def _answer(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


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
    try:
        stripe.Webhook.construct_event(
            request.body, request.headers.get("Stripe-Signature"), secret
        )
    except stripe.SignatureVerificationError as exc:
        logger.warning("Stripe webhook with a bad signature refused: %s", exc)
        return _answer(400, "bad_signature", "The Stripe-Signature header does not verify.")
    except (ValueError, TypeError, AttributeError):  # signed, but not a JSON object
        return _answer(400, "bad_payload", "The body is not a Stripe event.")
    event = json.loads(request.body)
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        return _answer(400, "bad_payload", "The body is not a Stripe event.")
    try:
        recorded = payments.process_event(event)
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
