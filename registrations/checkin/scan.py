"""Check-in: a scanned badge code in, one clear answer out, each scan recorded once.

Two devices scanning the same badge at the same instant get exactly one "ok": the scan locks
the registration's row before reading its last check-in. A device that sends the same scan again
(same nonce, e.g. a retry on a poor network) gets the first answer back, and nothing is added.

Scans count in one order per person and place (the event's entrance, or one session's door):
`effective_at`, the server's clock for a scan answered live and the device's own for one
uploaded later from an offline queue (`registrations.checkin.offline`). Only scans that let
someone through drive that order; the first entry wins, and an entry a device allowed while the
person was already inside is kept, marked as a duplicate of the first and flagged for the
organisers. A refusal stays a refusal: a person turned away at the door was not let in."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError, InvalidInput, NotFound
from confman.core.fastpaths.prepared import PreparedQuery
from events.models import Event
from events.permissions import Action, require_event_permission
from events.timezones import offset_label
from registrations.models import (
    CheckIn,
    Registration,
    RevokedBadge,
    ScanResult,
    ScanType,
    State,
)
from registrations.webhooks.events import checkin_recorded
from sessions.models import Session, SessionStatus

# Desks may start scanning the day before the event (badge pick-up, early arrivals).
OPENS_DAYS_BEFORE = 1

# How far a device's own scan time may be from the server's (offline devices upload later).
SCAN_TIME_PAST = timedelta(hours=48)
SCAN_TIME_FUTURE = timedelta(minutes=5)

# The answers that concern a valid badge at its own event: the ones the order of scans decides.
ORDERED = (ScanResult.OK, ScanResult.ALREADY_CHECKED_IN, ScanResult.NOT_CHECKED_IN)

# What a scan reads of the person (the judgement and the answer at the desk, in the API and on
# the desk page). Reading only these keeps the locked read short: building the SQL for every
# column of a registration, its ticket and its organisation cost more than running it.
ANSWER_FIELDS = (
    "event_id",
    "reference",
    "state",
    "mode",
    "name",
    "country",
    "accessibility_needs",
    "dietary_needs",
    "ticket__name",
    "organization__name",
)
# What the desk says of an earlier scan ("already checked in at 10:02 at North").
PREVIOUS_FIELDS = ("type", "gate", "scanned_at", "effective_at", "session_id")


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


@dataclass(frozen=True)
class Scan:
    """One scan as a device reports it."""

    secret: str
    device: str
    type: str = ScanType.ENTRY
    gate: str = ""
    scanned_at: datetime | None = None
    nonce: str = ""
    session: Session | None = None
    # Offline only: what the device told the person (it decided alone, from its list).
    answered: str = ""
    list_version: str = ""

    @property
    def offline(self) -> bool:
        return bool(self.answered)


def _local(event: Event, moment: datetime) -> str:
    local = moment.astimezone(event.tzinfo)
    return f"{local:%H:%M} ({offset_label(local)})"


def checkin_opens_at(event: Event) -> datetime:
    first = datetime.combine(
        event.start_date - timedelta(days=OPENS_DAYS_BEFORE), datetime.min.time()
    )
    return first.replace(tzinfo=event.tzinfo)


def door_session(event: Event, session_id: int | None) -> Session | None:
    """The session whose door a scan is for, or None for the event's entrance."""
    if session_id is None:
        return None
    session = (
        Session.objects.public()
        .select_related("room")
        .filter(event=event, pk=session_id)
        .exclude(status=SessionStatus.CANCELLED)
        .first()
    )
    if session is None:
        raise NotFound(
            _("Session %(id)s is not a current session of this event; pick one from the list.")
            % {"id": session_id}
        )
    return session


def _locked_registrations():
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("ticket", "organization")
        .only(*ANSWER_FIELDS)
    )


