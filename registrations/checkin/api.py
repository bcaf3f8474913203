"""The check-in API, modelled on pretix's redeem call: a scan in, an answer out; the check-in
list a desk keeps for working offline; the upload of a desk's offline queue; and the check-in
statistics as JSON, for the statistics page (it polls every few seconds) and for anyone's
dashboard, with an ETag so that a poller gets a 304 with no body when nothing changed."""

import gzip
import hashlib
import json

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from ninja import Router

from confman.core.auth import ORGANISER_AUTH
from confman.core.conditional import accepts_gzip, etag_matches
from confman.core.throttling import ScopeThrottle
from events.permissions import Action
from events.selectors import event_get
from registrations.checkin.offline import checkin_list, checkin_sync, list_version_valid
from registrations.checkin.scan import checkin_scan, door_session
from registrations.checkin.schemas import (
    CheckInIn,
    CheckInListOut,
    CheckInOut,
    CheckInStatisticsOut,
    CheckInSyncIn,
    CheckInSyncOut,
)
from registrations.checkin.statistics import checkin_statistics
from registrations.models import Registration, ScanResult

router = Router(tags=["check-in"])


def _person(registration: Registration | None, result: str) -> dict | None:
    if registration is None or result == ScanResult.WRONG_EVENT:
        return None
    return {
        "reference": registration.reference,
        "name": registration.name,
        "organization": registration.organization.name if registration.organization else "",
        "country": registration.country.code,
        "ticket": registration.ticket.name,
        "mode": registration.mode,
        "accessibility_needs": registration.accessibility_needs,
        "dietary_needs": registration.dietary_needs,
    }


@router.post(
    "/events/{slug}/checkins",
    response=CheckInOut,
    auth=ORGANISER_AUTH,
    summary="Check a badge in or out",
    throttle=[ScopeThrottle("checkins")],
)
def create_checkin(request: HttpRequest, slug: str, payload: CheckInIn):
    """For check-in staff and organisers. Every scan gets an answer: status ok, or error with a
    reason; the same nonce from the same device gets the first answer again. Two devices
    scanning one badge at the same instant: exactly one ok. With `session`, the scan is at that
    session's door and counts its attendance (room_full when its seats are taken)."""
    event = event_get(slug, request.user, Action.CHECK_IN, venue=False)
    answer = checkin_scan(
        event=event,
        secret=payload.secret,
        device=payload.device,
        gate=payload.gate,
        type=payload.type,
        scanned_at=payload.scanned_at,
        nonce=payload.nonce,
        session=door_session(event, payload.session),
        by=request.user,
    )
    return {
        "status": "ok" if answer.ok else "error",
        "reason": None if answer.ok else answer.result,
        "message": answer.message,
        "scanned_at": answer.checkin.scanned_at,
        "previous_checkin_at": answer.previous.scanned_at if answer.previous else None,
        "previous_gate": answer.previous.gate if answer.previous else None,
        "person": _person(answer.registration, answer.result),
    }


@router.get(
    "/events/{slug}/checkin-list",
    response=CheckInListOut,
    auth=ORGANISER_AUTH,
    summary="The check-in list, for scanning offline",
)
def get_checkin_list(request: HttpRequest, slug: str):
    """Everything a desk needs to answer on its own: badge codes as SHA-256 (first 32 hex
    characters of the digest of the code), names, tickets, states, who is inside. Send the
    version you hold as `If-None-Match` to get 304 when nothing changed. Gzipped when the client
    accepts it (a few hundred kilobytes become tens)."""
    event = event_get(slug, request.user, Action.CHECK_IN, venue=False)
    body = checkin_list(event, request.user)
    etag = f'"{body["version"]}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}
    if etag_matches(request, etag):
        response = HttpResponse(status=304)
    else:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        if accepts_gzip(request):
            response.content = gzip.compress(content, compresslevel=6)
            headers["Content-Encoding"] = "gzip"
    for name, value in headers.items():
        response[name] = value
    return response


@router.post(
    "/events/{slug}/checkins/sync",
    response=CheckInSyncOut,
    auth=ORGANISER_AUTH,
    summary="Upload a desk's offline scans",
    throttle=[ScopeThrottle("checkins")],
)
def sync_checkins(request: HttpRequest, slug: str, payload: CheckInSyncIn):
    """The scans a desk made while offline, with what it told each person. They are merged by
    scan time: the first entry wins; a later entry another device let through is recorded as a
    flagged duplicate for the organisers. Each scan is answered on its own, and uploading the
    same scans again (same nonces) records nothing twice."""
    event = event_get(slug, request.user, Action.CHECK_IN, venue=False)
    recorded = list_version_valid(event, payload.list_version, payload.list_signature)
    results = checkin_sync(
        event=event,
        by=request.user,
        device=payload.device,
        scans=[scan.model_dump() for scan in payload.scans],
        list_version=payload.list_version,
        list_signature=payload.list_signature,
    )
    out = []
    for item in results:
        if item.answer is None:
            out.append(
                {
                    "nonce": item.nonce,
                    "status": "error",
                    "reason": item.error.code,
                    "message": item.error.message,
                    "flagged": False,
                    "previous_checkin_at": None,
                    "person": None,
                }
            )
            continue
        answer = item.answer
        out.append(
            {
                "nonce": item.nonce,
                "status": "ok" if answer.ok else "error",
                "reason": None if answer.ok else answer.result,
                "message": answer.message,
                "flagged": answer.checkin.flagged,
                "previous_checkin_at": answer.previous.scanned_at if answer.previous else None,
                "person": _person(answer.registration, answer.result),
            }
        )
    return {"list_version_recorded": recorded, "results": out}


def etag_for(statistics: CheckInStatisticsOut) -> str:
    body = json.dumps(statistics.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'


@router.get(
    "/events/{slug}/checkins/stats",
    response={200: CheckInStatisticsOut, 304: None},
    auth=ORGANISER_AUTH,
    summary="Live check-in statistics",
)
def checkin_stats(request: HttpRequest, slug: str, response: HttpResponse):
    """For the event's team (owners, organisers, check-in staff): expected, checked in, inside
    now; by ticket, mode, entrance and hour; flagged duplicates, refusals and session doors.
    Send the ETag back as If-None-Match to get a 304 while nothing has changed."""
    event = event_get(slug, request.user, Action.VIEW_REGISTRATIONS)
    statistics = CheckInStatisticsOut.model_validate(checkin_statistics(event))
    etag = etag_for(statistics)
    if etag_matches(request, etag):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = "private, no-cache"
        return not_modified
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return statistics
