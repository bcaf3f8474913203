"""The participation report at scale: 20,000 registrations from 2000 organisations in 30 countries.

Run from the repository root: `.venv/bin/python bench/report.py` (a scratch SQLite database, or
BENCH_DATABASE_URL's). Seeds with bulk_create: an event with two tickets, 2000 organisations,
20,000 registrations (one in 13 cancelled, three quarters in person), an ok entry scan for most
of those in person, 20 sessions with door scans, and one or two viewings for the online ones.
Then times `participation(event)` (median of BENCH_RUNS, 7 by default) with its query count,
and each export (CSV, XLSX, PDF). Goal (issue 19): the report in under 300 ms."""

import datetime as dt
import os
import statistics
import time

from harness import setup_django

REGISTRATIONS = 20_000
ORGANISATIONS = 2000
COUNTRIES = [
    "CN",
    "JP",
    "KR",
    "IN",
    "ID",
    "TH",
    "VN",
    "MY",
    "PH",
    "SG",
    "AU",
    "NZ",
    "DE",
    "FR",
    "GB",
    "IT",
    "ES",
    "NL",
    "SE",
    "PL",
    "BR",
    "AR",
    "MX",
    "CL",
    "CO",
    "KE",
    "NG",
    "ZA",
    "EG",
    "US",
]
SESSIONS = 20
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
GOAL_MS = 300


def seed():
    from django.utils import timezone

    from events.models import Organization
    from registrations.models import CheckIn, Registration, State, Viewing
    from tests.factories import EventFactory, RoomFactory, SessionFactory, at
    from tests.factories.registrations import ticket

    event = EventFactory(slug="bench-report", title="Participation benchmark")
    delegate = ticket(event, name="Delegate", modes="in_person")
    remote = ticket(event, name="Online", modes="online")
    kinds = Organization.Kind.values
    organisations = Organization.objects.bulk_create(
        Organization(name=f"Organisation {n}", country=COUNTRIES[n % 30], kind=kinds[n % 7])
        for n in range(ORGANISATIONS)
    )
    now = timezone.now()
    people = Registration.objects.bulk_create(
        (
            Registration(
                event=event,
                ticket=remote if n % 4 == 0 else delegate,
                mode="online" if n % 4 == 0 else "in_person",
                state=State.CANCELLED if n % 13 == 12 else State.CONFIRMED,
                name=f"Person {n}",
                email=f"person{n}@example.org",
                reference=f"R{n:07d}",
                country=COUNTRIES[n % 30],
                organization=organisations[n % ORGANISATIONS],
                gender=("woman", "man", "unsaid", "")[n % 4],
                consent_at=now,
                consent_version="v1",
            )
            for n in range(REGISTRATIONS)
        ),
        batch_size=2000,
    )
    room = RoomFactory(event=event, name="Hall")
    sessions = [
        SessionFactory(event=event, room=room, start=at(event, 0, f"{8 + n % 10:02d}:00"))
        for n in range(SESSIONS)
    ]
    when = at(event, 0, "09:00")
    scans, viewings = [], []
    for n, person in enumerate(people):
        if person.mode == "in_person" and n % 5:
            scans.append(
                CheckIn(
                    event=event,
                    registration=person,
                    type="entry",
                    result="ok",
                    device=f"desk-{n % 4}",
                    scanned_at=when,
                    effective_at=when,
                    session=sessions[n % SESSIONS] if n % 3 == 0 else None,
                )
            )
        if person.mode == "online" or n % 11 == 0:
            start = when + dt.timedelta(minutes=n % 600)
            viewings.append(
                Viewing(
                    event=event,
                    registration=person,
                    room=room if n % 2 else None,
                    started_at=start,
                    ended_at=start + dt.timedelta(minutes=45),
                )
            )
    CheckIn.objects.bulk_create(scans, batch_size=2000)
    Viewing.objects.bulk_create(viewings, batch_size=2000)
    return event, len(scans), len(viewings)


def timed(function, runs: int = RUNS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def main() -> None:
    scratch = setup_django()  # noqa: F841 (kept alive for the run)

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from registrations.report.exports import report_csv, report_xlsx
    from registrations.report.pdf import report_pdf
    from registrations.report.selectors import participation

    translation.activate("en")
    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    event, scans, viewings = seed()
    print(
        f"seeded {REGISTRATIONS} registrations, {ORGANISATIONS} organisations, "
        f"{len(COUNTRIES)} countries, {scans} scans, {viewings} viewings "
        f"in {time.perf_counter() - started:.1f} s"
    )
    participation(event)  # warm: imports, the region names
    with CaptureQueriesContext(connection) as queries:
        participation(event)
    ms, report = timed(lambda: participation(event))
    print(
        f"participation(): median {ms:.0f} ms of {RUNS} runs, {len(queries)} queries; "
        f"{ms / GOAL_MS:.2f} of the {GOAL_MS} ms goal"
    )
    print(f"  {report.sentence}")
    for name, export in (("CSV", report_csv), ("XLSX", report_xlsx), ("PDF", report_pdf)):
        ms, content = timed(lambda export=export: export(event, report), runs=3)
        print(f"{name}: median {ms:.0f} ms of 3 runs, {len(content) / 1024:.0f} kB")

    connection.close()
    if scratch is not None:
        scratch.cleanup()


if __name__ == "__main__":
    main()
