"""Every write to tickets, quotas and registrations goes through here.

Taking a seat never oversells: the quota rows a seat counts against (its ticket's and its
attendance mode's) are locked in one statement, in primary-key order, then the seats they hold
are counted and the registration written, all in one transaction. On PostgreSQL the lock waits
at most LOCK_TIMEOUT and then answers a clear "try again" 503 (pretix does the same with advisory
locks); SQLite serialises writers at BEGIN (IMMEDIATE transactions), which is correct for one
process."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from confman.core.exceptions import Conflict, DomainError, InvalidInput, NotFound
from events.models import Event, Organization
from events.permissions import Action, has_event_permission, require_event_permission
from events.services import validate
from registrations.mail import notify
from registrations.models import (
    Mode,
    PaymentStatus,
    Question,
    Quota,
    Registration,
    RegistrationSettings,
    RevokedBadge,
    State,
    TicketType,
    Transition,
    Visibility,
    holding,
    new_badge_secret,
)

LOCK_TIMEOUT = "3s"
# How long past its hold a registration with an open Stripe Checkout waits for its outcome
# (a Checkout Session lives at most 24 hours).
CHECKOUT_GRACE = timedelta(hours=24)

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


class SoldOut(Conflict):
    code = "sold_out"


class TryAgain(DomainError):
    status = 503
    code = "busy_try_again"


# Where each constraint's error belongs in a form or an API answer.
CONSTRAINT_FIELDS = {
    "ticket_name_taken": "name",
    "sales_window": "sales_end",
    "access_code_missing": "access_code",
    "negative_price": "price",
    "organization_taken": "organization_name",
}


# --- tickets and quotas -----------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *, event: Event, by: User | None, quota: int | None = None, **fields
) -> TicketType:
    """Add a ticket type with its quota (empty: no limit of its own)."""
    if by is not None:
        require_event_permission(by, event, Action.MANAGE_REGISTRATIONS)
    ticket = TicketType(event=event, **fields)
    validate(ticket, CONSTRAINT_FIELDS)
    ticket.save()
    Quota.objects.create(event=event, ticket=ticket, size=quota)
    return ticket


def mode_quota(event: Event, mode: str) -> Quota:
    """The event's quota for an attendance mode, created (without limit) on first use."""
    try:
        with transaction.atomic():
            quota, _created = Quota.objects.get_or_create(
                event=event, ticket=None, mode=mode, defaults={"size": None}
            )
    except IntegrityError:  # created by a concurrent request a moment ago
        quota = Quota.objects.get(event=event, ticket=None, mode=mode)
    return quota


@transaction.atomic
def quota_set(*, quota: Quota, by: User | None, size: int | None) -> Quota:
    """Change a quota's size. Seats freed by raising it go to the waiting list."""
    if by is not None:
        require_event_permission(by, quota.event, Action.MANAGE_REGISTRATIONS)
    if size is not None and size < 0:
        raise InvalidInput.for_fields({"size": [_("Give a number of seats, 0 or more.")]})
    quota.size = size
    quota.save(update_fields=["size"])
    offer_seats(quota.event)  # a raised quota is seats for the waiting list
    return quota


def seats_used(quota: Quota, now=None, leaving_out: int | None = None) -> int:
    registrations = Registration.objects.filter(holding(now))
    if leaving_out is not None:
        registrations = registrations.exclude(pk=leaving_out)
    if quota.ticket_id:
        return registrations.filter(ticket_id=quota.ticket_id).count()
    return registrations.filter(event_id=quota.event_id, mode=quota.mode).count()


@dataclass(frozen=True)
class Availability:
    ticket: TicketType
    mode: str
    remaining: int | None  # None: no limit

    @property
    def available(self) -> bool:
        return self.remaining is None or self.remaining > 0


def availability(event: Event, tickets: list[TicketType] | None = None) -> list[Availability]:
    """Seats left per ticket and mode, the smallest of the quotas a seat counts against. Three
    queries, however many tickets."""
    tickets = list(event.ticket_types.select_related("quota")) if tickets is None else tickets
    now = timezone.now()
    mode_sizes = dict(Quota.objects.filter(event=event, ticket=None).values_list("mode", "size"))
    held = Registration.objects.filter(event=event).filter(holding(now))
    by_ticket = dict(held.values("ticket").annotate(n=Count("pk")).values_list("ticket", "n"))
    by_mode = dict(held.values("mode").annotate(n=Count("pk")).values_list("mode", "n"))
    result = []
    for ticket in tickets:
        for mode in ticket.allowed_modes:
            limits = []
            size = ticket.quota.size if hasattr(ticket, "quota") else None
            if size is not None:
                limits.append(size - by_ticket.get(ticket.pk, 0))
            if mode_sizes.get(mode) is not None:
                limits.append(mode_sizes[mode] - by_mode.get(mode, 0))
            result.append(Availability(ticket, mode, max(0, min(limits)) if limits else None))
    return result


