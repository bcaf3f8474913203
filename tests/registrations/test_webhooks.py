"""Outgoing webhooks: endpoints added by the organisers get each chosen event as a signed
Standard Webhooks message, POSTed by the task worker to a real HTTP receiver on 127.0.0.1,
retried after failures, paused (and its owner told) when it keeps failing; addresses of private
networks refused. Signatures are checked here by hand from the specification, not with the
library that signs them. Through the real task queue, outside a wrapping transaction, as the
on-commit hooks need."""

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from confman.core.exceptions import InvalidInput
from registrations.checkin.scan import checkin_scan
from registrations.models import (
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventType,
)
from registrations.services.registrations import registration_cancel
from registrations.webhooks import deliveries
from registrations.webhooks.addresses import url_check
from registrations.webhooks.endpoints import webhook_endpoint_create, webhook_endpoint_pause
from registrations.webhooks.subscriptions import subscribed_types
from sessions.models import RoleKind
from sessions.services.chair import announcement_create
from sessions.services.programme import programme_publish
from tests.factories import RoomFactory, TeamMemberFactory
from tests.factories.registrations import registered, ticket
from tests.factories.sessions import PersonFactory, SessionRoleFactory, at, session_at

pytestmark = pytest.mark.django_db(transaction=True)

ALL_TYPES = list(WebhookEventType.values)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


class Receiver:
    """An HTTP server on 127.0.0.1 that records each request and answers `failures` times
    with 500, then 204."""

    def __init__(self):
        self.requests: list[dict] = []
        self.failures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(500 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/confman?from=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]

    def of_type(self, kind: str) -> list[dict]:
        return [p for p in self.payloads() if p["type"] == kind]


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture
def owner(event):
    return TeamMemberFactory(event=event, role="organiser", user__email="li@example.org").user


def endpoint_for(event, owner, receiver, types=None) -> WebhookEndpoint:
    return webhook_endpoint_create(
        event=event, by=owner, url=receiver.url, event_types=types or ALL_TYPES
    )


