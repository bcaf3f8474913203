"""Registering, and an organiser's decisions on a registration: approve, cancel, change the
attendance mode, reissue a badge. Taking a seat never oversells: the quotas it counts against
are locked, counted and the registration written in one transaction (services.quotas)."""

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError, InvalidInput, NotFound
from confman.core.language import site_languages
from confman.core.validation import validate
from events.models import AttendanceMode, Event, Organization
from events.permissions import Action, has_event_permission, require_event_permission
from events.timezones import TIME_ZONES
from registrations.mail import send_link_again
from registrations.models import (
    CONSTRAINT_FIELDS,
    Gender,
    Question,
    Registration,
    RevokedBadge,
    State,
    TicketType,
    Transition,
    Visibility,
    active,
    new_badge_secret,
    with_address,
)
from registrations.selectors import registration_settings_get
from registrations.services.lifecycle import (
    event_seats_lock,
    registration_lock,
    registration_transition,
)
from registrations.services.quotas import SoldOut, seat_available
from registrations.services.waitlist import (
    registrations_expire_overdue,
    seat_take,
    waitlist_offer_seats,
)

PERSON_FIELDS = (
    "name",
    "email",
    "organization",
    "country",
    "position",
    "accessibility_needs",
    "dietary_needs",
    "answers",
    "gender",
    "gender_described",
    "language",
)


def _gender_clean(gender: str, described: str) -> tuple[str, str]:
    """Words typed without a choice mean "in another way"; words beside another choice are
    dropped (the choice is what they picked)."""
    described = described.strip()
    if described and gender in ("", Gender.DESCRIBED):
        return Gender.DESCRIBED, described
    return gender, ""


def registration_create(
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
    settings = registration_settings_get(event)
    if not settings.is_open and not (
        by is not None and by.is_authenticated and _can_manage(by, event)
    ):
        raise InvalidInput.for_fields({"ticket": [_("Registration for this event is closed.")]})
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    if person.get("gender") or person.get("gender_described"):
        if not settings.asks_gender:
            raise InvalidInput.for_fields(
                {"gender": [_("This event does not ask for gender; leave it out.")]}
            )
        person["gender"], person["gender_described"] = _gender_clean(
            person.get("gender", ""), person.get("gender_described", "")
        )
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
    registration.answers = answers_clean(ticket, person.get("answers") or {})
    # Its constraints hold values set here (state, deadlines) or checked (the mode, above); the
    # database keeps them, without a query each here.
    validate(registration, CONSTRAINT_FIELDS, constraints=False)
    registration.state = ""
    with transaction.atomic():
        event_seats_lock(event.pk)
        # Every registration is made under this lock, so no two with one address slip past.
        _refuse_second(registration, by, now)
        if ticket.requires_approval:
            registration_transition(
                registration, State.AWAITING_APPROVAL, by=by, reason=_("registered")
            )
            return registration
        queue = Registration.objects.filter(ticket=ticket, mode=mode, state=State.WAITLISTED)
        waiting = queue.exists()
        if waiting:
            # Seats freed by lapsed holds or offers go to those already waiting, in order.
            registrations_expire_overdue(event)
            waiting = queue.exists()
        if not waiting and seat_available(registration, now):
            seat_take(registration, now, by=by, reason=_("registered"))
            return registration
        if waiting and waitlist:
            registration_transition(
                registration, State.WAITLISTED, by=by, reason=_("others are waiting")
            )
            waitlist_offer_seats(event)
            return registration
        if not waitlist:
            raise SoldOut(
                _("“%(ticket)s” is sold out for %(mode)s attendance.")
                % {"ticket": ticket.name, "mode": AttendanceMode(mode).label.lower()},
                details={"waitlist": True},
            )
        registration_transition(registration, State.WAITLISTED, by=by, reason=_("no seat left"))
        return registration


class AlreadyRegistered(DomainError):
    """The email address has a registration for the event that still stands. The caller sends
    its link to that address (`send_link_again`) once its own transaction is over, so that the
    page need not show it: whoever typed the address only learns that it is registered."""

    status = 409
    code = "already_registered"

    def __init__(self, existing: Registration, *, organiser: bool):
        super().__init__(
            _(
                "This email address already has a registration for this event, so no second "
                "one was made. We have sent its link to that address; look for it in the "
                "inbox. To register another person, use their own email address."
            ),
            # An organiser may see it anyway: its reference saves them a search.
            details={"reference": existing.reference} if organiser else None,
        )
        self.existing = existing

    def send_link_again(self) -> None:
        send_link_again(self.existing)


def _refuse_second(registration: Registration, by: User | None, now) -> None:
    """One registration that stands per email address and event (cancelled and lapsed ones
    do not count)."""
    existing = (
        with_address(Registration.objects, registration.email)
        .filter(active(now), event=registration.event_id)
        .select_related("event", "ticket")
        .first()
    )
    if existing is not None:
        organiser = by is not None and by.is_authenticated and _can_manage(by, registration.event)
        raise AlreadyRegistered(existing, organiser=organiser)


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
        if ticket.visibility == Visibility.CODE and not ticket.opened_by(access_code):
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
                        "modes": ", ".join(
                            str(AttendanceMode(m).label) for m in ticket.allowed_modes
                        ),
                    }
                ]
            }
        )