def _lock(quotas: list[Quota]) -> list[Quota]:
    """Lock these quota rows for the transaction, in one statement and primary-key order, so
    that two requests never wait on each other crosswise."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        return list(
            Quota.objects.select_for_update().filter(pk__in=[q.pk for q in quotas]).order_by("pk")
        )
    except OperationalError:
        raise TryAgain(
            _("Many people are registering at this moment; please try again in a few seconds.")
        ) from None


def ticket_quota(ticket: TicketType) -> Quota:
    """The ticket's own quota (made without a limit if the ticket came without one)."""
    try:
        return ticket.quota
    except Quota.DoesNotExist:
        quota, _created = Quota.objects.get_or_create(
            ticket=ticket, defaults={"event_id": ticket.event_id, "size": None}
        )
        return quota


def _has_room(registration: Registration, now) -> bool:
    """Under the quota locks: is there a seat for this registration's ticket and mode? A
    registration already holding a seat is not counted against itself."""
    quotas = _lock(
        [ticket_quota(registration.ticket), mode_quota(registration.event, registration.mode)]
    )
    for quota in quotas:
        if quota.size is None:
            continue
        used = seats_used(quota, now, leaving_out=registration.pk)
        if used >= quota.size:
            return False
    return True


# --- registrations ----------------------------------------------------------------------------


def _move(registration: Registration, to: str, *, by: User | None, reason: str = "") -> None:
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
    _schedule_deadline(registration)
    Transition.objects.create(
        registration=registration,
        from_state=before or "",
        to_state=to,
        actor=by if by is not None and by.is_authenticated else None,
        reason=reason[:500],
    )
    notify(registration)


def _seat_state(registration: Registration, now) -> str:
    """Confirmed for a free ticket; a payment hold for a paid one."""
    if registration.ticket.is_free:
        registration.hold_expires_at = None
        return State.CONFIRMED
    registration.hold_expires_at = now + timedelta(minutes=registration.ticket.hold_minutes)
    return State.PENDING_PAYMENT


PERSON_FIELDS = (
    "name",
    "email",
    "organization",
    "country",
    "position",
    "accessibility_needs",
    "dietary_needs",
    "answers",
    "language",
)


def register(
    *,
    ticket: TicketType,
    mode: str,
    consent_version: str,
    access_code: str = "",
    waitlist: bool = True,
    by: User | None = None,
    **person: Any,
) -> Registration:
    """Register someone for a ticket. A free ticket with a seat confirms at once, a paid one
    holds the seat for `ticket.hold_minutes` while they pay, an approval ticket waits for an
    organiser; with no seat left they join the waiting list (or, with waitlist=False, SoldOut)."""
    event = ticket.event
    if not settings_for(event).is_open and not (
        by is not None and by.is_authenticated and _can_manage(by, event)
    ):
        raise InvalidInput.for_fields({"ticket": [_("Registration for this event is closed.")]})
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    now = timezone.now()
    _check_ticket(ticket, mode, access_code, by, now)
    registration = Registration(
        event=event,
        ticket=ticket,
        mode=mode,
        consent_at=now,
        consent_version=consent_version,
        user=by if by is not None and by.is_authenticated else None,
        state=State.CONFIRMED,  # replaced below; full_clean needs a valid value
        **person,
    )
    registration.answers = clean_answers(ticket, person.get("answers") or {})
    validate(registration, CONSTRAINT_FIELDS)
    registration.state = ""
    with transaction.atomic():
        if ticket.requires_approval:
            _move(registration, State.AWAITING_APPROVAL, by=by, reason=_("registered"))
            return registration
        queue = Registration.objects.filter(ticket=ticket, mode=mode, state=State.WAITLISTED)
        if queue.exists():
            # Seats freed by lapsed holds or offers go to those already waiting, in order.
            expire_overdue(event)
        if not queue.exists() and _has_room(registration, now):
            _move(registration, _seat_state(registration, now), by=by, reason=_("registered"))
            return registration
        if queue.exists() and waitlist:
            _move(registration, State.WAITLISTED, by=by, reason=_("others are waiting"))
            offer_seats(event)
            return registration
        if not waitlist:
            raise SoldOut(
                _("“%(ticket)s” is sold out for %(mode)s attendance.")
                % {"ticket": ticket.name, "mode": Mode(mode).label.lower()},
                details={"waitlist": True},
            )
        _move(registration, State.WAITLISTED, by=by, reason=_("no seat left"))
        return registration


