"""Paying for a ticket with Stripe Checkout, and what Stripe tells us afterwards.

A paid ticket's registration holds its seat (`pending_payment`) while the attendee pays on a
Stripe Checkout page opened by `start_checkout`. Stripe reports the outcome through the webhook
(registrations/webhooks.py), which hands every event to `process_event`: the event id is recorded
and the event applied in one transaction, so a replay changes nothing, and the events may come
in any order and any number of times:

- the session paid (`checkout.session.completed` with the money in, or
  `checkout.session.async_payment_succeeded`): the payment is paid and the registration
  confirmed. A payment that arrives after its hold ran out confirms the seat if one is still
  free, else is refunded at once (and the registration ends `refunded`, with the reason);
- `checkout.session.async_payment_failed`: the payment failed; the hold stands until it ends;
- `checkout.session.expired`: the payment expired and, once its hold has run out too, a
  registration still awaiting payment is cancelled;
- `charge.refunded` (in full): the payment and the registration are refunded, whichever order
  this and the completion arrive in; a completion after a refund confirms nothing.

No Stripe call is made while a transaction holds a lock: when applying an event needs one (a
refund, looking a charge up), the transaction is rolled back, the call made, and the
transaction run again with the answer. Calls that change something carry an idempotency key, so
that running them twice does them once. Every state change goes through services._move, with the
registration row locked (services._fresh).

With no STRIPE_SECRET_KEY (the embedded default) paid tickets say that payments are not set up;
free tickets do not need any of this."""

import hashlib
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

import stripe
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError
from events.models import Event
from events.permissions import Action, require_event_permission
from registrations.models import Payment, PaymentStatus, Registration, State, StripeEvent
from registrations.services import registrations as services

logger = logging.getLogger(__name__)

# The transport under the Stripe library. None: the library's `requests` client with our timeout;
# tests put a fake here that answers like Stripe's API.
HTTP_CLIENT: stripe.HTTPClient | None = None
HTTP_TIMEOUT = 20  # seconds for one call to Stripe
MAX_NETWORK_RETRIES = 2  # safe: every call that changes something has an idempotency key

# How long an event's transaction waits for a row lock on PostgreSQL before giving up, so that
# the webhook answers 503 (and Stripe retries) rather than hanging.
LOCK_TIMEOUT = "5s"

# Stripe wants a Checkout Session to expire between 30 minutes and 24 hours after it is made.
CHECKOUT_MIN_LIFETIME = timedelta(minutes=30)
CHECKOUT_MAX_LIFETIME = timedelta(hours=24)
CHECKOUT_MARGIN = timedelta(minutes=2)  # for clocks and the time the request takes

PAID = ("paid", "no_payment_required")  # a session's payment_status once the money is in

# Amounts go to Stripe in the currency's smallest unit (https://docs.stripe.com/currencies).
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Zero-decimal in practice, but sent as two-decimal amounts (whole units only).
WHOLE_UNITS_SENT_AS_CENTS = frozenset({"ISK"})

# Our languages as Stripe Checkout names them; any other: Stripe follows the browser.
CHECKOUT_LOCALES = {"en": "en", "zh-hans": "zh", "ru": "ru", "fr": "fr", "es": "es"}


# --- errors -----------------------------------------------------------------------------------


class PaymentsNotSetUp(DomainError):
    status = 409
    code = "payments_not_set_up"


class PaymentsUnavailable(DomainError):
    """Stripe could not be reached, or asked us to slow down: try again shortly."""

    status = 503
    code = "payments_unavailable"


class PaymentProviderError(DomainError):
    """Stripe refused what we asked."""

    status = 502
    code = "payment_provider_error"


def not_set_up(event: Event | None = None) -> PaymentsNotSetUp:
    if event is None:
        message = _(
            "Payments are not set up for this installation, so paid tickets cannot be bought "
            "online. Please contact the organisers."
        )
    else:
        message = _(
            "Payments are not set up for this installation, so paid tickets for %(event)s cannot "
            "be bought online. Please contact the organisers%(contact)s."
        ) % {
            "event": event.title,
            "contact": f" ({event.contact_email})" if event.contact_email else "",
        }
    return PaymentsNotSetUp(message)


T = TypeVar("T")


def _call_stripe(call: Callable[[], T]) -> T:
    """Make one Stripe call; its failures become errors that say what to do."""
    try:
        return call()
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        logger.warning("Stripe unavailable: %s", exc)
        raise PaymentsUnavailable(
            _("The payment service cannot be reached at the moment; try again in a minute.")
        ) from exc
    except stripe.StripeError as exc:
        logger.error("Stripe refused a request: %s", exc)
        raise PaymentProviderError(
            _("The payment service refused the request (%(problem)s). Please tell the organisers.")
            % {"problem": exc.user_message or exc.code or type(exc).__name__}
        ) from exc


