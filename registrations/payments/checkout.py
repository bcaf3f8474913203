"""Starting a payment: a Stripe Checkout Session for a registration awaiting payment (or the
one already open), and what the payment page tells the attendee."""

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import stripe
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError
from registrations.models import Payment, PaymentStatus, Registration, State
from registrations.payments.amounts import minor_units
from registrations.payments.client import (
    payments_configured,
    payments_not_set_up,
    stripe_call,
    stripe_client,
)

# Stripe wants a Checkout Session to expire between 30 minutes and 24 hours after it is made.
CHECKOUT_MIN_LIFETIME = timedelta(minutes=30)

CHECKOUT_MAX_LIFETIME = timedelta(hours=24)

CHECKOUT_MARGIN = timedelta(minutes=2)  # for clocks and the time the request takes

PAID = ("paid", "no_payment_required")  # a session's payment_status once the money is in

# Our languages as Stripe Checkout names them; any other: Stripe follows the browser.
CHECKOUT_LOCALES = {"en": "en", "zh-hans": "zh", "ru": "ru", "fr": "fr", "es": "es"}


def paid_payments(registration: Registration, *, but: Payment | None = None):
    payments = Payment.objects.filter(registration_id=registration.pk, status=PaymentStatus.PAID)
    return payments.exclude(pk=but.pk) if but is not None else payments


def can_pay(registration: Registration, now: datetime | None = None) -> bool:
    """Whether the attendee may start (or resume) paying now: awaiting payment, the hold still
    running, nothing paid yet."""
    now = now or timezone.now()
    return (
        registration.state == State.PENDING_PAYMENT
        and registration.hold_expires_at is not None
        and registration.hold_expires_at > now
        and not paid_payments(registration).exists()
    )


def _check_payable(registration: Registration, now: datetime) -> None:
    if registration.state == State.CONFIRMED:
        raise DomainError(
            _("This registration is already confirmed; there is nothing to pay."),
            code="already_confirmed",
            status=409,
        )
    if registration.state != State.PENDING_PAYMENT:
        raise DomainError(
            _("Only a registration awaiting payment can be paid; this one is %(state)s.")
            % {"state": registration.get_state_display().lower()},
            code="not_awaiting_payment",
            status=409,
        )
    if paid_payments(registration).exists():
        raise DomainError(
            _("Your payment has arrived; your place is being confirmed."),
            code="already_paid",
            status=409,
        )
    if registration.hold_expires_at <= now:
        raise DomainError(
            _(
                "Your seat was held until %(until)s UTC and the hold has run out. Register again "
                "to take a seat if one is free."
            )
            % {"until": registration.hold_expires_at.strftime("%Y-%m-%d %H:%M")},
            code="hold_expired",
            status=409,
        )


def _checkout_expiry(hold_expires_at: datetime, now: datetime) -> int:
    """When the Checkout Session ends: with the hold, but within Stripe's limits (at least 30
    minutes, at most 24 hours), rounded up to the minute so that two clicks in the same minute
    ask Stripe the same thing."""
    expires = max(hold_expires_at, now + CHECKOUT_MIN_LIFETIME + CHECKOUT_MARGIN)
    expires = min(expires, now + CHECKOUT_MAX_LIFETIME - CHECKOUT_MARGIN)
    return math.ceil(expires.timestamp() / 60) * 60


