"""Giving the money back: in full, through Stripe first (outside any transaction, with one
idempotency key per payment), then the registration marked refunded and its seat offered on."""

from datetime import datetime

import stripe
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError
from events.permissions import Action, require_event_permission
from registrations.models import Payment, PaymentStatus, Registration, State
from registrations.payments.checkout import paid_payments
from registrations.payments.client import (
    PaymentProviderError,
    payments_configured,
    payments_not_set_up,
    stripe_call,
    stripe_client,
)
from registrations.services.lifecycle import ALLOWED, registration_lock, registration_transition
from registrations.services.registrations import registration_cancel
from registrations.services.waitlist import waitlist_offer_seats


def refund_key(payment: Payment) -> str:
    return f"refund-{payment.pk}"


def refund_on_stripe(payment: Payment) -> str:
    """Refund a payment in full on Stripe; returns the refund's id ("" if Stripe says it was
    refunded already). One idempotency key per payment: however many times this runs, and from
    wherever (organiser, webhook), the money goes back once. Stripe's errors propagate."""
    if not payment.payment_intent_id:
        raise PaymentProviderError(
            _("Payment %(session)s has no Stripe PaymentIntent to refund.")
            % {"session": payment.checkout_session_id}
        )
    client = stripe_client()
    params = {
        "payment_intent": payment.payment_intent_id,
        "metadata": {"registration": payment.registration.reference, "payment": str(payment.pk)},
    }
    try:
        refund = client.v1.refunds.create(
            params=params, options={"idempotency_key": refund_key(payment)}
        )
    except stripe.InvalidRequestError as exc:
        if exc.code == "charge_already_refunded":
            return ""
        raise
    return refund.id


def refund_allowed(registration: Registration, now: datetime | None = None) -> bool:
    """Whether the attendee may cancel with a refund themselves: a confirmed, paid registration,
    before the ticket's "refundable until" (no date: only organisers refund)."""
    now = now or timezone.now()
    until = registration.ticket.refundable_until
    return (
        payments_configured()
        and registration.state == State.CONFIRMED
        and until is not None
        and now < until
        and paid_payments(registration).exists()
    )


def registration_refund(
    registration: Registration, *, by: User | None, reason: str = ""
) -> Registration:
    """Give an attendee their money back through Stripe and mark the registration refunded:
    an organiser (`by`), or the attendee through their signed link (`by=None`, allowed only
    while refund_allowed). The Stripe refund is made first, outside any transaction, with an
    idempotency key; should recording it fail, Stripe's `charge.refunded` records it later."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = Registration.objects.select_related("event", "ticket").get(pk=registration.pk)
    if not payments_configured():
        raise payments_not_set_up(registration.event)
    if registration.state == State.REFUNDED:
        return registration
    if by is None and not refund_allowed(registration):
        raise DomainError(
            _("This ticket cannot be refunded any more; you can still cancel it."),
            code="refund_not_allowed",
            status=409,
        )
    if State.REFUNDED not in ALLOWED[registration.state]:
        raise DomainError(
            _("A registration that is %(state)s cannot be refunded.")
            % {"state": registration.get_state_display().lower()},
            code="illegal_transition",
            status=409,
        )
    paid = list(paid_payments(registration).select_related("registration"))
    if not paid:
        raise DomainError(
            _("This registration has no payment to refund; cancel it instead."),
            code="nothing_to_refund",
            status=409,
        )
    refund_ids = {p.pk: stripe_call(lambda p=p: refund_on_stripe(p)) for p in paid}
    now = timezone.now()
    with transaction.atomic():
        registration = registration_lock(registration)
        for payment in Payment.objects.select_for_update().filter(pk__in=refund_ids):
            payment_mark_refunded(payment, refund_ids[payment.pk], now)
        if State.REFUNDED in ALLOWED[registration.state]:
            before = registration.state
            registration_transition(
                registration, State.REFUNDED, by=by, reason=reason or _("refunded")
            )
            seat_release(registration, before)
    return registration


def seat_release(registration: Registration, before: str) -> None:
    """A registration that held a seat (or a lapsed hold nobody offered on) left: the waiting
    list gets its offers."""
    if before in (State.CONFIRMED, State.PENDING_PAYMENT):
        waitlist_offer_seats(registration.event)


def payment_mark_refunded(payment: Payment, refund_id: str, now: datetime) -> None:
    if payment.status == PaymentStatus.REFUNDED:
        return
    payment.status = PaymentStatus.REFUNDED
    payment.refunded_at = now
    payment.refund_id = refund_id or payment.refund_id
    payment.save(update_fields=["status", "refunded_at", "refund_id"])


def registration_cancel_by_attendee(registration: Registration) -> bool:
    """The attendee cancels through their link: with their money back while refund_allowed,
    else a plain cancellation. Returns whether they were refunded."""
    reason = _("cancelled by the attendee")
    if refund_allowed(registration):
        registration_refund(registration, by=None, reason=reason)
        return True
    registration_cancel(registration=registration, by=None, reason=reason)
    return False
