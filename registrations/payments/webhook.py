"""What Stripe tells us. Each verified event is recorded by its id and applied in one
transaction, so a replay changes nothing, and events may come in any order, any number of times:

- the session paid (`checkout.session.completed` with the money in, or
  `checkout.session.async_payment_succeeded`): when it is a session we opened for the
  registration (its id, or our metadata) and charged the amount and currency we asked, the
  payment is paid and the registration confirmed; any other amount or currency is recorded as
  a mismatch for the organisers, and confirms nothing. A payment that arrives after its hold
  ran out confirms the seat if one is still free, else is refunded at once (and the
  registration ends `refunded`, with the reason);
- `checkout.session.async_payment_failed`: the payment failed; the hold stands until it ends;
- `checkout.session.expired`: the payment expired and, once its hold has run out too, a
  registration still awaiting payment is cancelled;
- `charge.refunded` (in full): the payment and the registration are refunded, whichever order
  this and the completion arrive in; a completion after a refund confirms nothing.

When applying an event needs a call to Stripe (a refund, looking a charge up), the transaction is
rolled back, the call made, and the transaction run again with the answer. The attendee's return
from Stripe applies the same event at once (checkout_sync)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import Payment, PaymentStatus, Registration, State, StripeEvent
from registrations.payments.amounts import from_minor_units
from registrations.payments.checkout import PAID, paid_payments
from registrations.payments.client import payments_configured, stripe_client
from registrations.payments.refunds import payment_mark_refunded, refund_on_stripe, seat_release
from registrations.services.lifecycle import ALLOWED, registration_lock, registration_transition
from registrations.services.quotas import seat_available

logger = logging.getLogger(__name__)

# How long an event's transaction waits for a row lock on PostgreSQL before giving up, so that
# the webhook answers 503 (and Stripe retries) rather than hanging.
LOCK_TIMEOUT = "5s"

T = TypeVar("T")


@dataclass
class _Answers:
    """What Stripe said to the calls made between two runs of an event's transaction."""

    refunds: dict[int, tuple[str, str]] = field(default_factory=dict)  # payment: (id, why)
    sessions: dict[str, list[dict]] = field(default_factory=dict)  # PaymentIntent: sessions


class _NeedsStripe(Exception):
    """Raised inside an event's transaction when applying it needs a call to Stripe: the
    transaction is rolled back (no lock stays held during the call), the call is made, and the
    transaction runs again with the answer."""

    def fetch(self, answers: _Answers) -> None:
        raise NotImplementedError


class _NeedsRefund(_NeedsStripe):
    def __init__(self, payment: Payment, reason: str):
        self.payment, self.reason = payment, reason

    def fetch(self, answers: _Answers) -> None:
        answers.refunds[self.payment.pk] = (refund_on_stripe(self.payment), self.reason)


class _NeedsSessions(_NeedsStripe):
    def __init__(self, payment_intent: str):
        self.payment_intent = payment_intent

    def fetch(self, answers: _Answers) -> None:
        client = stripe_client()
        found = client.v1.checkout.sessions.list(
            params={"payment_intent": self.payment_intent, "limit": 10}
        )
        answers.sessions[self.payment_intent] = [session.to_dict() for session in found.data]


def _in_transactions(work: Callable[[_Answers], T]) -> T:
    answers = _Answers()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                return work(answers)
        except _NeedsStripe as need:
            need.fetch(answers)
    raise RuntimeError("A Stripe event kept asking for more calls to Stripe.")


def stripe_event_process(event: dict) -> bool:
    """Record a verified Stripe event by its id and apply it, in one transaction. Returns False
    for an event already recorded (a replay), which changes nothing. Database errors (locked,
    down) and Stripe errors propagate, with nothing recorded, so that Stripe sends it again."""
    event_id = str(event["id"])

    def record_and_apply(answers: _Answers) -> bool:
        if StripeEvent.objects.filter(event_id=event_id).exists():
            return False
        StripeEvent.objects.create(event_id=event_id, type=str(event.get("type", ""))[:100])
        _apply(event, answers)
        return True

    try:
        return _in_transactions(record_and_apply)
    except IntegrityError:
        # The same event, delivered twice at once, recorded by the other delivery.
        if StripeEvent.objects.filter(event_id=event_id).exists():
            return False
        raise


def stripe_event_apply(event: dict) -> None:
    """Apply one Stripe event (a dict as Stripe sends it) without recording it. Idempotent:
    applying it again, or after later events, changes nothing more."""
    _in_transactions(lambda answers: _apply(event, answers))


def _apply(event: dict, answers: _Answers) -> None:
    handler = HANDLERS.get(event.get("type", ""))
    data = event.get("data") or {}
    if handler is None:
        logger.info(
            "Stripe event %s (%s) needs nothing from us", event.get("id"), event.get("type")
        )
        return
    handler(data.get("object") or {}, answers)


