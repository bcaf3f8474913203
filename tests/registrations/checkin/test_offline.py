"""Offline check-in and session doors: the list a desk keeps, the merge of offline queues by scan
time (first entry wins, later duplicates flagged), and attendance per session room."""

import datetime as dt
import gzip
import json

import pytest
from django.utils import timezone

from registrations.checkin.offline import badge_hash, checkin_list, list_version_valid
from registrations.checkin.scan import Scan, checkin_record, checkin_scan, session_inside
from registrations.models import CheckIn
from registrations.services.registrations import badge_reissue
from sessions.services.programme import programme_publish
from tests.factories import EventFactory
from tests.factories.events import RoomFactory
from tests.factories.registrations import registered, ticket
from tests.factories.sessions import SessionFactory
from tests.helpers import run_in_threads

pytestmark = pytest.mark.django_db

SYNC = "/api/events/seminar/checkins/sync"
LIST = "/api/events/seminar/checkin-list"


def offline(event, secret, minutes_ago, device, answered="ok", by=None, **fields):
    """One scan from a device's offline queue, uploaded now."""
    scanned_at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return checkin_record(
        event=event,
        by=by,
        scan=Scan(
            secret=secret,
            device=device,
            scanned_at=scanned_at,
            nonce=fields.pop("nonce", f"{device}-{minutes_ago}-{fields.get('type', 'entry')}"),
            answered=answered,
            **fields,
        ),
    )


def admitted(registration, session=None):
    return CheckIn.objects.filter(
        registration=registration, session=session, result="ok", type="entry"
    )


def test_two_offline_devices_admit_the_same_badge_one_check_in_one_flagged(today_event, guest):
    a = offline(today_event, guest.badge_secret, 10, "desk-a")
    b = offline(today_event, guest.badge_secret, 8, "desk-b")

    assert a.ok
    assert b.result == "already_checked_in" and b.checkin.flagged
    assert b.checkin.duplicate_of == a.checkin
    assert admitted(guest).count() == 1
    assert CheckIn.objects.filter(flagged=True).count() == 1


def test_the_first_scan_wins_whichever_device_uploads_first(today_event, guest):
    later = offline(today_event, guest.badge_secret, 8, "desk-b")
    earlier = offline(today_event, guest.badge_secret, 10, "desk-a")

    later.checkin.refresh_from_db()
    assert later.ok  # at upload time it was the only one
    assert earlier.ok
    assert later.checkin.result == "already_checked_in" and later.checkin.flagged
    assert later.checkin.duplicate_of == earlier.checkin
    assert list(admitted(guest)) == [earlier.checkin]


def test_an_offline_entry_before_a_live_one_wins_and_flags_the_live_one(today_event, guest):
    live = checkin_scan(event=today_event, secret=guest.badge_secret, device="desk-a", by=None)
    uploaded = offline(today_event, guest.badge_secret, 30, "desk-b")

    live.checkin.refresh_from_db()
    assert uploaded.ok
    assert live.checkin.result == "already_checked_in" and live.checkin.flagged
    assert admitted(guest).count() == 1


def test_offline_exit_and_re_entry_in_scan_order(today_event, guest):
    offline(today_event, guest.badge_secret, 30, "desk-a")
    offline(today_event, guest.badge_secret, 20, "desk-a", type="exit")
    back = offline(today_event, guest.badge_secret, 10, "desk-b")

    assert back.ok and not back.checkin.flagged
    assert admitted(guest).count() == 2
    # Inside now: a live entry is already checked in, naming the offline re-entry.
    again = checkin_scan(event=today_event, secret=guest.badge_secret, device="desk-c", by=None)
    assert again.result == "already_checked_in" and again.previous == back.checkin


def test_a_device_that_refused_offline_is_not_counted_as_admitting(today_event, guest):
    offline(today_event, guest.badge_secret, 10, "desk-a")
    refused = offline(today_event, guest.badge_secret, 5, "desk-b", answered="already_checked_in")

    assert refused.result == "already_checked_in" and not refused.checkin.flagged
    assert CheckIn.objects.filter(flagged=True).count() == 0