def verify(secret: str, headers: dict, body: bytes) -> None:
    """The Standard Webhooks check, written from the specification: HMAC-SHA256 with the
    base64-decoded key after "whsec_", over "id.timestamp.body", base64, as "v1,<sig>"."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1)[1] for s in headers["webhook-signature"].split() if s[:3] == "v1,"]
    assert any(hmac.compare_digest(expected, sig) for sig in offered), "signature mismatch"
    assert abs(time.time() - int(headers["webhook-timestamp"])) < 300


def lower(headers: dict) -> dict:
    return {name.lower(): value for name, value in headers.items()}


def retry_now() -> None:
    WebhookDelivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    for pk in WebhookDelivery.objects.filter(status="pending").values_list("pk", flat=True):
        deliveries.webhook_deliver.enqueue(pk)


@pytest.fixture
def programme(event):
    """A published programme: a panel in room A chaired by `chair` (a user)."""
    from tests.factories import UserFactory

    room = RoomFactory(event=event, name="Room A")
    panel = session_at(event, room, at(event, 0, "09:00"), at(event, 0, "10:00"), title="Panel")
    chair = UserFactory(username="chair")
    SessionRoleFactory(
        session=panel, person=PersonFactory(event=event, user=chair), role=RoleKind.CHAIR
    )
    programme_publish(event=event, by=None)
    run_worker()
    return {"panel": panel, "chair": chair}


# --- acceptance -------------------------------------------------------------------------------


def test_a_receiver_added_by_the_organiser_gets_a_signed_session_change(
    client, event, owner, receiver, programme
):
    client.force_login(owner)
    page = client.post(
        f"/events/{event.slug}/manage/webhooks/",
        {"url": receiver.url, "event_types": ["session.changed"]},
        follow=True,
    )
    assert page.redirect_chain == [(f"/events/{event.slug}/manage/webhooks/", 302)]
    endpoint = WebhookEndpoint.objects.get(event=event)
    assert endpoint.secret in page.content.decode()  # shown once, now
    assert page["Cache-Control"] == "no-store"
    assert (
        endpoint.secret not in client.get(f"/events/{event.slug}/manage/webhooks/").content.decode()
    )

    client.force_login(programme["chair"])
    panel = programme["panel"]
    delayed = client.post(
        f"/events/{event.slug}/chair/sessions/{panel.pk}/delay/", {"minutes": "10"}
    )
    assert delayed.status_code == 302
    assert receiver.requests == []  # never inside the request
    run_worker()

    [request] = receiver.requests
    headers = lower(request["headers"])
    verify(endpoint.secret, headers, request["body"])
    assert headers["webhook-id"].startswith("msg_")
    assert request["path"] == "/hooks/confman?from=test"
    payload = json.loads(request["body"])
    assert payload["type"] == "session.changed" and payload["event"] == event.slug
    assert payload["data"]["update"]["kind"] == "delayed"
    assert payload["data"]["session"]["id"] == panel.pk
    assert payload["data"]["session"]["delay_minutes"] == 10
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 204)
    assert delivery.message_id == headers["webhook-id"]


def test_a_tampered_body_fails_the_independent_check(event, owner, receiver, programme):
    endpoint = endpoint_for(event, owner, receiver, ["session.changed"])
    announcement_create(event=event, by=owner, message="x", session=programme["panel"])
    from sessions.services.chair import session_delay

    session_delay(session=programme["panel"], by=owner, minutes=5)
    run_worker()

    [request] = receiver.requests
    with pytest.raises(AssertionError, match="signature mismatch"):
        verify(endpoint.secret, lower(request["headers"]), request["body"] + b" ")
    with pytest.raises(AssertionError, match="signature mismatch"):
        verify(
            "whsec_" + base64.b64encode(b"x" * 24).decode(),
            lower(request["headers"]),
            request["body"],
        )


# --- what is sent -----------------------------------------------------------------------------


def test_registrations_created_confirmed_and_cancelled(event, owner, receiver):
    endpoint = endpoint_for(event, owner, receiver)
    seat = ticket(event, name="Delegate")
    amina = registered(seat, name="Amina Yusuf", email="amina@example.org")
    registration_cancel(registration=amina, by=owner, reason="Visa refused")
    run_worker()

    kinds = [p["type"] for p in receiver.payloads()]
    assert sorted(kinds) == [
        "registration.cancelled",
        "registration.confirmed",
        "registration.created",
    ]
    for request in receiver.requests:
        verify(endpoint.secret, lower(request["headers"]), request["body"])
    created = receiver.of_type("registration.created")[0]["data"]
    assert created["reference"] == amina.reference and created["email"] == "amina@example.org"
    assert created["state"] == "confirmed"
    assert receiver.of_type("registration.cancelled")[0]["data"]["state"] == "cancelled"
    assert len({lower(r["headers"])["webhook-id"] for r in receiver.requests}) == 3


def test_only_the_chosen_types_and_nothing_without_an_endpoint(event, owner, receiver):
    seat = ticket(event, name="Delegate")
    registered(seat)
    run_worker()
    assert WebhookDelivery.objects.count() == 0

    endpoint_for(event, owner, receiver, ["registration.cancelled"])
    registered(seat)
    run_worker()

    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0


def test_a_checkin_is_sent(event, owner, receiver):
    today = timezone.now().date()
    event.start_date, event.end_date = today, today + timedelta(days=1)
    event.save()
    endpoint_for(event, owner, receiver, ["checkin.created"])
    guest = registered(ticket(event, name="Delegate"), name="Li Wei")
    checkin_scan(event=event, secret=guest.badge_secret, device="door-1", gate="North", by=owner)
    checkin_scan(event=event, secret=guest.badge_secret, device="door-1", gate="North", by=owner)
    run_worker()

    [payload] = receiver.payloads()  # the second scan was "already checked in": not sent
    assert payload["type"] == "checkin.created"
    data = payload["data"]
    assert (data["type"], data["gate"], data["result"]) == ("entry", "North", "ok")
    assert data["person"]["reference"] == guest.reference and data["person"]["name"] == "Li Wei"


def test_an_announcement_is_sent(event, owner, receiver, programme):
    endpoint_for(event, owner, receiver, ["announcement.created"])
    announcement_create(event=event, by=owner, message="Lunch moves to the terrace")
    run_worker()

    [payload] = receiver.payloads()
    assert payload["type"] == "announcement.created"
    assert payload["data"]["update"]["message"] == "Lunch moves to the terrace"
    assert payload["data"]["session"] is None


# --- retries, pausing, send again -------------------------------------------------------------


def test_a_failing_receiver_is_retried_with_backoff_then_succeeds(event, owner, receiver):
    endpoint = endpoint_for(event, owner, receiver, ["registration.created"])
    receiver.failures = 2
    registered(ticket(event, name="Delegate"))
    began = timezone.now()
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    assert timedelta(seconds=25) < delivery.next_attempt_at - began < timedelta(seconds=40)
    run_worker()  # not due yet: nothing sent
    assert len(receiver.requests) == 1

    retry_now()
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 2)
    assert timedelta(minutes=1, seconds=50) < delivery.next_attempt_at - timezone.now()

    retry_now()
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 3, 204)
    ids = {lower(r["headers"])["webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and ids == {delivery.message_id}  # one message, 3 tries
    for request in receiver.requests:
        verify(endpoint.secret, lower(request["headers"]), request["body"])
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_the_backoff_runs_for_three_days():
    pauses = [deliveries.retry_pause(n) for n in range(1, 12)]
    assert pauses[:5] == [
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=10),
        timedelta(hours=1),
        timedelta(hours=6),
    ]
    assert pauses == sorted(pauses) and pauses[-1] == timedelta(hours=12)


def test_a_delivery_out_of_retries_fails_and_pauses_the_endpoint(event, owner, receiver):
    endpoint_for(event, owner, receiver, ["registration.created"])
    receiver.failures = 100
    registered(ticket(event, name="Delegate"))
    run_worker()
    WebhookDelivery.objects.update(retry_until=timezone.now() + timedelta(seconds=10))
    retry_now()
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.active and endpoint.paused_reason == "gave_up"
    [told] = [m for m in mail.outbox if m.to == ["li@example.org"]]
    assert endpoint.url in told.subject
    assert "/manage/webhooks/" in told.body and told.alternatives


def test_an_endpoint_that_keeps_failing_is_paused_and_its_owner_told_in_their_language(
    client, event, owner, receiver
):
    client.force_login(owner)
    client.post(
        f"/fr/events/{event.slug}/manage/webhooks/",
        {"url": receiver.url, "event_types": ["registration.created"]},
    )
    receiver.failures = 1000
    seat = ticket(event, name="Delegate")
    for _ in range(deliveries.FAILURES_TO_PAUSE):
        registered(seat)
    run_worker()

    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.active and endpoint.paused_reason == "failures"
    assert endpoint.consecutive_failures == deliveries.FAILURES_TO_PAUSE
    [told] = [m for m in mail.outbox if m.to == ["li@example.org"]]
    assert "Webhooks" in told.subject or "webhooks" in told.subject
    # In French, the language the owner added it in (the catalogs say the words).
    assert endpoint.language == "fr" and 'lang="fr"' in told.alternatives[0][0]

    registered(seat)  # while paused: nothing made, nothing sent
    retry_now()
    run_worker()
    assert len(receiver.requests) == deliveries.FAILURES_TO_PAUSE
    assert WebhookDelivery.objects.count() == deliveries.FAILURES_TO_PAUSE

    receiver.failures = 0
    resumed = client.post(f"/events/{event.slug}/manage/webhooks/{endpoint.pk}/resume/")
    assert resumed.status_code == 302
    run_worker()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_send_again_delivers_the_same_message_again(client, event, owner, receiver):
    endpoint = endpoint_for(event, owner, receiver, ["registration.created"])
    registered(ticket(event, name="Delegate"))
    run_worker()
    delivery = WebhookDelivery.objects.get()
    client.force_login(owner)

    log = client.get(f"/events/{event.slug}/manage/webhooks/{endpoint.pk}/deliveries/")
    assert delivery.message_id in log.content.decode() and "Send again" in log.content.decode()
    again = client.post(
        f"/events/{event.slug}/manage/webhooks/deliveries/{delivery.pk}/send-again/"
    )
    assert again.status_code == 302
    run_worker()

    assert len(receiver.requests) == 2
    first, second = (lower(r["headers"]) for r in receiver.requests)
    assert first["webhook-id"] == second["webhook-id"] == delivery.message_id
    verify(endpoint.secret, second, receiver.requests[1]["body"])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_the_organisers_pages(client, settings, event, owner, receiver):
    endpoint = endpoint_for(event, owner, receiver, ["registration.created"])
    client.force_login(owner)

    page = client.get(f"/events/{event.slug}/manage/webhooks/").content.decode()
    assert receiver.url.replace("&", "&amp;") in page and "Registration created" in page
    assert endpoint.secret not in page
    detail = client.get(f"/events/{event.slug}/").content.decode()
    assert f"/events/{event.slug}/manage/webhooks/" in detail
    client.post(f"/events/{event.slug}/manage/webhooks/{endpoint.pk}/pause/")
    assert not WebhookEndpoint.objects.get().active
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    refused = client.post(
        f"/events/{event.slug}/manage/webhooks/",
        {"url": "https://127.0.0.1/x", "event_types": ["checkin.created"]},
    )
    assert refused.status_code == 422
    assert "private or local network" in refused.content.decode()
    assert WebhookEndpoint.objects.count() == 1
    client.post(f"/events/{event.slug}/manage/webhooks/{endpoint.pk}/delete/")
    assert not WebhookEndpoint.objects.exists()


# --- private addresses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10:8443/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://localhost/hook",
        "http://93.184.215.14/hook",  # public, but not https
    ],
)
def test_private_addresses_are_refused(settings, event, owner, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

    with pytest.raises(InvalidInput) as refused:
        webhook_endpoint_create(event=event, by=owner, url=url, event_types=ALL_TYPES)

    assert refused.value.errors[0]["field"] == "url"
    assert not WebhookEndpoint.objects.exists()


def test_a_public_address_is_taken_and_private_ones_with_the_setting(settings, event, owner):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    assert url_check("https://93.184.215.14/hook") == "93.184.215.14"

    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    assert url_check("http://localhost:8080/hook") in ("127.0.0.1", "::1")
    assert url_check("https://10.1.2.3/hook") == "10.1.2.3"


def test_an_address_that_turned_private_is_refused_at_delivery(settings, event, owner, receiver):
    endpoint_for(event, owner, receiver, ["registration.created"])
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False  # as if its name now led to 127.0.0.1
    registered(ticket(event, name="Delegate"))
    run_worker()

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.response_status is None
    assert "https://" in delivery.error or "private" in delivery.error


def test_redirects_are_not_followed(event, owner):
    hits = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            hits.append(self.path)
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(307)
            self.send_header("Location", "http://169.254.169.254/")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        webhook_endpoint_create(
            event=event,
            by=owner,
            url=f"http://127.0.0.1:{server.server_address[1]}/in",
            event_types=["registration.created"],
        )
        registered(ticket(event, name="Delegate"))
        run_worker()
    finally:
        server.shutdown()
        server.server_close()

    assert hits == ["/in"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status) == ("pending", 307)


def test_with_a_shared_cache_an_event_without_endpoints_costs_no_query(
    settings, tmp_path, event, owner, receiver, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    subscribed_types(event.pk)
    with django_assert_num_queries(0):
        assert subscribed_types(event.pk) == frozenset()

    endpoint = endpoint_for(event, owner, receiver, ["checkin.created"])
    with django_assert_num_queries(1):
        assert subscribed_types(event.pk) == {"checkin.created"}
    with django_assert_num_queries(0):
        assert subscribed_types(event.pk) == {"checkin.created"}

    webhook_endpoint_pause(endpoint=endpoint, by=owner)
    assert subscribed_types(event.pk) == frozenset()


def test_the_pages_cost_the_same_queries_for_one_item_or_three(client, event, owner):
    def fill(count: int) -> WebhookEndpoint:
        WebhookEndpoint.objects.all().delete()
        for n in range(count):
            endpoint = WebhookEndpoint.objects.create(
                event=event,
                url=f"https://crm{n}.example.org/hook",
                secret="whsec_x",
                event_types=["registration.created"],
            )
        for n in range(count):
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                message_id=f"msg_{endpoint.pk}_{n}",
                event_type="registration.created",
                payload={},
                retry_until=timezone.now(),
            )
        return endpoint

    def queries(url: str) -> int:
        client.get(url)  # the first request of a session reads more (its user, its roles)
        with CaptureQueriesContext(connection) as counted:
            assert client.get(url).status_code == 200
        return len(counted)

    client.force_login(owner)
    seen = {}
    for count in (1, 3):
        endpoint = fill(count)
        seen[count] = [
            queries(f"/events/{event.slug}/manage/webhooks/"),
            queries(f"/events/{event.slug}/manage/webhooks/{endpoint.pk}/deliveries/"),
        ]
    assert seen[1] == seen[3], seen