def _checkout_key(registration: Registration, params: dict[str, Any]) -> str:
    """Derived from the registration, its hold, how many sessions it has had, and what we ask
    Stripe for: the same request (a network retry, a double click, an answer that never reached
    the database) opens one session. A new session after one ended needs a new key, since Stripe
    answers a reused key with the first answer; and Stripe refuses a reused key with other
    parameters, so a different request has a different key."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    hold = int(registration.hold_expires_at.timestamp())
    attempt = Payment.objects.filter(registration_id=registration.pk).count() + 1
    return f"checkout-{registration.pk}-{hold}-{attempt}-{digest}"


def _open_session_url(client: stripe.StripeClient, registration: Registration) -> str | None:
    """The address of a Checkout Session already opened for this registration and still open:
    the attendee who comes back to pay continues there instead of opening a second one."""
    for payment in Payment.objects.filter(
        registration_id=registration.pk, status=PaymentStatus.OPEN
    ).order_by("-created_at", "-pk"):
        session = stripe_call(
            lambda p=payment: client.v1.checkout.sessions.retrieve(p.checkout_session_id)
        )
        if session.status == "open" and session.url:
            return session.url
        if session.status == "complete":
            raise DomainError(
                _("Your payment has arrived; your place is being confirmed."),
                code="already_paid",
                status=409,
            )
        if session.status == "expired":
            Payment.objects.filter(pk=payment.pk, status=PaymentStatus.OPEN).update(
                status=PaymentStatus.EXPIRED
            )
    return None


def checkout_start(registration: Registration, *, success_url: str, cancel_url: str) -> str:
    """Open a Stripe Checkout Session for a registration awaiting payment (or continue the one
    already open) and return its address, where the attendee pays. `success_url` may contain
    Stripe's `{CHECKOUT_SESSION_ID}` placeholder."""
    registration = Registration.objects.select_related("event", "ticket").get(pk=registration.pk)
    if not payments_configured():
        raise payments_not_set_up(registration.event)
    now = timezone.now()
    _check_payable(registration, now)
    ticket, event = registration.ticket, registration.event
    unit_amount = minor_units(ticket.price, ticket.currency)
    client = stripe_client()
    url = _open_session_url(client, registration)
    if url:
        return url
    metadata = {"registration": registration.reference, "event": event.slug}
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": ticket.currency.lower(),
                    "unit_amount": unit_amount,
                    "product_data": {"name": f"{event.title}: {ticket.name}"[:250]},
                },
            }
        ],
        "customer_email": registration.email,
        "client_reference_id": registration.reference,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "expires_at": _checkout_expiry(registration.hold_expires_at, now),
        "locale": CHECKOUT_LOCALES.get(registration.language or "", "auto"),
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    session = stripe_call(
        lambda: client.v1.checkout.sessions.create(
            params=params, options={"idempotency_key": _checkout_key(registration, params)}
        )
    )
    Payment.objects.get_or_create(
        checkout_session_id=session.id,
        defaults={
            "registration": registration,
            "amount": ticket.price,
            "currency": ticket.currency.upper(),
        },
    )
    return session.url


@dataclass(frozen=True)
class Progress:
    """Where a registration's payment stands, for the attendee's page."""

    step: str  # confirmed, refunded, cancelled, confirming, processing, failed, pay,
    #            hold_expired, not_set_up, nothing_to_pay
    reason: str = ""
    can_pay: bool = False


def payment_progress(
    registration: Registration, *, returned: bool = False, payment_status: str | None = None
) -> Progress:
    """What the payment page tells the attendee. `returned`: they are back from Stripe's
    payment page (Stripe sends them back only once they have paid or the bank debit started)."""
    state = registration.state
    if state in (State.REFUNDED, State.CANCELLED):
        last = registration.transitions.filter(to_state=state).order_by("-at", "-pk").first()
        return Progress(str(state), last.reason if last else "")
    if state == State.CONFIRMED:
        return Progress("confirmed")
    if state != State.PENDING_PAYMENT:
        return Progress("nothing_to_pay")
    payments = list(Payment.objects.filter(registration_id=registration.pk).order_by("-pk"))
    if any(p.status == PaymentStatus.PAID for p in payments):
        return Progress("confirming")
    if payment_status == "unpaid":
        return Progress("processing")
    latest = payments[0] if payments else None
    if returned and latest is not None and latest.status == PaymentStatus.OPEN:
        return Progress("confirming")
    now = timezone.now()
    if registration.hold_expires_at is None or registration.hold_expires_at <= now:
        return Progress("hold_expired")
    if not payments_configured():
        return Progress("not_set_up")
    if latest is not None and latest.status == PaymentStatus.FAILED:
        return Progress("failed", can_pay=True)
    return Progress("pay", can_pay=True)
