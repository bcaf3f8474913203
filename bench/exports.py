"""Calendar and schedule exports at scale: calendar.ics, schedule.xml and schedule.json of
scale-1 (600 sessions in 20 rooms over 3 days, each with a chair and two speakers), and a
personal feed of 40 bookmarked sessions.

Run from the repository root: `.venv/bin/python bench/exports.py`. On a fresh SQLite database in
a temporary directory (or BENCH_DATABASE_URL) it seeds scale-1, then requests each export
in-process through Django's full middleware stack: cold (cache cleared before each request,
median of COLD), from the cache and as a 304 to If-None-Match (median of WARM each), and prints
the size (plain and gzipped) and the SQL queries of a cold and of a cached answer. Processor
time is printed beside the wall-clock time: on a busy machine the two part.
Targets on this machine: under 300 ms cold, under 5 ms cached."""

import gzip
import os
import statistics
import time

from harness import setup_django

COLD = 10
WARM = 50
TARGET_COLD_MS = 300
TARGET_CACHED_MS = 5
BOOKMARKS = 40


def _timed_ms(run, times: int, before=None) -> tuple[float, float, float, object]:
    """Median and best wall-clock time of `times` runs, the median processor time (what the
    answer costs whatever else the machine is doing), and the last answer."""
    timings, processor = [], []
    response = None
    for _ in range(times):
        if before is not None:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = run()
        timings.append((time.perf_counter() - started) * 1000)
        processor.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(timings), min(timings), statistics.median(processor), response


def main() -> None:
    scratch = setup_django()  # noqa: F841 (kept alive for the run)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from confman.demo.events import seed_scale_event
    from sessions.feeds import feed_token_get_or_create, personal_feed_path
    from sessions.models import Session
    from sessions.services.bookmarks import bookmark_add

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    event, _, _ = seed_scale_event(1)
    seeded = time.perf_counter() - started
    sessions = list(Session.objects.public().filter(event=event).order_by("start", "pk"))
    user = get_user_model().objects.create_user("bench-delegate")
    for session in sessions[:: max(1, len(sessions) // BOOKMARKS)][:BOOKMARKS]:
        bookmark_add(user=user, session=session)
    personal = personal_feed_path(feed_token_get_or_create(user=user, event=event))
    client = Client()

    addresses = [
        f"/events/{event.slug}/calendar.ics",
        f"/events/{event.slug}/schedule.xml",
        f"/events/{event.slug}/schedule.json",
        f"/events/{event.slug}/calendar.ics?track={event.tracks.first().pk}",
        f"/events/{event.slug}/sessions/{sessions[0].pk}/calendar.ics",
        personal,
    ]
    print(
        f"database: {connection.vendor}; {event.slug}: {len(sessions)} public sessions, "
        f"{event.rooms.count()} rooms, seeded in {seeded:.1f} s; cold: median of {COLD} "
        f"(cache cleared each time), cached and 304: median of {WARM}"
    )
    print(
        f"{'export':50} {'cold':>16} {'cpu':>7} {'cached':>14} {'cpu':>6} {'304':>14} "
        f"{'size':>9} {'gzipped':>8} {'queries':>8}"
    )
    for address in addresses:
        label = address.replace(personal, f"/events/{event.slug}/my-agenda/calendar/<token>.ics")
        cold, cold_best, cold_cpu, response = _timed_ms(
            lambda a=address: client.get(a), COLD, before=cache.clear
        )
        if response.status_code != 200:
            raise SystemExit(f"{address} answered {response.status_code}")
        body = response.content
        cache.clear()
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        cold_queries = len(queries)  # now: the next request empties the connection's log
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
        warm_queries = len(queries)
        cached, cached_best, cached_cpu, _ = _timed_ms(lambda a=address: client.get(a), WARM)
        etag = response["ETag"]
        not_modified, not_modified_best, _cpu, answer = _timed_ms(
            lambda a=address, e=etag: client.get(a, HTTP_IF_NONE_MATCH=e), WARM
        )
        if answer.status_code != 304:
            raise SystemExit(f"{address} answered {answer.status_code} to If-None-Match")
        notes = []
        if cold > TARGET_COLD_MS:
            notes.append(f"cold over {TARGET_COLD_MS} ms")
        if cached > TARGET_CACHED_MS:
            notes.append(f"cached over {TARGET_CACHED_MS} ms")
        print(
            f"{label:50} {cold:6.1f} ({cold_best:5.1f})ms {cold_cpu:5.1f}ms "
            f"{cached:5.2f} ({cached_best:4.2f})ms {cached_cpu:4.2f}ms "
            f"{not_modified:5.2f} ({not_modified_best:4.2f})ms {len(body):9,} "
            f"{len(gzip.compress(body, 6)):8,} {cold_queries:4}/{warm_queries:<3}"
            f"{'  ' + '; '.join(notes) if notes else ''}"
        )
    print(
        "times: wall-clock median (best) and median processor time (cpu); queries: cold/cached; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} processors"
    )


if __name__ == "__main__":
    main()
