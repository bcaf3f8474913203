"""Offline check-in: a desk keeps scanning when the network drops, and nobody gets in twice on
the record.

A device downloads the event's check-in list: only what the desk needs to answer on its own
(a SHA-256 of each badge code, never the code itself, so a lost phone gives away no badges; the
name, organisation, ticket, mode, state and access needs; the email, organisation acronym and
reference, which find someone without a badge as the server's search does; who is inside
already), versioned by its content and signed with the server's key. The desk answers from it
while offline and keeps a queue; on reconnection it uploads the queue, and the server merges
each scan by its scan time (`scan.checkin_record`): the first entry wins, later duplicates are
recorded and flagged to the organisers. pretix's scanner proxy admits it can let one ticket in
twice through two offline scanners and never say so; here the second one is on the organiser's
list of duplicates."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core import signing
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError, NotFound
from events.models import Event
from events.permissions import Action, require_event_permission
from registrations.checkin.scan import Answer, Scan, checkin_opens_at, checkin_record, door_session
from registrations.models import (
    CheckIn,
    Registration,
    RevokedBadge,
    ScanResult,
    ScanType,
)
from sessions.models import Session, SessionStatus

SIGNING_SALT = "confman.checkin-list"
HASH_LENGTH = 32  # hex characters: 128 bits of SHA-256, plenty for a few thousand codes


def badge_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:HASH_LENGTH]


def _signature(event: Event, version: str) -> str:
    return signing.Signer(salt=SIGNING_SALT).signature(f"{event.slug}:{version}")


def list_version_valid(event: Event, version: str, signature: str) -> bool:
    # constant_time_compare takes any text (hmac.compare_digest refuses non-ASCII str).
    return bool(version and signature) and constant_time_compare(
        _signature(event, version), signature
    )


def _inside(event: Event) -> dict[int, datetime]:
    """Registrations inside the event now, with the time of their entry: per person, admitted
    entries and exits alternate, so more entries than exits is inside."""
    rows = (
        CheckIn.objects.filter(event=event, session=None, result=ScanResult.OK)
        .values("registration_id")
        .annotate(
            entries=Count("pk", filter=Q(type=ScanType.ENTRY)),
            exits=Count("pk", filter=Q(type=ScanType.EXIT)),
            since=Max("scanned_at", filter=Q(type=ScanType.ENTRY)),
        )
    )
    return {row["registration_id"]: row["since"] for row in rows if row["entries"] > row["exits"]}


def checkin_list(event: Event, user: User) -> dict:
    """The list a desk needs to answer alone. Its `version` changes whenever anything in it
    does (a new registration, a cancelled badge, someone checking in)."""
    require_event_permission(user, event, Action.CHECK_IN)
    inside = _inside(event)
    registrations = (
        Registration.objects.filter(event=event, badge_secret__isnull=False)
        .select_related("ticket", "organization")
        .order_by("pk")
    )
    entries = [
        {
            "hash": badge_hash(r.badge_secret),
            "reference": r.reference,
            "name": r.name,
            "email": r.email,
            "organization": r.organization.name if r.organization else "",
            "organization_acronym": r.organization.acronym if r.organization else "",
            "ticket": r.ticket.name,
            "mode": r.mode,
            "state": r.state,
            "accessibility_needs": r.accessibility_needs,
            "inside": r.pk in inside,
            "inside_since": inside[r.pk].isoformat() if r.pk in inside else None,
        }
        for r in registrations
    ]
    revoked = [
        {"hash": badge_hash(secret), "reason": reason}
        for secret, reason in RevokedBadge.objects.filter(registration__event=event)
        .order_by("pk")
        .values_list("secret", "reason")
    ]
    sessions = [
        {
            "id": s.pk,
            "title": s.title,
            "room": s.room.name if s.room else "",
            "capacity": s.room.capacity if s.room else None,
            "start": s.start.isoformat() if s.start else None,
        }
        for s in Session.objects.public()
        .filter(event=event)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("room")
        .order_by("start", "pk")
    ]
    body = {
        "event": event.slug,
        "opens_at": checkin_opens_at(event).isoformat(),
        "entries": entries,
        "revoked": revoked,
        "sessions": sessions,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    version = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return {
        **body,
        "version": version,
        "signature": _signature(event, version),
        "generated_at": timezone.now().isoformat(),
    }


def _secret_for_reference(event: Event, reference: str) -> str:
    """The badge code of a person a desk found by name on its list and let in without the
    badge: the registration's code, or, if it was revoked since (a cancellation), the last code
    it had, so that the scan is judged as the badge would have been when it was made."""
    registration = (
        Registration.objects.filter(event=event, reference=reference.upper())
        .only("badge_secret")
        .first()
    )
    if registration is None:
        raise NotFound(
            _("There is no registration %(reference)s at this event.") % {"reference": reference}
        )
    if registration.badge_secret:
        return registration.badge_secret
    last = RevokedBadge.objects.filter(registration=registration).order_by("-pk").first()
    if last is None:
        raise NotFound(
            _("Registration %(reference)s never had a badge: it was not confirmed.")
            % {"reference": reference}
        )
    return last.secret


@dataclass(frozen=True)
class SyncResult:
    nonce: str
    answer: Answer | None
    error: DomainError | None = None


def checkin_sync(
    *,
    event: Event,
    by: User,
    device: str,
    scans: list[dict],
    list_version: str = "",
    list_signature: str = "",
) -> list[SyncResult]:
    """Merge a device's offline queue. Each scan is merged on its own (one bad scan does not
    hold back the others), in the order they were scanned; each is idempotent by its nonce, so
    a device that uploads again after losing the answer records nothing twice. A list version
    whose signature does not check is not recorded, but the scans still count."""
    require_event_permission(by, event, Action.CHECK_IN)
    version = list_version if list_version_valid(event, list_version, list_signature) else ""
    doors: dict[int, Session | None] = {}
    results = []
    for item in sorted(scans, key=lambda s: s["scanned_at"]):
        try:
            session_id = item.get("session")
            if session_id is not None and session_id not in doors:
                doors[session_id] = door_session(event, session_id)
            secret = item.get("secret") or _secret_for_reference(event, item["reference"])
            answer = checkin_record(
                event=event,
                by=by,
                scan=Scan(
                    secret=secret,
                    device=device,
                    type=item["type"],
                    gate=item.get("gate", ""),
                    scanned_at=item["scanned_at"],
                    nonce=item["nonce"],
                    session=doors.get(session_id) if session_id is not None else None,
                    answered=item["answered"],
                    list_version=version,
                ),
            )
            results.append(SyncResult(item["nonce"], answer))
        except DomainError as exc:
            results.append(SyncResult(item["nonce"], None, exc))
    return results