def _check_ticket(ticket: TicketType, mode: str, access_code: str, by, now) -> None:
    event = ticket.event
    organiser = by is not None and by.is_authenticated and _can_manage(by, event)
    if not event.is_public and not organiser:
        raise NotFound(_("There is no event “%(slug)s”.") % {"slug": event.slug})
    if not organiser and (event.status == Event.Status.ARCHIVED or event.is_over):
        raise InvalidInput.for_fields(
            {"ticket": [_("This event is over; registration is closed.")]}
        )
    if not organiser:
        if ticket.visibility == Visibility.INVITATION:
            raise InvalidInput.for_fields(
                {"ticket": [_("This ticket is by invitation only; ask the organisers.")]}
            )
        if ticket.visibility == Visibility.CODE and access_code.strip() != ticket.access_code:
            raise InvalidInput.for_fields(
                {"access_code": [_("The access code is not right; check the invitation.")]}
            )
        if not ticket.on_sale(now):
            message = (
                _("Registration for this ticket has not opened yet.")
                if ticket.sales_start and now < ticket.sales_start
                else _("Registration for this ticket has closed.")
            )
            raise InvalidInput.for_fields({"ticket": [message]})
    if mode not in ticket.allowed_modes:
        raise InvalidInput.for_fields(
            {
                "mode": [
                    _("“%(ticket)s” is only for this attendance: %(modes)s.")
                    % {
                        "ticket": ticket.name,
                        "modes": ", ".join(str(Mode(m).label) for m in ticket.allowed_modes),
                    }
                ]
            }
        )


def _can_manage(user: User, event: Event) -> bool:
    return has_event_permission(user, event, Action.MANAGE_REGISTRATIONS)


def _fresh(registration: Registration) -> Registration:
    # Lock the registration row only: its quota is an outer join, which PostgreSQL cannot lock.
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("ticket__quota", "event")
        .get(pk=registration.pk)
    )


@transaction.atomic
def approve(*, registration: Registration, by: User | None, reason: str = "") -> Registration:
    """An organiser accepts a registration awaiting approval: it takes a seat (confirmed, or a
    payment hold) or, with none left, joins the waiting list."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = _fresh(registration)
    if registration.state != State.AWAITING_APPROVAL:
        raise DomainError(
            _("Only a registration awaiting approval can be approved; this one is %(state)s.")
            % {"state": registration.get_state_display().lower()},
            code="illegal_transition",
            status=409,
        )
    now = timezone.now()
    if _has_room(registration, now):
        _move(registration, _seat_state(registration, now), by=by, reason=reason or _("approved"))
    else:
        _move(registration, State.WAITLISTED, by=by, reason=_("approved; no seat left"))
    return registration


@transaction.atomic
def cancel(*, registration: Registration, by: User | None, reason: str = "") -> Registration:
    """Cancel a registration: an organiser (`by`), or the attendee through their signed link
    (`by=None`, the link being the proof). Its seat, if it held one, is free at once."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = _fresh(registration)
    if registration.state == State.CANCELLED:
        return registration
    freed = registration.state in (State.CONFIRMED, State.PENDING_PAYMENT, State.OFFERED)
    _move(registration, State.CANCELLED, by=by, reason=reason or _("cancelled"))
    if freed:
        offer_seats(registration.event)
    return registration


# --- what the registration form needs ---------------------------------------------------------


def settings_for(event: Event) -> RegistrationSettings:
    """The event's registration settings; open, with the standard privacy notice, until an
    organiser says otherwise."""
    found = RegistrationSettings.objects.filter(event=event).first()
    return found or RegistrationSettings(event=event, privacy_notice=default_privacy_notice(event))