def _can_manage(user: User, event: Event) -> bool:
    return has_event_permission(user, event, Action.MANAGE_REGISTRATIONS)


@transaction.atomic
def registration_approve(
    *, registration: Registration, by: User | None, reason: str = ""
) -> Registration:
    """An organiser accepts a registration awaiting approval: it takes a seat (confirmed, or a
    payment hold) or, with none left, joins the waiting list."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = registration_lock(registration)
    if registration.state != State.AWAITING_APPROVAL:
        raise DomainError(
            _("Only a registration awaiting approval can be approved; this one is %(state)s.")
            % {"state": registration.get_state_display().lower()},
            code="illegal_transition",
            status=409,
        )
    now = timezone.now()
    if seat_available(registration, now):
        seat_take(registration, now, by=by, reason=reason or _("approved"))
    else:
        registration_transition(
            registration, State.WAITLISTED, by=by, reason=_("approved; no seat left")
        )
    return registration


@transaction.atomic
def registration_cancel(
    *, registration: Registration, by: User | None, reason: str = ""
) -> Registration:
    """Cancel a registration: an organiser (`by`), or the attendee through their signed link
    (`by=None`, the link being the proof). Its seat, if it held one, is free at once."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = registration_lock(registration)
    if registration.state == State.CANCELLED:
        return registration
    freed = registration.state in (State.CONFIRMED, State.PENDING_PAYMENT, State.OFFERED)
    registration_transition(registration, State.CANCELLED, by=by, reason=reason or _("cancelled"))
    if freed:
        waitlist_offer_seats(registration.event)
    return registration