def _session_payment(session: dict) -> Payment | None:
    """Our Payment for a Checkout Session, or None for a session that is not ours. A session
    of ours whose row was never written (the request that opened it failed after Stripe
    answered) gets its row now: a payment is never lost."""
    session_id = session.get("id")
    if not session_id:
        return None
    payment = Payment.objects.filter(checkout_session_id=session_id).first()
    if payment is not None:
        return payment
    metadata = session.get("metadata") or {}
    reference = session.get("client_reference_id") or metadata.get("registration")
    registration = (
        Registration.objects.select_related("event", "ticket").filter(reference=reference).first()
        if reference
        else None
    )
    slug = metadata.get("event")
    if registration is None or (slug and slug != registration.event.slug):
        logger.info("Checkout Session %s is not one of ours", session_id)
        return None
    # What the registration owes, as when we opened the session; what Stripe says was charged is
    # compared with it before anything is confirmed (_charged_as_asked).
    payment, _created = Payment.objects.get_or_create(
        checkout_session_id=session_id,
        defaults={
            "registration": registration,
            "amount": registration.ticket.price,
            "currency": registration.ticket.currency.upper(),
        },
    )
    return payment


def _charged(session: dict) -> tuple[Decimal | None, str]:
    """The amount and currency a session says it charged (None when it says nothing usable)."""
    currency = session.get("currency")
    currency = currency.upper()[:3] if isinstance(currency, str) else ""
    total = session.get("amount_total")
    if isinstance(total, bool) or not isinstance(total, int) or total < 0 or len(currency) != 3:
        return None, currency
    return from_minor_units(total, currency), currency


def _charged_as_asked(session: dict, payment: Payment) -> bool:
    amount, currency = _charged(session)
    return amount is not None and currency == payment.currency.upper() and amount == payment.amount


def _flag_mismatch(session: dict, payment: Payment) -> None:
    """Paid, but not what we asked: recorded, not confirmed; the organisers see it."""
    amount, currency = _charged(session)
    payment.status = PaymentStatus.MISMATCH
    payment.received_amount = amount
    payment.received_currency = currency
    payment.save(update_fields=["status", "received_amount", "received_currency"])
    logger.warning(
        "Checkout Session %s of %s charged %s %s, not the %s %s asked: not confirmed",
        payment.checkout_session_id,
        payment.registration.reference,
        amount,
        currency,
        payment.amount,
        payment.currency,
    )


def _locked(payment: Payment) -> tuple[Registration, Payment]:
    """Lock the payment's registration (every change to its payments happens under this lock),
    then read the payment afresh."""
    registration = registration_lock(payment.registration)
    payment = Payment.objects.get(pk=payment.pk)
    payment.registration = registration
    return registration, payment


def _note_intent(payment: Payment, payment_intent: Any) -> None:
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    if payment_intent and payment.payment_intent_id != payment_intent:
        payment.payment_intent_id = payment_intent
        payment.save(update_fields=["payment_intent_id"])


def _session_paid(session: dict, answers: _Answers) -> None:
    if session.get("payment_status") not in PAID:
        # Completed, but the money is still on its way (a bank debit): the
        # async_payment_succeeded or _failed event follows.
        payment = _session_payment(session)
        if payment is not None:
            _registration, payment = _locked(payment)
            _note_intent(payment, session.get("payment_intent"))
        return
    payment = _session_payment(session)
    if payment is None:
        return
    registration, payment = _locked(payment)
    _note_intent(payment, session.get("payment_intent"))
    if payment.pk in answers.refunds:  # refunded on Stripe during an earlier run
        refund_id, reason = answers.refunds[payment.pk]
        _settle_refund(registration, payment, refund_id, reason, by_us=True)
        return
    if payment.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED, PaymentStatus.MISMATCH):
        return  # seen already, or refunded before the completion reached us
    if not _charged_as_asked(session, payment):
        _flag_mismatch(session, payment)
        return
    now = timezone.now()
    reason = _confirmation(registration, payment, now)  # or raises _NeedsRefund
    payment.status = PaymentStatus.PAID
    payment.paid_at = now
    payment.save(update_fields=["status", "paid_at"])
    if reason:
        registration_transition(registration, State.CONFIRMED, by=None, reason=reason)


def _confirmation(registration: Registration, payment: Payment, now: datetime) -> str:
    """Why this payment confirms the registration ("" if it is confirmed already), or
    _NeedsRefund when it cannot: the hold ran out and no seat is left, the registration was
    cancelled meanwhile, or another payment confirmed it already."""
    if registration.state == State.PENDING_PAYMENT:
        if registration.hold_expires_at and registration.hold_expires_at > now:
            return _("paid")
        if seat_available(registration, now):
            return _("paid after the seat hold ran out; a seat was still free")
        raise _NeedsRefund(
            payment,
            _(
                "paid after the seat hold ran out and no seat was left; the payment was "
                "refunded automatically"
            ),
        )
    if registration.state == State.CONFIRMED:
        if paid_payments(registration, but=payment).exists():
            raise _NeedsRefund(
                payment, _("paid twice; the second payment was refunded automatically")
            )
        return ""
    raise _NeedsRefund(
        payment,
        _("paid after the registration was %(state)s; the payment was refunded automatically")
        % {"state": registration.get_state_display().lower()},
    )


