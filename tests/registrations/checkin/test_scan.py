"""Badge codes and check-in: one clear answer per scan, each scan recorded once."""

import datetime as dt

import pytest
from django.utils import timezone

from confman.core.exceptions import InvalidInput
from registrations.checkin.scan import checkin_scan
from registrations.links import magic_token
from registrations.models import CheckIn, Registration, RevokedBadge
from registrations.services.registrations import badge_reissue, registration_cancel
from tests.factories import EventFactory
from tests.factories.registrations import registered, ticket
from tests.helpers import run_in_threads

pytestmark = pytest.mark.django_db

API = "/api/events/seminar/checkins"


def scan(event, secret, **fields):
    return checkin_scan(
        event=event, secret=secret, device=fields.pop("device", "desk-1"), by=None, **fields
    )


def test_a_confirmed_registration_gets_a_long_random_unique_badge_code(today_event):
    a = registered(ticket(today_event, name="A"))
    b = registered(ticket(today_event, name="B"), email="b@example.org")

    assert a.badge_secret and b.badge_secret and a.badge_secret != b.badge_secret
    assert len(a.badge_secret) >= 32  # 24 random bytes, URL-safe base64
    assert a.reference not in a.badge_secret and "@" not in a.badge_secret


def test_first_scan_admits_the_second_says_when(today_event, guest):
    first = scan(today_event, guest.badge_secret, gate="Main hall")
    second = scan(today_event, guest.badge_secret, device="desk-2")

    assert first.ok and first.registration == guest
    assert second.result == "already_checked_in"
    assert second.previous == first.checkin
    assert "Main hall" in second.message


def test_exit_then_re_entry(today_event, guest):
    assert scan(today_event, guest.badge_secret).ok
    assert scan(today_event, guest.badge_secret, type="exit").ok
    assert scan(today_event, guest.badge_secret).ok
    assert scan(today_event, guest.badge_secret, type="exit").ok
    assert scan(today_event, guest.badge_secret, type="exit").result == "not_checked_in"


def test_the_same_nonce_twice_records_one_check_in(today_event, guest):
    first = scan(today_event, guest.badge_secret, nonce="n-1")
    again = scan(today_event, guest.badge_secret, nonce="n-1")

    assert first.ok and again.ok
    assert CheckIn.objects.count() == 1


def test_unknown_revoked_wrong_event_and_not_confirmed(today_event, guest):
    old = guest.badge_secret
    badge_reissue(registration=guest, by=None)
    other = EventFactory(slug="other", start_date=today_event.start_date)
    stranger = registered(ticket(other, name="X"))
    waiting = registered(
        ticket(today_event, name="Approval", requires_approval=True), email="w@example.org"
    )
    Registration.objects.filter(pk=waiting.pk).update(badge_secret="pending-code-123")

    assert scan(today_event, "no-such-code").result == "unknown"
    assert scan(today_event, old).result == "revoked"
    assert scan(today_event, stranger.badge_secret).result == "wrong_event"
    assert scan(today_event, "pending-code-123").result == "not_confirmed"
    new = Registration.objects.get(pk=guest.pk).badge_secret
    assert new != old and scan(today_event, new).ok


def test_cancelling_revokes_the_badge(today_event, guest):
    secret = guest.badge_secret
    registration_cancel(registration=guest, by=None)

    assert Registration.objects.get(pk=guest.pk).badge_secret is None
    assert RevokedBadge.objects.get(secret=secret).registration == guest
    assert scan(today_event, secret).result == "revoked"


def test_check_in_is_not_open_days_before_the_event(db):
    later = EventFactory(slug="later", start_date=timezone.now().date() + dt.timedelta(days=5))
    person = registered(ticket(later, name="T"))

    assert scan(later, person.badge_secret).result == "not_open"


def test_api_answers_each_scan_and_only_for_the_desk(
    client, today_event, guest, checkin_staff, outsider, bearer
):
    body = {"secret": guest.badge_secret, "device": "phone-1", "gate": "North", "nonce": "x1"}

    ok = client.post(API, body, content_type="application/json", headers=bearer(checkin_staff))
    again = client.post(
        API, {**body, "nonce": "x2"}, content_type="application/json", headers=bearer(checkin_staff)
    )
    refused = client.post(API, body, content_type="application/json", headers=bearer(outsider))
    anonymous = client.post(API, body, content_type="application/json")

    assert ok.status_code == 200 and ok.json()["status"] == "ok"
    assert ok.json()["person"]["name"] == "Amina Yusuf"
    assert again.json()["reason"] == "already_checked_in"
    assert again.json()["previous_gate"] == "North"
    assert (refused.status_code, anonymous.status_code) == (403, 401)