@transaction.atomic
def registration_reject(
    *, registration: Registration, by: User | None, reason: str = ""
) -> Registration:
    """An organiser turns down a registration awaiting approval: it is cancelled, with the
    reason. Any other registration is refused (a 409 that says to cancel it instead); one
    cancelled already stays as it is."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = registration_lock(registration)
    if registration.state == State.CANCELLED:
        return registration
    if registration.state != State.AWAITING_APPROVAL:
        raise DomainError(
            _("Only a registration awaiting approval can be rejected; cancel it instead."),
            code="not_awaiting_approval",
            status=409,
        )
    registration_transition(registration, State.CANCELLED, by=by, reason=reason or _("rejected"))
    return registration


def organization_get_or_create(name: str, country: str, event: Event) -> Organization | None:
    """The registry's organisation of this name in this country (any case), else the one
    already typed for this event, else a new one that stays with the event (not in the shared
    registry) until one of its organisers accepts it (events.services.organizations_accept)."""
    name = " ".join(name.split())
    if not name:
        return None
    same = Organization.objects.filter(name__iexact=name, country=country)
    typed_here = Q(listed=False, proposed_at=event)
    found = same.filter(Q(listed=True) | typed_here).order_by("-listed").first()
    if found:
        return found
    organisation = Organization(name=name, country=country, listed=False, proposed_at=event)
    validate(organisation, CONSTRAINT_FIELDS)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:  # typed by someone else a moment ago
        return same.filter(typed_here).get()
    return organisation


@transaction.atomic
def registration_mode_change(
    *, registration: Registration, mode: str, by: User | None = None
) -> Registration:
    """Switch between in person and online, when the ticket allows both and the other mode has
    a seat (checked under its quota lock)."""
    registration = registration_lock(registration)
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
    if registration.state != State.AWAITING_APPROVAL and not seat_available(
        registration, timezone.now()
    ):
        raise SoldOut(
            _("There is no free seat for %(mode)s attendance.")
            % {"mode": AttendanceMode(mode).label.lower()}
        )
    registration.save(update_fields=["mode", "updated_at"])
    Transition.objects.create(
        registration=registration,
        from_state=registration.state,
        to_state=registration.state,
        actor=by if by is not None and by.is_authenticated else None,
        reason=_("attendance changed from %(before)s to %(after)s")
        % {
            "before": AttendanceMode(before).label.lower(),
            "after": AttendanceMode(mode).label.lower(),
        },
    )
    waitlist_offer_seats(registration.event)  # the seat left behind
    return registration


@transaction.atomic
def badge_reissue(*, registration: Registration, by: User | None) -> Registration:
    """A new badge code (a lost or shared badge): the old one stops working at once."""
    if by is not None:
        require_event_permission(by, registration.event, Action.MANAGE_REGISTRATIONS)
    registration = registration_lock(registration)
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


def _answer(question: Question, value: Any) -> tuple[bool, Any]:
    """Whether `value` answers `question`, and the answer as kept: a choice by its value (its
    text in the event's first language), given by that value or by its text in any language."""
    if question.kind == Question.Kind.YES_NO:
        return isinstance(value, bool), value
    if question.kind == Question.Kind.CHOICE:
        chosen = question.choice_value(value)
        return chosen is not None, chosen
    if question.kind == Question.Kind.MULTIPLE:
        if not isinstance(value, list):
            return False, value
        chosen = [question.choice_value(item) for item in value]
        return None not in chosen, list(dict.fromkeys(chosen))
    return isinstance(value, str) and len(value) <= 2000, value


def answers_clean(ticket: TicketType, answers: dict) -> dict:
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
        valid, value = _answer(question, value)
        if not valid and question.has_choices:
            problems.setdefault(field, []).append(
                _("Not a valid answer to “%(question)s”; give one of %(choices)s.")
                % {
                    "question": question.label,
                    "choices": ", ".join(f"“{text}”" for _value, text in question.choice_options),
                }
            )
        elif not valid:
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


def registration_time_zone_set(*, registration: Registration, time_zone: str) -> Registration:
    """The zone the participant follows from ("": the event's): their mail gives times in it
    too. Idempotent."""
    if time_zone and time_zone not in TIME_ZONES:
        raise InvalidInput.for_fields(
            {"time_zone": [_("Choose a time zone from the list, such as Europe/Paris.")]}
        )
    if registration.time_zone != time_zone:
        registration.time_zone = time_zone
        registration.save(update_fields=["time_zone", "updated_at"])
    return registration


def registration_language_set(*, registration: Registration, language: str) -> Registration:
    """The language of the participant's mail (and of the links in it): one of the site's.
    Idempotent."""
    codes = site_languages()
    if language not in codes:
        raise InvalidInput.for_fields(
            {
                "language": [
                    _("Choose one of the languages offered: %(codes)s.")
                    % {"codes": ", ".join(codes)}
                ]
            }
        )
    if registration.language != language:
        registration.language = language
        registration.save(update_fields=["language", "updated_at"])
    return registration