# --- the Stripe client ------------------------------------------------------------------------


def configured() -> bool:
    """Whether this installation can take payments (has a Stripe secret key)."""
    return bool(settings.STRIPE_SECRET_KEY)


@cache
def _default_http_client() -> stripe.HTTPClient:
    return stripe.RequestsClient(timeout=HTTP_TIMEOUT)


def stripe_client() -> stripe.StripeClient:
    if not configured():
        raise not_set_up()
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=HTTP_CLIENT or _default_http_client(),
        max_network_retries=MAX_NETWORK_RETRIES,
    )


# --- amounts ----------------------------------------------------------------------------------


def minor_units(amount: Decimal, currency: str) -> int:
    """`amount` in the currency's smallest unit, as Stripe wants it: 12.50 EUR is 1250, 5000
    JPY is 5000, 1.25 KWD is 1250. A fraction of a currency that has none is refused."""
    code = currency.upper()
    digits = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    whole_only = code in ZERO_DECIMAL or code in WHOLE_UNITS_SENT_AS_CENTS
    if whole_only and amount != amount.to_integral_value():
        raise DomainError(
            _(
                "A price in %(currency)s cannot have a fraction (%(amount)s): the currency has no "
                "smaller unit. The organisers need to correct the ticket's price."
            )
            % {"currency": code, "amount": amount},
            code="price_not_payable",
            status=409,
        )
    value = amount.scaleb(digits)
    if value != value.to_integral_value():
        raise DomainError(
            _("The price %(amount)s %(currency)s has more decimals than the currency allows.")
            % {"currency": code, "amount": amount},
            code="price_not_payable",
            status=409,
        )
    return int(value)


def from_minor_units(value: int, currency: str) -> Decimal:
    code = currency.upper()
    digits = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    return Decimal(value).scaleb(-digits)


# --- starting a payment -----------------------------------------------------------------------