# The reads of every scan, compiled once (prepared): the badge's registration, locked, and the
# last scan that let the person through at the entrance or at a session's door.
_LOCKED_BY_BADGE = PreparedQuery(
    lambda p: _locked_registrations().filter(badge_secret=p.str("secret"))
)
_LAST_OK = {
    at_door: PreparedQuery(
        lambda p, at_door=at_door: (
            CheckIn.objects.filter(
                Q(session_id=p.int("session")) if at_door else Q(session__isnull=True),
                registration_id=p.int("registration"),
                result=ScanResult.OK,
            )
            .only(*PREVIOUS_FIELDS)
            .order_by("-effective_at", "-pk")[:1]
        )
    )
    for at_door in (False, True)
}


def _last_ok(registration: Registration, session: Session | None) -> CheckIn | None:
    """The last scan that let this person through here, in the order scans count."""
    if session is None:
        return _LAST_OK[False].first(registration=registration.pk)
    return _LAST_OK[True].first(registration=registration.pk, session=session.pk)


def session_inside(session: Session) -> int:
    """How many people are in the session's room now. Per person, admitted entries and exits
    alternate, so entries less exits is the head count."""
    counts = CheckIn.objects.filter(session=session, result=ScanResult.OK).aggregate(
        entries=Count("pk", filter=Q(type=ScanType.ENTRY)),
        exits=Count("pk", filter=Q(type=ScanType.EXIT)),
    )
    return counts["entries"] - counts["exits"]


def checkin_scan(
    *,
    event: Event,
    secret: str,
    device: str,
    by: User | None,
    type: str = ScanType.ENTRY,
    gate: str = "",
    scanned_at: datetime | None = None,
    nonce: str = "",
    session: Session | None = None,
) -> Answer:
    """Check a badge code in (or out) at this event's entrance, or at a session's door, and
    record the answer. Idempotent per (device, nonce); exactly one "ok" for simultaneous scans
    of one badge (the registration's row is locked); a session door refuses entry when the
    room's seats are all taken (the session's row is locked for the count)."""
    return checkin_record(
        event=event,
        by=by,
        scan=Scan(
            secret=secret,
            device=device,
            type=type,
            gate=gate,
            scanned_at=scanned_at,
            nonce=nonce,
            session=session,
        ),
    )


def checkin_record(*, event: Event, by: User | None, scan: Scan) -> Answer:
    """The one write path for scans, live or uploaded later; see `checkin_scan` and
    `offline.checkin_sync`."""
    if by is not None:
        require_event_permission(by, event, Action.CHECK_IN)
    now = timezone.now()
    scanned_at = scan.scanned_at or now
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
    try:
        with transaction.atomic():
            answer = _record(event, scan, by, scanned_at, now)
            if answer.ok:
                checkin_recorded(answer.checkin)
            return answer
    except IntegrityError:
        # The same nonce from the same device was recorded before (a retry): the unique
        # constraint refused this one, and everything it wrote is rolled back. Looking the nonce
        # up only then keeps a query off every first scan.
        earlier = _earlier(event, scan) if scan.nonce else None
        if earlier is None:
            raise
        if earlier.registration_id != _badge_registration_id(event, scan):
            # Not a retry: the device gave one nonce to two badges. Answering the first badge's
            # answer would drop this scan while the desk believes it recorded.
            raise DomainError(
                _(
                    "This device already sent scan %(nonce)s for another badge; this badge was "
                    "not checked in. Scan it again: each scan needs its own nonce."
                )
                % {"nonce": scan.nonce},
                code="nonce_reused",
                status=409,
            ) from None
        return _replay(event, earlier)


