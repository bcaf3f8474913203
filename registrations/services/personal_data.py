"""A registrant's personal data, as the organisers owe it to them (as Indico 3.3 and pretix do):
everything kept about one person, to hand over on request; and, after the event, the removal
of every registrant's names, emails, needs and answers, by an organiser or on its own once the
event's retention period is over. The rows stay, without anything that names anyone, so the
counts (by ticket, mode, country, organisation) and the check-in figures stay true."""

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from confman.core.exceptions import DomainError
from events.models import Event
from events.permissions import Action, require_event_permission
from events.timezones import local_today
from registrations.models import Registration, RegistrationSettings, Transition


def registration_personal_data(registration: Registration) -> dict[str, Any]:
    """Everything kept about the person behind one registration, as JSON."""
    checkins = registration.checkins.select_related("session").order_by("scanned_at", "pk")
    return {
        "registration": {
            "reference": registration.reference,
            "event": registration.event.slug,
            "ticket": str(registration.ticket.name),
            "state": registration.state,
            "mode": registration.mode,
            "name": registration.name,
            "email": registration.email,
            "organization": registration.organization.name if registration.organization else "",
            "country": registration.country.code if registration.country else "",
            "position": registration.position,
            "accessibility_needs": registration.accessibility_needs,
            "dietary_needs": registration.dietary_needs,
            "answers": registration.answers,
            "gender": registration.gender,
            "gender_described": registration.gender_described,
            "language": registration.language,
            "consent_at": registration.consent_at.isoformat(),
            "consent_version": registration.consent_version,
            "registered_at": registration.created_at.isoformat(),
            "updated_at": registration.updated_at.isoformat(),
            "anonymised_at": registration.anonymised_at and registration.anonymised_at.isoformat(),
        },
        "history": [
            {"from": t.from_state, "to": t.to_state, "why": t.reason, "at": t.at.isoformat()}
            for t in registration.transitions.order_by("at", "pk")
        ],
        "payments": [
            {
                "amount": str(p.amount),
                "currency": p.currency,
                "status": p.status,
                "created_at": p.created_at.isoformat(),
                "paid_at": p.paid_at and p.paid_at.isoformat(),
                "refunded_at": p.refunded_at and p.refunded_at.isoformat(),
            }
            for p in registration.payments.order_by("created_at", "pk")
        ],
        "check_ins": [
            {
                "type": c.type,
                "answer": c.result,
                "entrance": c.gate,
                "session": str(c.session.title) if c.session_id else "",
                "scanned_at": c.scanned_at.isoformat(),
            }
            for c in checkins
        ],
    }


@transaction.atomic
def event_registrations_anonymise(*, event: Event, by: User | None) -> int:
    """Remove every registrant's names, emails, needs and answers, once the event is over.
    Returns how many registrations were anonymised (0 when done before)."""
    if by is not None:
        require_event_permission(by, event, Action.MANAGE_REGISTRATIONS)
    if not event.is_over:
        raise DomainError(
            _(
                "Personal data can be removed once the event is over, after %(day)s; until "
                "then the registrants need their registrations."
            )
            % {"day": event.end_date.isoformat()},
            code="event_not_over",
            status=409,
        )
    registrations = Registration.objects.filter(event=event, anonymised_at__isnull=True)
    ids = list(registrations.values_list("pk", flat=True))
    # Reasons are typed by people and may name someone; the states and times stay.
    Transition.objects.filter(registration_id__in=ids).update(reason="")
    return Registration.objects.filter(pk__in=ids).update(
        name=Concat(Value("#"), F("reference")),
        email="",
        # search_text_of(name, "", reference): found by the reference only (ASCII, upper case).
        search_text=Concat(Value("#"), Lower("reference"), Value(" "), Lower("reference")),
        position="",
        accessibility_needs="",
        dietary_needs="",
        answers={},
        gender_described="",
        user=None,
        badge_secret=None,
        anonymised_at=timezone.now(),
    )


def retention_due(settings: RegistrationSettings) -> bool:
    if settings.retention_days is None:
        return False
    last_day = settings.event.end_date + timedelta(days=settings.retention_days)
    return local_today(settings.event.timezone) > last_day


def registrations_anonymise_due() -> int:
    """Anonymise every event whose retention period is over (the task below, and
    `manage.py anonymise_registrations` for a worker that was down). Returns how many."""
    count = 0
    for settings in RegistrationSettings.objects.filter(
        retention_days__isnull=False
    ).select_related("event"):
        if retention_due(settings):
            count += event_registrations_anonymise(event=settings.event, by=None)
    return count


@task()
def anonymise_when_due(event_id: int) -> str:
    """Run once the retention period an organiser set has passed (queued when it is set)."""
    settings = RegistrationSettings.objects.select_related("event").filter(pk=event_id).first()
    if settings is None or not retention_due(settings):
        return "not due"
    return f"{event_registrations_anonymise(event=settings.event, by=None)} anonymised"


def retention_schedule(settings: RegistrationSettings) -> None:
    """Queue the removal for the day after the retention period ends (after commit)."""
    if settings.retention_days is None:
        return
    due = settings.event.end_date + timedelta(days=settings.retention_days + 1)
    run_after = datetime.combine(due, time(0), tzinfo=settings.event.tzinfo)
    event_id = settings.pk
    transaction.on_commit(lambda: anonymise_when_due.using(run_after=run_after).enqueue(event_id))
