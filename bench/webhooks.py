"""Webhooks: 1000 deliveries to a local receiver, deliveries per second.

Run from the repository root: `.venv/bin/python bench/webhooks.py`. On a fresh SQLite database in
a temporary directory (or BENCH_DATABASE_URL) it makes an event with REGISTRANTS registrations
and one endpoint on a receiver on 127.0.0.1 (http.server in a thread, answering 204), then:

1. the fan-out: one registration.created message per registration, made by the task as the
   worker runs it (payload from the API's Out schema, one delivery row, its task queued);
2. the deliveries, as `manage.py db_worker` runs them in one process: each signed and POSTed;
   the time until the receiver has them all, deliveries per second, and the ratio to the peer:
   the same POSTs, unsigned, from a bare http.client loop with no database.
Every signature the receiver got is checked with the Standard Webhooks library."""

import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import setup_django

REGISTRANTS = 1000


class Receiver(BaseHTTPRequestHandler):
    got: list[tuple[dict, bytes]] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.got.append((dict(self.headers), body))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main() -> None:
    scratch = setup_django()  # noqa: F841 (kept alive for the run)

    import http.client

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from standardwebhooks import Webhook

    from events.models import Event, TeamMember
    from registrations.models import Registration, State, TicketType, WebhookDelivery
    from registrations.webhooks.endpoints import webhook_endpoint_create
    from registrations.webhooks.events import webhooks_fan_out

    call_command("migrate", verbosity=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    today = timezone.localdate()
    event = Event.objects.create(
        slug="webhooks-bench",
        title="Webhooks bench",
        timezone="UTC",
        start_date=today,
        end_date=today,
        status=Event.Status.PUBLISHED,
        languages=["en"],
    )
    owner = User.objects.create_user("bench-owner", email="owner@example.org")
    TeamMember.objects.create(event=event, user=owner, role=TeamMember.Role.OWNER)
    ticket = TicketType.objects.create(event=event, name="Delegate", modes="in_person")
    registrations = Registration.objects.bulk_create(
        [
            Registration(
                event=event,
                ticket=ticket,
                reference=f"W{n:07d}",
                state=State.CONFIRMED,
                mode="in_person",
                name=f"Participant {n}",
                email=f"w{n}@example.org",
                country="KE",
                language="en",
                consent_at=timezone.now(),
            )
            for n in range(REGISTRANTS)
        ],
        batch_size=1000,
    )
    endpoint = webhook_endpoint_create(
        event=event,
        by=owner,
        url=f"http://127.0.0.1:{port}/hooks",
        event_types=["registration.created"],
    )
    print(f"database: {connection.vendor}; {REGISTRANTS} registrations, one endpoint")

    moment = timezone.now().isoformat()
    began = time.perf_counter()
    for registration in registrations:
        webhooks_fan_out.call(
            event.pk, ["registration.created"], "registration", registration.pk, moment, {}
        )
    made = time.perf_counter() - began
    print(
        f"1. fan-out: {WebhookDelivery.objects.count()} messages made and queued in {made:.1f} s "
        f"({REGISTRANTS / made:.0f}/s)"
    )

    began = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    took = time.perf_counter() - began
    delivered = WebhookDelivery.objects.filter(status="delivered").count()
    rate = delivered / took

    body = Receiver.got[0][1]
    timings = []
    peer_began = time.perf_counter()
    for _ in range(REGISTRANTS):
        started = time.perf_counter()
        peer = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        peer.request("POST", "/peer", body=body, headers={"Content-Type": "application/json"})
        peer.getresponse().read()
        peer.close()
        timings.append(time.perf_counter() - started)
    peer_rate = REGISTRANTS / (time.perf_counter() - peer_began)

    checker = Webhook(endpoint.secret)
    signed = [(headers, data) for headers, data in Receiver.got if headers.get("webhook-id")]
    for headers, data in signed:
        checker.verify(data, headers)
    print(
        f"2. deliveries: {delivered} delivered in {took:.1f} s by one worker, {rate:.0f} "
        f"deliveries/s; the peer (bare POSTs, no queue or signature): {peer_rate:.0f}/s, "
        f"median {statistics.median(timings) * 1000:.1f} ms (ratio {rate / peer_rate:.2f}); "
        f"{len(signed)} signatures checked"
    )
    server.shutdown()
    if delivered != REGISTRANTS or len(signed) != REGISTRANTS:
        raise SystemExit(f"expected {REGISTRANTS} deliveries, got {delivered} ({len(signed)})")


if __name__ == "__main__":
    main()