def test_uploading_the_same_queue_twice_records_it_once(today_event, guest):
    first = offline(today_event, guest.badge_secret, 10, "desk-a", nonce="n-1")
    again = offline(today_event, guest.badge_secret, 10, "desk-a", nonce="n-1")

    assert first.ok and again.ok
    assert CheckIn.objects.count() == 1


def test_a_badge_revoked_after_the_offline_scan_still_counts(today_event, guest):
    secret = guest.badge_secret
    scanned = timezone.now() - dt.timedelta(minutes=10)
    badge_reissue(registration=guest, by=None)  # the old code stops working now

    answer = checkin_record(
        event=today_event,
        by=None,
        scan=Scan(secret=secret, device="desk-a", scanned_at=scanned, nonce="x", answered="ok"),
    )
    live = checkin_scan(event=today_event, secret=secret, device="desk-b", by=None)

    assert answer.ok and answer.registration == guest
    assert live.result == "revoked"


def test_a_badge_revoked_before_the_offline_scan_is_flagged(today_event, guest):
    secret = guest.badge_secret
    badge_reissue(registration=guest, by=None)

    answer = offline(today_event, secret, 0, "desk-a")

    assert answer.result == "revoked" and answer.checkin.flagged
    assert not admitted(guest).exists()


def test_an_unknown_code_admitted_offline_is_flagged(today_event):
    answer = offline(today_event, "not-a-badge", 5, "desk-a")

    assert answer.result == "unknown" and answer.checkin.flagged


# --- the list -------------------------------------------------------------------------------


def test_the_list_has_hashes_not_codes_and_says_who_is_inside(today_event, guest, checkin_staff):
    other = registered(ticket(today_event, name="Online", modes="online"), email="o@example.org")
    checkin_scan(event=today_event, secret=guest.badge_secret, device="d", by=None)

    body = checkin_list(today_event, checkin_staff)

    text = json.dumps(body)
    assert guest.badge_secret not in text and other.badge_secret not in text
    by_hash = {entry["hash"]: entry for entry in body["entries"]}
    mine = by_hash[badge_hash(guest.badge_secret)]
    assert mine["name"] == "Amina Yusuf" and mine["inside"] is True
    assert by_hash[badge_hash(other.badge_secret)]["mode"] == "online"
    # What finds someone without a badge, as the server's search does (and nothing more).
    assert (mine["email"], mine["reference"]) == (guest.email, guest.reference)
    assert set(mine) == {
        "hash",
        "reference",
        "name",
        "email",
        "organization",
        "organization_acronym",
        "ticket",
        "mode",
        "state",
        "accessibility_needs",
        "inside",
        "inside_since",
    }
    assert list_version_valid(today_event, body["version"], body["signature"])
    assert not list_version_valid(today_event, body["version"], "forged")
    assert not list_version_valid(today_event, body["version"], "présigné")  # not ASCII: no 500


def test_the_list_version_changes_with_a_check_in(today_event, guest, checkin_staff):
    before = checkin_list(today_event, checkin_staff)["version"]
    checkin_scan(event=today_event, secret=guest.badge_secret, device="d", by=None)
    after = checkin_list(today_event, checkin_staff)["version"]

    assert before != after


def test_the_list_api_gzips_and_answers_304_for_the_same_version(
    client, today_event, guest, checkin_staff, bearer
):
    headers = bearer(checkin_staff)
    first = client.get(LIST, headers={**headers, "Accept-Encoding": "gzip"})
    body = json.loads(gzip.decompress(first.content))
    again = client.get(LIST, headers={**headers, "If-None-Match": first["ETag"]})

    assert first.status_code == 200 and first["Content-Encoding"] == "gzip"
    assert first["ETag"] == f'"{body["version"]}"'
    assert again.status_code == 304


def test_only_the_desk_may_download_the_list_or_upload(
    client, today_event, guest, outsider, bearer
):
    body = {"device": "d", "scans": []}

    assert client.get(LIST).status_code == 401
    assert client.get(LIST, headers=bearer(outsider)).status_code == 403
    assert (
        client.post(SYNC, body, content_type="application/json", headers=bearer(outsider))
    ).status_code == 403


