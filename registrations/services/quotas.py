"""Seats: how many a quota has in use, and whether a registration may take one.

A seat counts against two quotas, its ticket's and its attendance mode's. Checking for room locks
both quota rows in one statement, in primary-key order, then counts the registrations holding a
seat, in the caller's transaction. On PostgreSQL the lock waits at most LOCK_TIMEOUT and then
answers a clear "try again" 503 (pretix does the same with advisory locks); SQLite serialises
writers at BEGIN (IMMEDIATE transactions), which is correct for one process."""

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from confman.core.exceptions import Conflict, DomainError
from events.models import Event
from registrations.models import (
    Quota,
    Registration,
    TicketType,
    holding,
)

LOCK_TIMEOUT = "3s"


class SoldOut(Conflict):
    code = "sold_out"


class TryAgain(DomainError):
    status = 503
    code = "busy_try_again"


def quota_for_mode(event: Event, mode: str) -> Quota:
    """The event's quota for an attendance mode, created (without limit) on first use."""
    try:
        with transaction.atomic():
            quota, _created = Quota.objects.get_or_create(
                event=event, ticket=None, mode=mode, defaults={"size": None}
            )
    except IntegrityError:  # created by a concurrent request a moment ago
        quota = Quota.objects.get(event=event, ticket=None, mode=mode)
    return quota


def seats_used(quota: Quota, now=None, leaving_out: int | None = None) -> int:
    registrations = Registration.objects.filter(holding(now))
    if leaving_out is not None:
        registrations = registrations.exclude(pk=leaving_out)
    if quota.ticket_id:
        return registrations.filter(ticket_id=quota.ticket_id).count()
    return registrations.filter(event_id=quota.event_id, mode=quota.mode).count()


def quotas_lock(quotas: list[Quota]) -> list[Quota]:
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


def quota_for_ticket(ticket: TicketType) -> Quota:
    """The ticket's own quota (made without a limit if the ticket came without one)."""
    try:
        return ticket.quota
    except Quota.DoesNotExist:
        quota, _created = Quota.objects.get_or_create(
            ticket=ticket, defaults={"event_id": ticket.event_id, "size": None}
        )
        return quota


def seat_available(registration: Registration, now) -> bool:
    """Under the quota locks: is there a seat for this registration's ticket and mode? A
    registration already holding a seat is not counted against itself."""
    quotas = quotas_lock(
        [
            quota_for_ticket(registration.ticket),
            quota_for_mode(registration.event, registration.mode),
        ]
    )
    for quota in quotas:
        if quota.size is None:
            continue
        used = seats_used(quota, now, leaving_out=registration.pk)
        if used >= quota.size:
            return False
    return True
