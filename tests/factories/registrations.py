"""Tickets and registrations for tests.

Tickets are made through registrations.services.ticket_create (a ticket always comes with its
Quota row). Registrations are normally made with register(); `RegistrationFactory` writes a row
directly, for states no service reaches yet (offers, refunds, expired holds)."""

import datetime as dt
import itertools

import factory
from django.utils import timezone

from events.models import AttendanceMode
from registrations.models import Registration, State, TicketType, new_badge_secret
from registrations.services.registrations import registration_create
from registrations.services.tickets import ticket_create
from tests.factories.events import EventFactory

_names = itertools.count(1)


def ticket(event, quota: int | None = None, **fields) -> TicketType:
    """A ticket type for `event` with a ticket quota of `quota` seats (None: no limit)."""
    fields.setdefault("name", f"Ticket {next(_names)}")
    return ticket_create(event=event, by=None, quota=quota, **fields)


class TicketTypeFactory(factory.django.DjangoModelFactory):
    """TicketTypeFactory(event=..., quota=10, price=...): made by ticket_create."""

    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Ticket type {n}")
    quota = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        quota = kwargs.pop("quota")
        return ticket_create(by=None, quota=quota, **kwargs)


_people = itertools.count(1)


def person(**overrides) -> dict:
    """Keyword arguments for register(): a valid person, consent included."""
    n = next(_people)
    fields = {
        "name": f"Participant {n}",
        "email": f"participant{n}@example.org",
        "country": "KE",
        "consent_version": "privacy-v1",
    }
    fields.update(overrides)
    return fields


def registered(ticket: TicketType, mode: str | None = None, **overrides) -> Registration:
    """register() someone for `ticket` (in its first allowed mode unless told)."""
    return registration_create(
        ticket=ticket, mode=mode or ticket.allowed_modes[0], **person(**overrides)
    )


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration row written directly (no capacity check, no Transition row)."""

    class Meta:
        model = Registration

    ticket = factory.SubFactory(TicketTypeFactory)
    event = factory.LazyAttribute(lambda r: r.ticket.event)
    mode = factory.LazyAttribute(lambda r: r.ticket.allowed_modes[0])
    state = State.CONFIRMED
    name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.LazyAttribute(lambda r: f"{r.name.lower().replace(' ', '.')}@example.org")
    country = "KE"
    consent_at = factory.LazyFunction(timezone.now)
    consent_version = "privacy-v1"
    hold_expires_at = factory.LazyAttribute(
        lambda r: (
            timezone.now() + dt.timedelta(minutes=30) if r.state == State.PENDING_PAYMENT else None
        )
    )
    offer_expires_at = factory.LazyAttribute(
        lambda r: timezone.now() + dt.timedelta(hours=24) if r.state == State.OFFERED else None
    )


class BadgeRegistrationFactory(RegistrationFactory):
    """A confirmed registration with its badge code, attending in person unless told."""

    mode = AttendanceMode.IN_PERSON
    badge_secret = factory.LazyFunction(new_badge_secret)