def _paid_payments(registration: Registration, *, but: Payment | None = None):
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
        and not _paid_payments(registration).exists()
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
    if _paid_payments(registration).exists():
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
        session = _call_stripe(
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


def start_checkout(registration: Registration, *, success_url: str, cancel_url: str) -> str:
    """Open a Stripe Checkout Session for a registration awaiting payment (or continue the one
    already open) and return its address, where the attendee pays. `success_url` may contain
    Stripe's `{CHECKOUT_SESSION_ID}` placeholder."""
    registration = Registration.objects.select_related("event", "ticket").get(pk=registration.pk)
    if not configured():
        raise not_set_up(registration.event)
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
    session = _call_stripe(
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


# --- refunds ----------------------------------------------------------------------------------


def refund_key(payment: Payment) -> str:
    return f"refund-{payment.pk}"


def _refund_on_stripe(payment: Payment) -> str:
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
        configured()
        and registration.state == State.CONFIRMED
        and until is not None
        and now < until
        and _paid_payments(registration).exists()
    )


def refund(registration: Registration, *, by: User | None, reason: str = "") -> Registration:
    """Give an attendee their money back through Stripe and mark the registration refunded:
    an organiser (`by`), or the attendee through their signed link (`by=None`, allowed only
    while refund_allowed). The Stripe refund is made first, outside any transaction, with an
    idempotency key; should recording it fail, Stripe's `charge.refunded` records it later."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = Registration.objects.select_related("event", "ticket").get(pk=registration.pk)
    if not configured():
        raise not_set_up(registration.event)
    if registration.state == State.REFUNDED:
        return registration
    if by is None and not refund_allowed(registration):
        raise DomainError(
            _("This ticket cannot be refunded any more; you can still cancel it."),
            code="refund_not_allowed",
            status=409,
        )
    if State.REFUNDED not in services.ALLOWED[registration.state]:
        raise DomainError(
            _("A registration that is %(state)s cannot be refunded.")
            % {"state": registration.get_state_display().lower()},
            code="illegal_transition",
            status=409,
        )
    paid = list(_paid_payments(registration).select_related("registration"))
    if not paid:
        raise DomainError(
            _("This registration has no payment to refund; cancel it instead."),
            code="nothing_to_refund",
            status=409,
        )
    refund_ids = {p.pk: _call_stripe(lambda p=p: _refund_on_stripe(p)) for p in paid}
    now = timezone.now()
    with transaction.atomic():
        registration = services._fresh(registration)
        for payment in Payment.objects.select_for_update().filter(pk__in=refund_ids):
            _mark_refunded(payment, refund_ids[payment.pk], now)
        if State.REFUNDED in services.ALLOWED[registration.state]:
            before = registration.state
            services._move(registration, State.REFUNDED, by=by, reason=reason or _("refunded"))
            _seat_freed(registration, before)
    return registration


def _seat_freed(registration: Registration, before: str) -> None:
    """A registration that held a seat (or a lapsed hold nobody offered on) left: the waiting
    list gets its offers."""
    if before in (State.CONFIRMED, State.PENDING_PAYMENT):
        services.offer_seats(registration.event)


def _mark_refunded(payment: Payment, refund_id: str, now: datetime) -> None:
    if payment.status == PaymentStatus.REFUNDED:
        return
    payment.status = PaymentStatus.REFUNDED
    payment.refunded_at = now
    payment.refund_id = refund_id or payment.refund_id
    payment.save(update_fields=["status", "refunded_at", "refund_id"])


# --- what Stripe tells us ---------------------------------------------------------------------


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
        answers.refunds[self.payment.pk] = (_refund_on_stripe(self.payment), self.reason)


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


def process_event(event: dict) -> bool:
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


def handle_event(event: dict) -> None:
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
    currency = (session.get("currency") or registration.ticket.currency).upper()
    total = session.get("amount_total")
    amount = from_minor_units(total, currency) if total is not None else registration.ticket.price
    payment, _created = Payment.objects.get_or_create(
        checkout_session_id=session_id,
        defaults={"registration": registration, "amount": amount, "currency": currency},
    )
    return payment


def _locked(payment: Payment) -> tuple[Registration, Payment]:
    """Lock the payment's registration (every change to its payments happens under this lock),
    then read the payment afresh."""
    registration = services._fresh(payment.registration)
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
    if payment.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
        return  # seen already, or refunded before the completion reached us
    now = timezone.now()
    reason = _confirmation(registration, payment, now)  # or raises _NeedsRefund
    payment.status = PaymentStatus.PAID
    payment.paid_at = now
    payment.save(update_fields=["status", "paid_at"])
    if reason:
        services._move(registration, State.CONFIRMED, by=None, reason=reason)


def _confirmation(registration: Registration, payment: Payment, now: datetime) -> str:
    """Why this payment confirms the registration ("" if it is confirmed already), or
    _NeedsRefund when it cannot: the hold ran out and no seat is left, the registration was
    cancelled meanwhile, or another payment confirmed it already."""
    if registration.state == State.PENDING_PAYMENT:
        if registration.hold_expires_at and registration.hold_expires_at > now:
            return _("paid")
        if services._has_room(registration, now):
            return _("paid after the seat hold ran out; a seat was still free")
        raise _NeedsRefund(
            payment,
            _(
                "paid after the seat hold ran out and no seat was left; the payment was "
                "refunded automatically"
            ),
        )
    if registration.state == State.CONFIRMED:
        if _paid_payments(registration, but=payment).exists():
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
    _mark_refunded(payment, refund_id, now)
    if registration.state == State.REFUNDED:
        return
    if registration.state == State.CONFIRMED and _paid_payments(registration).exists():
        return  # a duplicate payment went back; the one that confirmed stands
    if State.REFUNDED in services.ALLOWED[registration.state]:
        before = registration.state
        services._move(registration, State.REFUNDED, by=None, reason=reason)
        _seat_freed(registration, before)


def _session_failed(session: dict, answers: _Answers) -> None:
    payment = _session_payment(session)
    if payment is None:
        return
    _registration, payment = _locked(payment)
    _note_intent(payment, session.get("payment_intent"))
    if payment.status == PaymentStatus.OPEN:
        payment.status = PaymentStatus.FAILED
        payment.save(update_fields=["status"])
    # The registration keeps its hold until it runs out; the attendee may try again.


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
        services._move(registration, State.CANCELLED, by=None, reason=_("checkout expired"))
        _seat_freed(registration, State.PENDING_PAYMENT)


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
        if not configured():
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


# --- the attendee's return from Stripe --------------------------------------------------------


def sync_checkout(registration: Registration, session_id: str) -> str | None:
    """When the attendee comes back from Stripe, ask Stripe how their session ended and apply
    it at once (the webhook says the same a moment later; applying twice changes nothing).
    Returns the session's payment_status ("paid", "unpaid" while a bank debit clears), or None
    when it cannot be known now; the page then says the payment is being confirmed."""
    if not configured() or not session_id:
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
            handle_event({"type": "checkout.session.completed", "data": {"object": session}})
    except Exception:
        # Stripe or the database not answering now: the webhook will do it.
        logger.warning("Could not check Checkout Session %s now", session_id, exc_info=True)
        return None
    if session.get("status") != "complete":
        return None
    return session.get("payment_status")


@dataclass(frozen=True)
class Progress:
    """Where a registration's payment stands, for the attendee's page."""

    step: str  # confirmed, refunded, cancelled, confirming, processing, failed, pay,
    #            hold_expired, not_set_up, nothing_to_pay
    reason: str = ""
    can_pay: bool = False


def progress(
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
    if not configured():
        return Progress("not_set_up")
    if latest is not None and latest.status == PaymentStatus.FAILED:
        return Progress("failed", can_pay=True)
    return Progress("pay", can_pay=True)