def default_privacy_notice(event: Event) -> str:
    return _(
        "The organisers of %(title)s use what you give here (your name, email, organisation, "
        "country, position, needs and answers) only to run this event: to confirm your place, "
        "prepare badges and seating, meet your accessibility and dietary needs, and tell you of "
        "changes. Your email is never shown to other participants. You can see, change or "
        "cancel your registration at any time through the link in your confirmation email."
    ) % {"title": event.title}


def organization_for(name: str, country: str) -> Organization | None:
    """The registry's organisation of this name in this country (any case), or a new one: an
    attendee may name an organisation the registry does not know yet."""
    name = " ".join(name.split())
    if not name:
        return None
    found = Organization.objects.filter(name__iexact=name, country=country).first()
    if found:
        return found
    organisation = Organization(name=name, country=country)
    validate(organisation, CONSTRAINT_FIELDS)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:  # added by someone else a moment ago
        return Organization.objects.get(name__iexact=name, country=country)
    return organisation


def tickets_on_offer(event: Event, *, code: str = "", organiser: bool = False) -> list[TicketType]:
    """The tickets someone may take now: public ones on sale, and code ones with the right code;
    an organiser, registering delegations by hand, may take any."""
    tickets = list(event.ticket_types.select_related("quota"))
    if organiser:
        return tickets
    now = timezone.now()
    return [
        t
        for t in tickets
        if t.on_sale(now)
        and (
            t.visibility == Visibility.PUBLIC
            or (t.visibility == Visibility.CODE and bool(code) and code == t.access_code)
        )
    ]


# --- the waiting list and deadlines -----------------------------------------------------------


def _schedule_deadline(registration: Registration) -> None:
    """A payment hold or an offer runs out on its own: queue a task for the moment it does."""
    due = {
        State.PENDING_PAYMENT: registration.hold_expires_at,
        State.OFFERED: registration.offer_expires_at,
    }.get(registration.state)
    if due is None:
        return
    registration_id, state = registration.pk, registration.state
    transaction.on_commit(
        lambda: expire_when_due.using(run_after=due).enqueue(registration_id, state)
    )


@task()
def expire_when_due(registration_id: int, state: str) -> str:
    """Run at a hold's or an offer's deadline: if the registration is still waiting there, it
    is cancelled and the seat goes to the waiting list."""
    return expire(registration_id, state)


@transaction.atomic
def expire(registration_id: int, state: str) -> str:
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
    _move(registration, State.CANCELLED, by=None, reason=reason)
    offer_seats(registration.event)
    return "expired"


def expire_overdue(event: Event | None = None) -> int:
    """Expire every hold and offer past its deadline (for a worker that was down at the time;
    `manage.py expire_registrations`). Returns how many."""
    now = timezone.now()
    overdue = Registration.objects.filter(
        Q(state=State.PENDING_PAYMENT, hold_expires_at__lte=now)
        | Q(state=State.OFFERED, offer_expires_at__lte=now)
    )
    if event is not None:
        overdue = overdue.filter(event=event)
    return sum(expire(pk, state) == "expired" for pk, state in overdue.values_list("pk", "state"))


@transaction.atomic
def offer_seats(event: Event) -> list[Registration]:
    """Offer free seats to the waiting list, in the order people joined: each offer holds its
    seat until it is accepted or runs out, so one seat never goes to two people. Someone whose
    ticket or mode is still full keeps their place while later people with free seats are
    offered theirs."""
    offered = []
    now = timezone.now()
    hours = settings_for(event).offer_hours
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
        if not _has_room(registration, now):
            full.add(place)
            continue
        registration.offer_expires_at = now + timedelta(hours=hours)
        _move(registration, State.OFFERED, by=None, reason=_("a seat became free"))
        offered.append(registration)
    return offered


