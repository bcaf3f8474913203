"""The programme at scale: the public agenda page and the sessions endpoint on scale-1
(600 sessions in 20 rooms over 3 days, each with a chair and two speakers).

Run from the repository root: `.venv/bin/python bench/agenda.py`. On a fresh SQLite database in
a temporary directory (or BENCH_DATABASE_URL) it seeds scale-1, then requests each address
REPEAT times in-process through Django's full middleware stack and prints the server time
(median and 95th percentile of the wall clock, and the median of the process's CPU time, which
other work on the machine does not inflate), the response's size as sent uncompressed and
gzipped, and the SQL queries per request.
Targets on the 2-core reference machine: agenda page median under 150 ms (one day, all days,
and a day's section of "all days" read when opened), sessions endpoint under 100 ms, queries
constant and under 15."""

import gzip
import statistics
import time

from harness import setup_django

REPEAT = 50
TARGETS_MS = {"page": 150, "api": 100}
MAX_QUERIES = 15


def main() -> None:
    scratch = setup_django()  # noqa: F841 (kept alive for the run)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from confman.demo.events import seed_scale_event
    from sessions.models import Session

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    event, _, _ = seed_scale_event(1)
    seeded = time.perf_counter() - started
    count = Session.objects.filter(event=event).count()
    first_day = event.start_date.isoformat()
    client = Client()

    second_day = event.days[1].isoformat()
    addresses = [
        ("page", f"/events/{event.slug}/agenda/?day={first_day}"),
        ("page", f"/events/{event.slug}/agenda/?day={first_day}&q=Speaker+0042"),
        ("page", f"/events/{event.slug}/agenda/?day=all"),
        ("page", f"/events/{event.slug}/agenda/?day={second_day}&fragment=1"),
        (
            "page",
            f"/events/{event.slug}/sessions/{Session.objects.filter(event=event).first().pk}/",
        ),
        ("api", f"/api/events/{event.slug}/sessions?limit=200"),
        ("api", f"/api/events/{event.slug}/sessions?day={first_day}&limit=200"),
        ("api", f"/api/events/{event.slug}/updates?since=0"),
    ]
    print(
        f"database: {connection.vendor}; {event.slug}: {count} sessions, "
        f"{event.rooms.count()} rooms, seeded in {seeded:.1f} s; {REPEAT} requests per address"
    )
    print(
        f"{'address':68} {'median':>8} {'p95':>8} {'cpu':>8} {'size':>8} {'gzipped':>8} "
        f"{'queries':>7}"
    )
    for kind, address in addresses:
        timings, cpu = [], []
        for _ in range(REPEAT):
            started, used = time.perf_counter(), time.process_time()
            response = client.get(address)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{address} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        zipped = len(gzip.compress(response.content, compresslevel=6))
        notes = []
        if median > TARGETS_MS[kind]:
            notes.append(f"over the {TARGETS_MS[kind]} ms target")
        if len(queries) >= MAX_QUERIES:
            notes.append(f"{MAX_QUERIES}+ queries")
        print(
            f"{address:68} {median:6.1f}ms {p95:6.1f}ms {statistics.median(cpu):6.1f}ms "
            f"{len(response.content) / 1024:6.1f}KB {zipped / 1024:6.1f}KB "
            f"{len(queries):7}{'  ' + '; '.join(notes) if notes else ''}"
        )


if __name__ == "__main__":
    main()
