"""How long seeding takes: the demo event, then scale-1 (2000 organisations, 20 rooms).

Run from the repository root: `.venv/bin/python bench/seed_scale.py`. Without BENCH_DATABASE_URL it
migrates a fresh SQLite database in a temporary directory, so var/ is left alone; with
BENCH_DATABASE_URL it seeds that database (events already there are reported, not re-created)."""

import resource
import sys
import time

from harness import setup_django


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def main() -> None:
    scratch = setup_django()  # noqa: F841 (kept alive for the run)

    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from confman.demo.events import seed_demo_event, seed_scale_event

    models = list(apps.get_app_config("events").get_models())

    def row_counts() -> dict[str, int]:
        return {model._meta.db_table: model.objects.count() for model in models}

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.2f} s")

    before = row_counts()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        event, created = seed_demo_event()
        seconds = time.perf_counter() - started
    state = "" if created else ", already there"
    print(f"seed_demo: {seconds:.2f} s ({len(queries)} queries{state})")

    with CaptureQueriesContext(connection) as queries:
        event, created, seconds = seed_scale_event(1)
    state = "" if created else ", already there"
    print(
        f"seed_demo --scale 1: {seconds:.2f} s ({event.event_organizations.count()} "
        f"organisations, {event.rooms.count()} rooms, {len(queries)} queries{state})"
    )

    after = row_counts()
    print("rows created:")
    for table, count in after.items():
        print(f"  {table}: {count - before[table]}")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")

    connection.close()
    if scratch is not None:
        scratch.cleanup()


if __name__ == "__main__":
    main()
