"""Tickets and their quotas, as organisers set them up (the back office calls these)."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from confman.core.exceptions import InvalidInput
from confman.core.validation import validate
from events.models import Event
from events.permissions import Action, require_event_permission
from registrations.models import (
    CONSTRAINT_FIELDS,
    Quota,
    TicketType,
)
from registrations.services.lifecycle import event_seats_lock
from registrations.services.waitlist import waitlist_offer_seats


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


@transaction.atomic
def quota_set(*, quota: Quota, by: User | None, size: int | None) -> Quota:
    """Change a quota's size. Seats freed by raising it go to the waiting list."""
    if by is not None:
        require_event_permission(by, quota.event, Action.MANAGE_REGISTRATIONS)
    if size is not None and size < 0:
        raise InvalidInput.for_fields({"size": [_("Give a number of seats, 0 or more.")]})
    event_seats_lock(quota.event_id)
    quota.size = size
    quota.save(update_fields=["size"])
    waitlist_offer_seats(quota.event)  # a raised quota is seats for the waiting list
    return quota
