"""A registration's life: which state may follow which (ALLOWED), and the one function that
moves a registration from one to the next, used by every service that changes its state (these,
the waiting list's, and payments')."""

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError
from events.models import Event
from registrations.mail import notify
from registrations.models import (
    Registration,
    RevokedBadge,
    State,
    Transition,
    new_badge_secret,
)
from registrations.webhooks.events import registration_changed

# Which state may follow which; anything else is refused.
ALLOWED = {
    None: {State.AWAITING_APPROVAL, State.PENDING_PAYMENT, State.CONFIRMED, State.WAITLISTED},
    State.AWAITING_APPROVAL: {
        State.PENDING_PAYMENT,
        State.CONFIRMED,
        State.WAITLISTED,
        State.CANCELLED,
    },
    State.PENDING_PAYMENT: {State.CONFIRMED, State.CANCELLED, State.REFUNDED},
    State.CONFIRMED: {State.CANCELLED, State.REFUNDED},
    State.WAITLISTED: {State.OFFERED, State.CANCELLED},
    State.OFFERED: {State.CONFIRMED, State.PENDING_PAYMENT, State.CANCELLED},
    # A paid registration cancelled by an organiser can still be refunded afterwards.
    State.CANCELLED: {State.REFUNDED},
    State.REFUNDED: set(),
}


def registration_transition(
    registration: Registration, to: str, *, by: User | None, reason: str = ""
) -> None:
    """Move a registration to the state `to`, if ALLOWED from its state, and save it: a badge
    code on confirmation, the code revoked on cancellation or refund, the change recorded (who,
    why), the attendee mailed and the integrators' webhooks queued. Call it with the registration
    locked (registration_lock) in the caller's transaction; a hold's or offer's deadline is the
    caller's (services.waitlist)."""
    before = registration.state or None
    if to not in ALLOWED[before]:
        raise DomainError(
            _("A registration that is %(state)s cannot become %(to)s.")
            % {
                "state": State(before).label.lower() if before else _("new"),
                "to": State(to).label.lower(),
            },
            code="illegal_transition",
            status=409,
        )
    registration.state = to
    revoked = None
    if to == State.CONFIRMED and not registration.badge_secret:
        registration.badge_secret = new_badge_secret()
    elif to in (State.CANCELLED, State.REFUNDED) and registration.badge_secret:
        revoked, registration.badge_secret = registration.badge_secret, None
    registration.save()
    if revoked:
        RevokedBadge.objects.create(
            secret=revoked, registration=registration, reason=State(to).label
        )
    Transition.objects.create(
        registration=registration,
        from_state=before or "",
        to_state=to,
        actor=by if by is not None and by.is_authenticated else None,
        reason=reason[:500],
    )
    notify(registration)
    registration_changed(registration, before, to)


def event_seats_lock(event_id: int) -> None:
    """Take the event's seat lock for the transaction, before any registration or quota row:
    every write that takes, frees or offers seats (registering, the waiting list, cancelling,
    paying, expiring, a quota's new size) holds it first, so no two of them ever wait on each
    other crosswise (the waiting list's deadlocks). It is the event's row, locked FOR NO KEY
    UPDATE: rows that only refer to the event (a check-in, a new registration's foreign key)
    are not held up by it."""
    list(Event.objects.select_for_update(no_key=True).filter(pk=event_id).values_list("pk"))


def registration_lock(registration: Registration) -> Registration:
    """The registration read afresh and locked for the transaction, with its ticket, quota and
    event: every change to a registration and its payments happens under this lock (and the
    event's seat lock, taken first)."""
    event_seats_lock(registration.event_id)
    # Lock the registration row only: its quota is an outer join, which PostgreSQL cannot lock.
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("ticket__quota", "event")
        .get(pk=registration.pk)
    )