# --- the upload API -------------------------------------------------------------------------


def _queue(secret, device, minutes_ago, nonce, answered="ok", **extra):
    """One scan of a device's queue; secret None leaves the badge code out (for `reference`)."""
    scan = {
        "scanned_at": (timezone.now() - dt.timedelta(minutes=minutes_ago)).isoformat(),
        "nonce": nonce,
        "answered": answered,
        **extra,
    }
    if secret is not None:
        scan["secret"] = secret
    return scan


def _upload(client, headers, device, scans, **body):
    return client.post(
        SYNC,
        {"device": device, "scans": scans, **body},
        content_type="application/json",
        headers=headers,
    )


def test_sync_api_merges_two_devices_queues(client, today_event, guest, checkin_staff, bearer):
    headers = bearer(checkin_staff)
    listed = client.get(LIST, headers=headers).json()
    a = _upload(
        client,
        headers,
        "desk-a",
        [_queue(guest.badge_secret, "desk-a", 5, "a1")],
        list_version=listed["version"],
        list_signature=listed["signature"],
    )
    b = _upload(
        client,
        headers,
        "desk-b",
        [
            _queue(guest.badge_secret, "desk-b", 4, "b1"),
            _queue("nobody", "desk-b", 3, "b2", answered="unknown"),
        ],
        list_version=listed["version"],
        list_signature="forged",
    )

    assert a.status_code == 200 and a.json()["results"][0]["status"] == "ok"
    assert a.json()["list_version_recorded"] is True
    results = b.json()["results"]
    assert b.json()["list_version_recorded"] is False
    assert results[0]["reason"] == "already_checked_in" and results[0]["flagged"] is True
    assert results[0]["person"]["name"] == "Amina Yusuf"
    assert results[1]["reason"] == "unknown" and results[1]["flagged"] is False
    assert CheckIn.objects.get(nonce="a1").list_version == listed["version"]
    assert CheckIn.objects.get(nonce="b1").list_version == ""


def test_sync_api_answers_a_bad_scan_time_on_its_own(
    client, today_event, guest, checkin_staff, bearer
):
    response = _upload(
        client,
        bearer(checkin_staff),
        "desk-a",
        [
            _queue(guest.badge_secret, "desk-a", 60 * 24 * 3, "old"),
            _queue(guest.badge_secret, "desk-a", 5, "fine"),
        ],
    )

    old, fine = response.json()["results"]
    assert response.status_code == 200
    assert old["status"] == "error" and old["reason"] == "validation_error"
    assert "clock" in old["message"]
    assert fine["status"] == "ok"


def test_sync_api_refuses_a_scan_without_what_the_device_answered(
    client, today_event, guest, checkin_staff, bearer
):
    scan = _queue(guest.badge_secret, "desk-a", 5, "n")
    del scan["answered"]

    response = _upload(client, bearer(checkin_staff), "desk-a", [scan])

    assert response.status_code == 422
    assert "answered" in json.dumps(response.json()["errors"])


def test_sync_api_takes_a_person_found_by_name_by_their_reference(
    client, today_event, guest, checkin_staff, bearer
):
    """A desk that found someone by name on its list (no badge at hand) names them by the
    reference from the list; a second device that scanned the badge later is flagged."""
    headers = bearer(checkin_staff)
    found = _queue(None, "desk-a", 6, "by-name", reference=guest.reference.lower())
    by_name = _upload(client, headers, "desk-a", [found])
    by_badge = _upload(
        client, headers, "desk-b", [_queue(guest.badge_secret, "desk-b", 2, "badge")]
    )

    assert by_name.status_code == 200, by_name.content
    assert by_name.json()["results"][0]["status"] == "ok"
    assert by_name.json()["results"][0]["person"]["reference"] == guest.reference
    assert by_badge.json()["results"][0]["reason"] == "already_checked_in"
    assert by_badge.json()["results"][0]["flagged"] is True
    assert admitted(guest).get().nonce == "by-name"