@transaction.atomic
def offer_to(*, registration: Registration, by: User | None) -> Registration:
    """An organiser moves someone up the waiting list by hand: they get the next free seat's
    offer now (refused when there is no seat)."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = _fresh(registration)
    if registration.state != State.WAITLISTED:
        raise DomainError(
            _("Only someone on the waiting list can be offered a seat; this one is %(state)s.")
            % {"state": registration.get_state_display().lower()},
            code="illegal_transition",
            status=409,
        )
    now = timezone.now()
    if not _has_room(registration, now):
        raise SoldOut(_("There is no free seat for this ticket and mode to offer."))
    registration.offer_expires_at = now + timedelta(
        hours=settings_for(registration.event).offer_hours
    )
    _move(registration, State.OFFERED, by=by, reason=_("offered by an organiser"))
    return registration


@transaction.atomic
def accept_offer(*, registration: Registration) -> Registration:
    """The attendee takes the seat offered (through their link): confirmed for a free ticket,
    a payment hold for a paid one."""
    registration = _fresh(registration)
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
    _move(registration, _seat_state(registration, now), by=None, reason=_("offer accepted"))
    return registration


@transaction.atomic
def change_mode(*, registration: Registration, mode: str, by: User | None = None) -> Registration:
    """Switch between in person and online, when the ticket allows both and the other mode has
    a seat (checked under its quota lock)."""
    registration = _fresh(registration)
    if mode == registration.mode:
        return registration
    if mode not in registration.ticket.allowed_modes:
        raise InvalidInput.for_fields(
            {"mode": [_("Your ticket does not allow this attendance; ask the organisers.")]}
        )
    if registration.state not in (State.CONFIRMED, State.PENDING_PAYMENT, State.AWAITING_APPROVAL):
        raise DomainError(
            _("Only a confirmed or pending registration can change its attendance."),
            code="illegal_transition",
            status=409,
        )
    before = registration.mode
    registration.mode = mode
    if registration.state != State.AWAITING_APPROVAL and not _has_room(
        registration, timezone.now()
    ):
        raise SoldOut(
            _("There is no free seat for %(mode)s attendance.") % {"mode": Mode(mode).label.lower()}
        )
    registration.save(update_fields=["mode", "updated_at"])
    Transition.objects.create(
        registration=registration,
        from_state=registration.state,
        to_state=registration.state,
        actor=by if by is not None and by.is_authenticated else None,
        reason=_("attendance changed from %(before)s to %(after)s")
        % {"before": Mode(before).label.lower(), "after": Mode(mode).label.lower()},
    )
    offer_seats(registration.event)  # the seat left behind
    return registration


@transaction.atomic
def badge_reissue(*, registration: Registration, by: User | None) -> Registration:
    """A new badge code (a lost or shared badge): the old one stops working at once."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = _fresh(registration)
    if registration.state != State.CONFIRMED:
        raise DomainError(
            _("Only a confirmed registration has a badge."), code="not_confirmed", status=409
        )
    if registration.badge_secret:
        RevokedBadge.objects.create(
            secret=registration.badge_secret, registration=registration, reason=_("reissued")
        )
    registration.badge_secret = new_badge_secret()
    registration.save(update_fields=["badge_secret", "updated_at"])
    return registration


def clean_answers(ticket: TicketType, answers: dict) -> dict:
    """The answers to the event's questions, checked: only its questions, valid choices,
    bounded text, and every required question of this ticket answered."""
    if not isinstance(answers, dict):
        raise InvalidInput.for_fields({"answers": [_("Give the answers by question id.")]})
    questions = {
        str(q.pk): q
        for q in ticket.event.questions.prefetch_related("tickets")
        if not q.tickets.all() or ticket in q.tickets.all()
    }
    problems: dict[str, list[str]] = {}
    cleaned = {}
    for key, value in answers.items():
        question = questions.get(str(key))
        if question is None:
            problems.setdefault("answers", []).append(
                _("There is no question %(id)s for this ticket.") % {"id": key}
            )
            continue
        field = f"answers.{key}"
        if question.kind == Question.Kind.YES_NO:
            valid = isinstance(value, bool)
        elif question.kind == Question.Kind.CHOICE:
            valid = value in question.choices
        elif question.kind == Question.Kind.MULTIPLE:
            valid = isinstance(value, list) and all(v in question.choices for v in value)
        else:
            valid = isinstance(value, str) and len(value) <= 2000
        if not valid:
            problems.setdefault(field, []).append(
                _("Not a valid answer to “%(question)s”.") % {"question": question.label}
            )
        elif value not in ("", [], None):
            cleaned[str(key)] = value
    for key, question in questions.items():
        if question.required and key not in cleaned and f"answers.{key}" not in problems:
            problems.setdefault(f"answers.{key}", []).append(
                _("“%(question)s” needs an answer.") % {"question": question.label}
            )
    if problems:
        raise InvalidInput.for_fields(problems)
    return cleaned