def test_api_refuses_a_naive_scan_time(client, today_event, guest, checkin_staff, bearer):
    response = client.post(
        API,
        {"secret": guest.badge_secret, "device": "d", "scanned_at": "2026-11-22T10:00:00"},
        content_type="application/json",
        headers=bearer(checkin_staff),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "scanned_at"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql_only")
def test_two_devices_scanning_at_the_same_instant_admit_once():
    today = timezone.now().date()
    event = EventFactory(slug="race", start_date=today, end_date=today + dt.timedelta(days=1))
    person = registered(ticket(event, name="T"))

    answers = run_in_threads(
        lambda n: scan(event, person.badge_secret, device=f"desk-{n}").result, 8
    )

    assert sorted(answers) == ["already_checked_in"] * 7 + ["ok"]


def test_the_attendee_page_shows_the_badge_code_as_a_qr_code(client, today_event, guest):
    page = client.get(f"/events/seminar/registration/{magic_token(guest)}/").content.decode()

    assert '<svg class="badge-qr"' in page
    assert guest.badge_secret in page


def test_a_cancelled_registration_shows_no_badge(client, today_event, guest):
    registration_cancel(registration=guest, by=None)
    page = client.get(f"/events/seminar/registration/{magic_token(guest)}/").content.decode()

    assert "badge-qr" not in page


def test_the_same_scan_sent_twice_through_the_api_gets_the_same_answer(
    client, today_event, guest, checkin_staff, bearer
):
    body = {"secret": guest.badge_secret, "device": "phone-1", "nonce": "n-1"}
    headers = bearer(checkin_staff)

    first = client.post(API, body, content_type="application/json", headers=headers)
    again = client.post(API, body, content_type="application/json", headers=headers)

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["status"] == again.json()["status"] == "ok"
    assert CheckIn.objects.count() == 1


def test_one_nonce_for_two_badges_is_a_409_and_records_the_second_nowhere(
    client, today_event, guest, checkin_staff, bearer
):
    """A retry sends the same badge again and gets the first answer; a device that gives the
    same nonce to another badge is told, instead of getting the first badge's "ok" while the
    second person was never checked in."""
    other = registered(ticket(today_event, name="Other"), email="o@example.org")
    headers = bearer(checkin_staff)
    body = {"secret": guest.badge_secret, "device": "phone-1", "nonce": "n-1"}

    first = client.post(API, body, content_type="application/json", headers=headers)
    reused = client.post(
        API,
        {**body, "secret": other.badge_secret},
        content_type="application/json",
        headers=headers,
    )
    retried = client.post(API, body, content_type="application/json", headers=headers)

    assert first.json()["person"]["name"] == guest.name
    assert (reused.status_code, reused.json()["code"]) == (409, "nonce_reused")
    assert "n-1" in reused.json()["detail"]
    assert retried.status_code == 200 and retried.json()["status"] == "ok"
    assert list(CheckIn.objects.values_list("registration_id", flat=True)) == [guest.pk]


@pytest.mark.parametrize("code", ["no-such-code", "wrong-event", "revoked"])
def test_a_retry_of_a_refused_scan_still_gets_its_first_answer(today_event, guest, code):
    other = EventFactory(slug="other", start_date=today_event.start_date)
    secrets = {
        "no-such-code": "no-such-code",
        "wrong-event": registered(ticket(other, name="X")).badge_secret,
        "revoked": guest.badge_secret,
    }
    if code == "revoked":
        badge_reissue(registration=guest, by=None)

    first = scan(today_event, secrets[code], nonce="n-9")
    again = scan(today_event, secrets[code], nonce="n-9")

    assert first.result == again.result != "ok"
    assert CheckIn.objects.count() == 1


def test_an_online_registration_does_not_come_through_the_door(today_event):
    online = registered(ticket(today_event, name="Online", modes="online"), mode="online")

    answer = scan(today_event, online.badge_secret)

    assert answer.result == "not_in_person"


@pytest.mark.parametrize("offset", [dt.timedelta(days=-3), dt.timedelta(hours=1)])
def test_a_scan_time_far_from_now_is_refused(today_event, guest, offset):
    with pytest.raises(InvalidInput) as refused:
        scan(today_event, guest.badge_secret, scanned_at=timezone.now() + offset)

    assert refused.value.errors[0]["field"] == "scanned_at"
    assert not CheckIn.objects.exists()


def test_who_is_inside_follows_the_order_scans_arrived_in(today_event, guest):
    now = timezone.now()
    assert scan(today_event, guest.badge_secret, scanned_at=now).ok
    # A device whose clock is an hour behind sends an exit: it still comes after the entry.
    assert scan(
        today_event, guest.badge_secret, type="exit", scanned_at=now - dt.timedelta(hours=1)
    ).ok
    assert scan(today_event, guest.badge_secret, scanned_at=now - dt.timedelta(hours=2)).ok
    assert scan(today_event, guest.badge_secret).result == "already_checked_in"


def test_organiser_gives_a_new_badge_code_from_the_list(client, today_event, guest, organiser):
    old = guest.badge_secret
    client.force_login(organiser)

    response = client.post(
        f"/events/seminar/manage/registrations/{guest.pk}/new-badge/", follow=True
    )

    assert "has a new badge code" in response.content.decode()
    assert scan(today_event, old).result == "revoked"
    assert scan(today_event, Registration.objects.get(pk=guest.pk).badge_secret).ok