def test_sync_api_says_which_reference_it_does_not_know(
    client, today_event, guest, checkin_staff, bearer
):
    scan = _queue(None, "desk-a", 5, "ghost", reference="ZZZZZZZZ")

    response = _upload(client, bearer(checkin_staff), "desk-a", [scan])

    result = response.json()["results"][0]
    assert response.status_code == 200
    assert result["status"] == "error" and result["reason"] == "not_found"
    assert "ZZZZZZZZ" in result["message"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("both", [True, False])
def test_sync_api_wants_either_the_badge_code_or_the_reference(
    client, today_event, guest, checkin_staff, bearer, both
):
    scan = _queue(guest.badge_secret if both else "", "desk-a", 5, "n")
    if both:
        scan["reference"] = guest.reference

    response = _upload(client, bearer(checkin_staff), "desk-a", [scan])

    assert response.status_code == 422
    assert "reference" in json.dumps(response.json()["errors"])


# --- session doors --------------------------------------------------------------------------


@pytest.fixture
def small_session(today_event):
    programme_publish(event=today_event, by=None)
    room = RoomFactory(event=today_event, name="Room B", capacity=2)
    return SessionFactory(event=today_event, room=room, title="Roundtable")


def test_session_door_counts_attendance_up_to_the_rooms_seats(today_event, small_session):
    people = [
        registered(ticket(today_event, name=f"T{n}"), email=f"p{n}@example.org") for n in range(3)
    ]

    def door(person, type="entry"):
        return checkin_scan(
            event=today_event,
            secret=person.badge_secret,
            device="door-b",
            by=None,
            type=type,
            session=small_session,
        )

    assert door(people[0]).ok and door(people[1]).ok
    full = door(people[2])
    assert full.result == "room_full" and "Room B" in full.message
    assert door(people[0], "exit").ok
    assert door(people[2]).ok
    assert session_inside(small_session) == 2
    # The session's door is not the event's entrance.
    assert checkin_scan(event=today_event, secret=people[0].badge_secret, device="d", by=None).ok


def test_session_door_api_refuses_another_events_session(
    client, today_event, guest, checkin_staff, bearer
):
    programme_publish(event=today_event, by=None)
    elsewhere = SessionFactory(event=EventFactory(slug="other"))

    response = client.post(
        "/api/events/seminar/checkins",
        {"secret": guest.badge_secret, "device": "d", "session": elsewhere.pk},
        content_type="application/json",
        headers=bearer(checkin_staff),
    )

    assert response.status_code == 404
    assert "session" in response.json()["detail"].lower()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql_only")
def test_two_session_doors_never_seat_more_than_the_room_holds():
    today = timezone.now().date()
    event = EventFactory(slug="doors", start_date=today, end_date=today + dt.timedelta(days=1))
    programme_publish(event=event, by=None)
    room = RoomFactory(event=event, capacity=3)
    session = SessionFactory(event=event, room=room)
    people = [registered(ticket(event, name=f"T{n}"), email=f"d{n}@example.org") for n in range(8)]

    def door(n):
        return checkin_scan(
            event=event, secret=people[n].badge_secret, device=f"door-{n}", by=None, session=session
        ).result

    answers = run_in_threads(door, 8)

    assert sorted(answers) == ["ok"] * 3 + ["room_full"] * 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql_only")
def test_two_devices_uploading_the_same_badge_at_once_count_one_entry():
    today = timezone.now().date()
    event = EventFactory(slug="merge", start_date=today, end_date=today + dt.timedelta(days=1))
    person = registered(ticket(event, name="T"))

    uploads = run_in_threads(lambda n: offline(event, person.badge_secret, 10 - n, f"desk-{n}"), 6)

    assert not [upload for upload in uploads if isinstance(upload, Exception)], uploads
    assert admitted(person).count() == 1
    assert admitted(person).get().device == "desk-0"  # scanned first
    assert CheckIn.objects.filter(flagged=True).count() == 5