def _settle_refund(
    registration: Registration, payment: Payment, refund_id: str, reason: str, *, by_us: bool
) -> None:
    """Record a payment as refunded; the registration ends refunded unless another payment
    still pays for it."""
    now = timezone.now()
    if by_us and payment.paid_at is None:
        payment.paid_at = now
        payment.save(update_fields=["paid_at"])
    payment_mark_refunded(payment, refund_id, now)
    if registration.state == State.REFUNDED:
        return
    if registration.state == State.CONFIRMED and paid_payments(registration).exists():
        return  # a duplicate payment went back; the one that confirmed stands
    if State.REFUNDED in ALLOWED[registration.state]:
        before = registration.state
        registration_transition(registration, State.REFUNDED, by=None, reason=reason)
        seat_release(registration, before)


def _session_failed(session: dict, answers: _Answers) -> None:
    payment = _session_payment(session)
    if payment is None:
        return
    _registration, payment = _locked(payment)
    _note_intent(payment, session.get("payment_intent"))
    if payment.status == PaymentStatus.OPEN:
        payment.status = PaymentStatus.FAILED
        payment.save(update_fields=["status"])


def _session_expired(session: dict, answers: _Answers) -> None:
    payment = _session_payment(session)
    if payment is None:
        return
    registration, payment = _locked(payment)
    if payment.status in (PaymentStatus.OPEN, PaymentStatus.FAILED):
        payment.status = PaymentStatus.EXPIRED
        payment.save(update_fields=["status"])
    now = timezone.now()
    still_paying = Payment.objects.filter(
        registration_id=registration.pk, status__in=[PaymentStatus.OPEN, PaymentStatus.PAID]
    ).exists()
    if (
        registration.state == State.PENDING_PAYMENT
        and registration.hold_expires_at is not None
        and registration.hold_expires_at <= now
        and not still_paying
    ):
        registration_transition(
            registration, State.CANCELLED, by=None, reason=_("checkout expired")
        )
        seat_release(registration, State.PENDING_PAYMENT)


def _charge_refunded(charge: dict, answers: _Answers) -> None:
    if not charge.get("refunded"):
        # A partial refund: the registration stands.
        logger.info("Charge %s partly refunded; nothing to change", charge.get("id"))
        return
    payment_intent = charge.get("payment_intent")
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    payment = _intent_payment(payment_intent, answers)
    if payment is None:
        return
    registration, payment = _locked(payment)
    _note_intent(payment, payment_intent)
    refunds = (charge.get("refunds") or {}).get("data") or []
    refund_id = refunds[0].get("id", "") if refunds and isinstance(refunds[0], dict) else ""
    _settle_refund(registration, payment, refund_id, _("refunded on Stripe"), by_us=False)


def _intent_payment(payment_intent: str | None, answers: _Answers) -> Payment | None:
    """Our Payment for a PaymentIntent. One whose completion has not reached us yet is found by
    asking Stripe which Checkout Session the PaymentIntent belongs to."""
    if not payment_intent:
        return None
    payment = Payment.objects.filter(payment_intent_id=payment_intent).first()
    if payment is not None:
        return payment
    if payment_intent not in answers.sessions:
        if not payments_configured():
            logger.warning("Refund of %s not matched: no Stripe key to look it up", payment_intent)
            return None
        raise _NeedsSessions(payment_intent)
    for session in answers.sessions[payment_intent]:
        payment = _session_payment(session)
        if payment is not None:
            return payment
    logger.info("PaymentIntent %s is not one of ours", payment_intent)
    return None


HANDLERS: dict[str, Callable[[dict, _Answers], None]] = {
    "checkout.session.completed": _session_paid,
    "checkout.session.async_payment_succeeded": _session_paid,
    "checkout.session.async_payment_failed": _session_failed,
    "checkout.session.expired": _session_expired,
    "charge.refunded": _charge_refunded,
}


def checkout_sync(registration: Registration, session_id: str) -> str | None:
    """When the attendee comes back from Stripe, ask Stripe how their session ended and apply
    it at once (the webhook says the same a moment later; applying twice changes nothing).
    Returns the session's payment_status ("paid", "unpaid" while a bank debit clears), or None
    when it cannot be known now; the page then says the payment is being confirmed."""
    if not payments_configured() or not session_id:
        return None
    payment = Payment.objects.filter(
        registration_id=registration.pk, checkout_session_id=session_id
    ).first()
    if payment is None:
        return None
    if payment.status != PaymentStatus.OPEN:
        return None
    try:
        session = stripe_client().v1.checkout.sessions.retrieve(session_id).to_dict()
        if session.get("status") == "complete" and session.get("payment_status") in PAID:
            stripe_event_apply({"type": "checkout.session.completed", "data": {"object": session}})
    except Exception:
        # Stripe or the database not answering now: the webhook will do it.
        logger.warning("Could not check Checkout Session %s now", session_id, exc_info=True)
        return None
    if session.get("status") != "complete":
        return None
    return session.get("payment_status")
