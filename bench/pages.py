"""Page and API weight and speed on the demo event and on scale-1 (2000 organisations).

Run from the repository root: `.venv/bin/python bench/pages.py`. It builds a fresh SQLite
database in a temporary directory (or BENCH_DATABASE_URL), seeds both events and requests each
address REPEAT times in-process through Django's full middleware stack, printing the median and
95th-percentile time, the response size and the number of queries (the live schedule's JSON
twice: as the public polls it, and as a registered participant polls it with their private link,
which records their online attendance). The page budget is 100 KB without images."""

import statistics
import time

from harness import setup_django

REPEAT = 30
PAGE_BUDGET = 100 * 1024


def main() -> None:
    scratch = setup_django()  # noqa: F841 (kept alive for the run)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from confman.demo.events import seed_demo_event, seed_scale_event
    from registrations.links import magic_token
    from registrations.models import Registration

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)
    demo, _ = seed_demo_event()
    scale, _, _ = seed_scale_event(1)
    client = Client()
    # The live schedule as a participant polls it where sockets are blocked (their private
    # link records their online attendance), and as the public does.
    participant = (
        Registration.objects.filter(event=demo, mode="online", state="confirmed")
        .order_by("pk")
        .first()
    )

    addresses = [
        "/",
        f"/events/{demo.slug}/",
        f"/events/{scale.slug}/",
        f"/events/{scale.slug}/organisations/",
        "/api/events",
        f"/api/events/{demo.slug}",
        f"/api/events/{scale.slug}",
        f"/api/events/{demo.slug}/live",
        f"/api/events/{demo.slug}/live?r={magic_token(participant)}",
        "/healthz",
    ]
    print(f"database: {connection.vendor}; {REPEAT} requests per address, in-process")
    print(f"{'address':48.48} {'median':>8} {'p95':>8} {'size':>9} {'queries':>7}")
    for address in addresses:
        timings = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            response = client.get(address)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        size = len(response.content)
        over = "  OVER BUDGET" if not address.startswith("/api") and size > PAGE_BUDGET else ""
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{address:48.48} {statistics.median(timings):6.1f}ms {p95:6.1f}ms "
            f"{size / 1024:7.1f}KB {len(queries):7}{over}"
        )
        if response.status_code != 200:
            raise SystemExit(f"{address} answered {response.status_code}")


if __name__ == "__main__":
    main()
