"""Seats held for a while: a payment hold while the attendee pays, and a waiting-list offer
while they decide. Each runs out on its own (a task queued for its deadline); a freed seat is
offered to the waiting list in the order people joined."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from confman.core.exceptions import DomainError
from events.models import Event
from events.permissions import Action, require_event_permission
from registrations.models import (
    PaymentStatus,
    Registration,
    State,
)
from registrations.selectors import registration_settings_get
from registrations.services.lifecycle import (
    event_seats_lock,
    registration_lock,
    registration_transition,
)
from registrations.services.quotas import SoldOut, seat_available

# How long past its hold a registration with an open Stripe Checkout waits for its outcome
# (a Checkout Session lives at most 24 hours).
CHECKOUT_GRACE = timedelta(hours=24)


def seat_take(registration: Registration, now, *, by: User | None, reason: str) -> None:
    """Give a registration the seat it may take (checked by the caller): confirmed for a free
    ticket, a payment hold until `ticket.hold_minutes` from now for a paid one."""
    if registration.ticket.is_free:
        registration.hold_expires_at = None
        registration_transition(registration, State.CONFIRMED, by=by, reason=reason)
        return
    registration.hold_expires_at = now + timedelta(minutes=registration.ticket.hold_minutes)
    registration_transition(registration, State.PENDING_PAYMENT, by=by, reason=reason)
    _expire_at(registration, registration.hold_expires_at)


def _offer(registration: Registration, now, *, hours: int, by: User | None, reason: str) -> None:
    registration.offer_expires_at = now + timedelta(hours=hours)
    registration_transition(registration, State.OFFERED, by=by, reason=reason)
    _expire_at(registration, registration.offer_expires_at)


def _expire_at(registration: Registration, due) -> None:
    """A payment hold or an offer runs out on its own: queue a task for the moment it does."""
    registration_id, state = registration.pk, registration.state
    transaction.on_commit(
        lambda: expire_when_due.using(run_after=due).enqueue(registration_id, state)
    )


@task()
def expire_when_due(registration_id: int, state: str) -> str:
    """Run at a hold's or an offer's deadline: if the registration is still waiting there, it
    is cancelled and the seat goes to the waiting list."""
    return registration_expire(registration_id, state)


@transaction.atomic
def registration_expire(registration_id: int, state: str) -> str:
    """Cancel a registration whose hold or offer ran out while it still waits there, and offer
    its seat on: "expired", or why not ("moved on", "not yet", "checkout open")."""
    event_id = (
        Registration.objects.filter(pk=registration_id).values_list("event_id", flat=True).first()
    )
    if event_id is None:
        return "moved on"
    event_seats_lock(event_id)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "ticket__quota")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.state != state:
        return "moved on"
    deadline = (
        registration.hold_expires_at
        if state == State.PENDING_PAYMENT
        else registration.offer_expires_at
    )
    now = timezone.now()
    if deadline is None or deadline > now:
        return "not yet"
    if (
        state == State.PENDING_PAYMENT
        and now < deadline + CHECKOUT_GRACE
        and registration.payments.filter(status=PaymentStatus.OPEN).exists()
    ):
        # The attendee is on Stripe's page: Stripe says how it ended (paid, or the session
        # expired, which then cancels). Until then the payment may still arrive; look again
        # once the grace is over.
        again = deadline + CHECKOUT_GRACE
        transaction.on_commit(
            lambda: expire_when_due.using(run_after=again).enqueue(registration_id, state)
        )
        return "checkout open"
    reason = (
        _("payment not received in time")
        if state == State.PENDING_PAYMENT
        else _("offer not accepted in time")
    )
    registration_transition(registration, State.CANCELLED, by=None, reason=reason)
    waitlist_offer_seats(registration.event)
    return "expired"


def registrations_expire_overdue(event: Event | None = None) -> int:
    """Expire every hold and offer past its deadline (for a worker that was down at the time;
    `manage.py expire_registrations`). Returns how many."""
    now = timezone.now()
    overdue = Registration.objects.filter(
        Q(state=State.PENDING_PAYMENT, hold_expires_at__lte=now)
        | Q(state=State.OFFERED, offer_expires_at__lte=now)
    )
    if event is not None:
        overdue = overdue.filter(event=event)
    return sum(
        registration_expire(pk, state) == "expired"
        for pk, state in overdue.values_list("pk", "state")
    )


@transaction.atomic
def waitlist_offer_seats(event: Event) -> list[Registration]:
    """Offer free seats to the waiting list, in the order people joined: each offer holds its
    seat until it is accepted or runs out, so one seat never goes to two people. Someone whose
    ticket or mode is still full keeps their place while later people with free seats are
    offered theirs."""
    event_seats_lock(event.pk)  # before any registration row (most callers hold it already)
    offered = []
    now = timezone.now()
    hours = registration_settings_get(event).offer_hours
    waiting = (
        Registration.objects.select_for_update(of=("self",))
        .filter(event=event, state=State.WAITLISTED)
        .select_related("ticket__quota", "event")
        .order_by("created_at", "pk")
    )
    # Offers only take seats, so a ticket and mode found full stays full for this pass: one
    # quota check per ticket and mode, not per waiting person (hundreds may wait).
    full: set[tuple[int, str]] = set()
    for registration in waiting:
        place = (registration.ticket_id, registration.mode)
        if place in full:
            continue
        if not seat_available(registration, now):
            full.add(place)
            continue
        _offer(registration, now, hours=hours, by=None, reason=_("a seat became free"))
        offered.append(registration)
    return offered


@transaction.atomic
def registration_offer(*, registration: Registration, by: User | None) -> Registration:
    """An organiser moves someone up the waiting list by hand: they get the next free seat's
    offer now (refused when there is no seat)."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = registration_lock(registration)
    if registration.state != State.WAITLISTED:
        raise DomainError(
            _("Only someone on the waiting list can be offered a seat; this one is %(state)s.")
            % {"state": registration.get_state_display().lower()},
            code="illegal_transition",
            status=409,
        )
    now = timezone.now()
    if not seat_available(registration, now):
        raise SoldOut(_("There is no free seat for this ticket and mode to offer."))
    hours = registration_settings_get(registration.event).offer_hours
    _offer(registration, now, hours=hours, by=by, reason=_("offered by an organiser"))
    return registration


@transaction.atomic
def registration_offer_accept(*, registration: Registration) -> Registration:
    """The attendee takes the seat offered (through their link): confirmed for a free ticket,
    a payment hold for a paid one."""
    registration = registration_lock(registration)
    now = timezone.now()
    if registration.state != State.OFFERED:
        raise DomainError(
            _("There is no seat offer to accept on this registration."),
            code="no_offer",
            status=409,
        )
    if registration.offer_expires_at <= now:
        raise DomainError(
            _("This offer ran out; the seat has gone to the next person on the waiting list."),
            code="offer_expired",
            status=409,
        )
    # The offer held the seat: no new capacity check.
    seat_take(registration, now, by=None, reason=_("offer accepted"))
    return registration
