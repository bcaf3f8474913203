"""Check-in: a scanned badge code in, one clear answer out, each scan recorded once.

Two devices scanning the same badge at the same instant get exactly one "ok": the scan locks
the registration's row before reading its last check-in. A device that sends the same scan again
(same nonce, e.g. a retry on a poor network) gets the first answer back, and nothing is added."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.exceptions import InvalidInput
from events.models import Event
from events.permissions import Action, require_event_permission
from events.timezones import offset_label
from registrations.models import (
    CheckIn,
    Mode,
    Registration,
    RevokedBadge,
    ScanResult,
    ScanType,
    State,
)

# Desks may start scanning the day before the event (badge pick-up, early arrivals).
OPENS_DAYS_BEFORE = 1


@dataclass(frozen=True)
class Answer:
    result: str
    message: str
    checkin: CheckIn
    registration: Registration | None = None
    previous: CheckIn | None = None  # for "already checked in": when and where

    @property
    def ok(self) -> bool:
        return self.result == ScanResult.OK


def _local(event: Event, moment: datetime) -> str:
    local = moment.astimezone(event.tzinfo)
    return f"{local:%H:%M} ({offset_label(local)})"


def _opens_at(event: Event) -> datetime:
    first = datetime.combine(
        event.start_date - timedelta(days=OPENS_DAYS_BEFORE), datetime.min.time()
    )
    return first.replace(tzinfo=event.tzinfo)


def _last_ok(registration: Registration) -> CheckIn | None:
    """The last admitted scan, by arrival at the server: a device's clock may be wrong, the
    order in which the server answered is not."""
    return (
        CheckIn.objects.filter(registration=registration, result=ScanResult.OK)
        .order_by("-pk")
        .first()
    )


# How far a device's own scan time may be from the server's (offline devices upload later).
SCAN_TIME_PAST = timedelta(hours=48)
SCAN_TIME_FUTURE = timedelta(minutes=5)


def scan(
    *,
    event: Event,
    secret: str,
    device: str,
    by: User | None,
    type: str = ScanType.ENTRY,
    gate: str = "",
    scanned_at: datetime | None = None,
    nonce: str = "",
) -> Answer:
    """Check a badge code in (or out) at this event's desk and record the answer."""
    if by is not None:
        require_event_permission(by, event, Action.CHECK_IN)
    now = timezone.now()
    scanned_at = scanned_at or now
    if not (now - SCAN_TIME_PAST <= scanned_at <= now + SCAN_TIME_FUTURE):
        raise InvalidInput.for_fields(
            {
                "scanned_at": [
                    _(
                        "The scan time is more than 48 hours ago or in the future; check the "
                        "device's clock."
                    )
                ]
            }
        )
    if nonce:
        earlier = (
            CheckIn.objects.filter(event=event, device=device, nonce=nonce)
            .select_related("registration")
            .first()
        )
        if earlier is not None:
            return _replay(event, earlier)
    try:
        with transaction.atomic():
            return _scan(event, secret.strip(), device, by, type, gate, scanned_at, nonce, now)
    except IntegrityError:
        # The same nonce from the same device, a moment ago, in another request.
        earlier = CheckIn.objects.select_related("registration").get(
            event=event, device=device, nonce=nonce
        )
        return _replay(event, earlier)


def _record(event, registration, result, device, by, type, gate, scanned_at, nonce) -> CheckIn:
    return CheckIn.objects.create(
        event=event,
        registration=registration,
        type=type,
        result=result,
        device=device,
        gate=gate,
        nonce=nonce,
        scanned_at=scanned_at,
        by=by if by is not None and by.is_authenticated else None,
    )


def _scan(event, secret, device, by, type, gate, scanned_at, nonce, now) -> Answer:
    def answer(result, message, registration=None, previous=None) -> Answer:
        checkin = _record(event, registration, result, device, by, type, gate, scanned_at, nonce)
        return Answer(result, message, checkin, registration, previous)

    if now < _opens_at(event):
        return answer(
            ScanResult.NOT_OPEN,
            _("Check-in opens on %(day)s.") % {"day": _opens_at(event).date().isoformat()},
        )
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("ticket", "organization")
        .filter(badge_secret=secret)
        .first()
        if secret
        else None
    )
    if registration is None:
        revoked = RevokedBadge.objects.select_related("registration").filter(secret=secret).first()
        if revoked is not None and revoked.registration.event_id == event.pk:
            return answer(
                ScanResult.REVOKED,
                _("This badge no longer admits anyone (%(why)s). Send the person to the help desk.")
                % {"why": revoked.reason.lower() or _("revoked")},
                revoked.registration,
            )
        if revoked is not None:
            return answer(ScanResult.WRONG_EVENT, _("This badge is for another event."))
        return answer(ScanResult.UNKNOWN, _("This code is not a badge of this event."))
    if registration.event_id != event.pk:
        return answer(ScanResult.WRONG_EVENT, _("This badge is for another event."))
    if registration.state != State.CONFIRMED:
        return answer(
            ScanResult.NOT_CONFIRMED,
            _("%(name)s's registration is %(state)s, not confirmed.")
            % {"name": registration.name, "state": registration.get_state_display().lower()},
            registration,
        )
    if registration.mode != Mode.IN_PERSON:
        return answer(
            ScanResult.NOT_IN_PERSON,
            _("%(name)s is registered to attend online, not in person.")
            % {"name": registration.name},
            registration,
        )
    last = _last_ok(registration)
    inside = last is not None and last.type == ScanType.ENTRY
    if type == ScanType.ENTRY and inside:
        return answer(
            ScanResult.ALREADY_CHECKED_IN,
            _("Already checked in at %(when)s%(where)s.")
            % {
                "when": _local(event, last.scanned_at),
                "where": _(" at %(gate)s") % {"gate": last.gate} if last.gate else "",
            },
            registration,
            last,
        )
    if type == ScanType.EXIT and not inside:
        return answer(
            ScanResult.NOT_CHECKED_IN,
            _("%(name)s is not checked in, so cannot be checked out.")
            % {"name": registration.name},
            registration,
        )
    return answer(
        ScanResult.OK, _("Welcome, %(name)s.") % {"name": registration.name}, registration
    )


def _replay(event: Event, earlier: CheckIn) -> Answer:
    previous = None
    if earlier.result == ScanResult.ALREADY_CHECKED_IN and earlier.registration_id:
        previous = (
            CheckIn.objects.filter(
                registration_id=earlier.registration_id,
                result=ScanResult.OK,
                scanned_at__lte=earlier.scanned_at,
            )
            .order_by("-scanned_at", "-pk")
            .first()
        )
    return Answer(
        earlier.result,
        str(ScanResult(earlier.result).label),
        earlier,
        earlier.registration,
        previous,
    )