def _badge_registration_id(event: Event, scan: Scan) -> int | None:
    """The registration a scanned code names (its badge, or a revoked one of this event)."""
    secret = scan.secret.strip()
    if not secret:
        return None
    found = (
        Registration.objects.filter(badge_secret=secret, event=event)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        found = (
            RevokedBadge.objects.filter(secret=secret, registration__event=event)
            .values_list("registration_id", flat=True)
            .first()
        )
    return found


def _earlier(event: Event, scan: Scan) -> CheckIn | None:
    return (
        CheckIn.objects.filter(event=event, device=scan.device, nonce=scan.nonce)
        .select_related("registration__ticket", "registration__organization", "duplicate_of")
        .first()
    )


def _judge_badge(event: Event, scan: Scan, when: datetime):
    """(refusal, message, registration): refusal is None when the badge may pass here."""
    if when < checkin_opens_at(event):
        return (
            ScanResult.NOT_OPEN,
            _("Check-in opens on %(day)s.") % {"day": checkin_opens_at(event).date().isoformat()},
            None,
        )
    secret = scan.secret.strip()
    try:
        registration = _LOCKED_BY_BADGE.get(secret=secret) if secret else None
    except Registration.DoesNotExist:
        registration = None
    if registration is None:
        revoked = RevokedBadge.objects.filter(secret=secret).first() if secret else None
        if revoked is not None and revoked.registration.event_id == event.pk:
            registration = _locked_registrations().get(pk=revoked.registration_id)
            if not (scan.offline and revoked.revoked_at > when):
                return (
                    ScanResult.REVOKED,
                    _(
                        "This badge no longer admits anyone (%(why)s). Send the person to the "
                        "help desk."
                    )
                    % {"why": revoked.reason.lower() or _("revoked")},
                    registration,
                )
            # Scanned offline while the code was still good: it counts.
            return None, "", registration
        if revoked is not None:
            return ScanResult.WRONG_EVENT, _("This badge is for another event."), None
        return ScanResult.UNKNOWN, _("This code is not a badge of this event."), None
    if registration.event_id != event.pk:
        return ScanResult.WRONG_EVENT, _("This badge is for another event."), None
    refusal, message = door_refusal(registration)
    return refusal, message, registration


def door_refusal(registration: Registration) -> tuple[str | None, str]:
    """(refusal, message) for a person no door lets in: their registration is not confirmed,
    or they attend online; (None, "") for one it does."""
    if registration.checks_in_at_door:
        return None, ""
    if registration.state != State.CONFIRMED:
        return (
            ScanResult.NOT_CONFIRMED,
            _("%(name)s's registration is %(state)s, not confirmed.")
            % {"name": registration.name, "state": registration.get_state_display().lower()},
        )
    return (
        ScanResult.NOT_IN_PERSON,
        _("%(name)s is registered to attend online, not in person.") % {"name": registration.name},
    )


def _already_message(event: Event, last: CheckIn) -> str:
    where = last.gate
    if last.session_id and not where:
        where = last.session.title
    when = _local(event, last.scanned_at)
    if where:
        return _("Already checked in at %(when)s, at %(gate)s.") % {"when": when, "gate": where}
    return _("Already checked in at %(when)s.") % {"when": when}


def _record(event: Event, scan: Scan, by, scanned_at: datetime, now: datetime) -> Answer:
    refusal, message, registration = _judge_badge(event, scan, scanned_at if scan.offline else now)
    session = scan.session
    if session is not None and session.room_id and not scan.offline:
        # Serialises the head count of this room's door between desks.
        Session.objects.select_for_update(of=("self",)).filter(pk=session.pk).first()

    def write(result: str, effective_at: datetime) -> CheckIn:
        return CheckIn.objects.create(
            event=event,
            registration=registration,
            session=session,
            type=scan.type,
            result=result,
            answered=scan.answered or result,
            offline=scan.offline,
            flagged=scan.answered == ScanResult.OK and result != ScanResult.OK,
            list_version=scan.list_version,
            device=scan.device,
            gate=scan.gate,
            nonce=scan.nonce,
            scanned_at=scanned_at,
            effective_at=effective_at,
            received_at=now,
            by=by if by is not None and by.is_authenticated else None,
        )

    if refusal is not None:
        checkin = write(refusal, min(scanned_at, now) if scan.offline else now)
        return Answer(refusal, message, checkin, registration)

    if scan.offline:
        return _merge(event, scan, registration, write(scan.answered, min(scanned_at, now)))

    last = _last_ok(registration, session)
    inside = last is not None and last.type == ScanType.ENTRY
    if scan.type == ScanType.ENTRY and inside:
        checkin = write(ScanResult.ALREADY_CHECKED_IN, now)
        checkin.duplicate_of = last
        checkin.save(update_fields=["duplicate_of"])
        return Answer(
            ScanResult.ALREADY_CHECKED_IN,
            _already_message(event, last),
            checkin,
            registration,
            last,
        )
    if scan.type == ScanType.EXIT and not inside:
        return Answer(
            ScanResult.NOT_CHECKED_IN,
            _("%(name)s is not checked in, so cannot be checked out.")
            % {"name": registration.name},
            write(ScanResult.NOT_CHECKED_IN, now),
            registration,
        )
    capacity = session.room.capacity if session is not None and session.room_id else None
    if scan.type == ScanType.ENTRY and capacity is not None and session_inside(session) >= capacity:
        return Answer(
            ScanResult.ROOM_FULL,
            _("%(room)s is full (%(seats)s seats). Let someone leave first.")
            % {"room": session.room.name, "seats": capacity},
            write(ScanResult.ROOM_FULL, now),
            registration,
        )
    welcome = (
        _("Goodbye, %(name)s.") if scan.type == ScanType.EXIT else _("Welcome, %(name)s.")
    ) % {"name": registration.name}
    return Answer(ScanResult.OK, welcome, write(ScanResult.OK, now), registration)


def _merge(event: Event, scan: Scan, registration: Registration, checkin: CheckIn) -> Answer:
    """Put an uploaded scan in its place among the person's scans here and recount them all:
    the first entry wins, a later entry that a device also let through is flagged as its
    duplicate. The registration's row is locked by the caller."""
    checkin_reorder(registration, scan.session)
    checkin.refresh_from_db()
    previous = checkin.duplicate_of
    if checkin.result == ScanResult.OK:
        message = _("Counted: %(name)s.") % {"name": registration.name}
    elif checkin.result == ScanResult.ALREADY_CHECKED_IN and previous is not None:
        message = _already_message(event, previous)
    elif checkin.result == ScanResult.NOT_CHECKED_IN:
        message = _("%(name)s was not checked in, so could not be checked out.") % {
            "name": registration.name
        }
    else:
        message = str(ScanResult(checkin.result).label)
    return Answer(checkin.result, message, checkin, registration, previous)


def checkin_reorder(registration: Registration, session: Session | None) -> None:
    """Recount one person's scans at one place in the order they count. Only scans whose
    answer at the door let the person through move the count; each gets ok, or
    already_checked_in (a duplicate of the entry that came first) or not_checked_in, and a flag
    when the door let through what the count says it should not have."""
    scans = list(
        CheckIn.objects.filter(
            registration=registration, session=session, answered=ScanResult.OK
        ).order_by("effective_at", "pk")
    )
    inside: CheckIn | None = None
    changed = []
    for checkin in scans:
        duplicate_of = None
        if checkin.type == ScanType.ENTRY:
            if inside is None:
                result, inside = ScanResult.OK, checkin
            else:
                result, duplicate_of = ScanResult.ALREADY_CHECKED_IN, inside
        elif inside is not None:
            result, inside = ScanResult.OK, None
        else:
            result = ScanResult.NOT_CHECKED_IN
        flagged = result != ScanResult.OK
        if (checkin.result, checkin.duplicate_of_id, checkin.flagged) != (
            result,
            duplicate_of.pk if duplicate_of else None,
            flagged,
        ):
            checkin.result, checkin.duplicate_of, checkin.flagged = result, duplicate_of, flagged
            changed.append(checkin)
    if changed:
        CheckIn.objects.bulk_update(changed, ["result", "duplicate_of", "flagged"])


def _replay(event: Event, earlier: CheckIn) -> Answer:
    previous = earlier.duplicate_of
    if previous is None and earlier.result == ScanResult.ALREADY_CHECKED_IN:
        previous = (
            CheckIn.objects.filter(
                registration_id=earlier.registration_id,
                session_id=earlier.session_id,
                result=ScanResult.OK,
                effective_at__lte=earlier.effective_at,
            )
            .order_by("-effective_at", "-pk")
            .first()
        )
    return Answer(
        earlier.result,
        str(ScanResult(earlier.result).label),
        earlier,
        earlier.registration,
        previous,
    )
