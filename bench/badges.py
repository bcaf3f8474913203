"""Badges: QR codes per second, one badge as PDF and PNG (and one with a name of 125 characters,
about the most the name's box holds at its smallest size), and a 5000-badge print run in both
layouts (A6 one per page, A4 four per sheet): its time and peak memory. Targets: a run under
60 s and under 300 MB.

Run from the repository root: `.venv/bin/python bench/badges.py` (or `make bench-badges`). It
seeds a scratch SQLite database with 5000 confirmed in-person registrations whose names mix
Latin, Chinese, Cyrillic and Arabic, then renders each run in a process of its own and reports
its peak resident memory: the task's process (VmHWM), the largest of its render processes and
all of them at one moment (sampled from /proc every 20 ms). It prints the machine's load average
too: on a shared machine the times vary with it."""

import json
import os
import random
import resource
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from harness import setup_django

BADGES = int(os.environ.get("BENCH_BADGES", "5000"))
TARGET_SECONDS = 60
TARGET_MIB = 300
SLUG = "bench-badges"

LATIN = ["Amina", "Bruno", "Carla", "David", "Émile", "Fatima", "Giorgos", "Hana", "Ivan", "Juan"]
SURNAMES = ["Yusuf", "Okafor", "Nguyen", "Hernández-Villanueva", "Smith", "Rossi", "Kowalski"]
CHINESE = ["王小明", "李华", "張偉", "陈静怡", "刘洋", "黄志强", "周杰", "吴晓燕", "赵敏", "孙立"]
CYRILLIC = ["Александра Иванова", "Дмитрий Соколов", "Ольга Петрова", "Сергей Кузнецов"]
ARABIC = ["محمد الهاشمي", "فاطمة الزهراء", "أحمد بن علي", "ليلى عبد الله"]
# The name's box at its fullest: five lines at the smallest size (registrations.badges.typeset).
LONG_NAME = (
    "Maximiliano Alejandro Hernández-Villanueva de la Cruz y Montenegro Bustamante "
    "Oyelaran-Adebayo Wolfeschlegelsteinhausen Ortiz"
)


def status_mib(pid: int | str, field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of a process from /proc, in MiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def own_peak_mib() -> float:
    """This process's peak RSS. ru_maxrss would include the parent's size at fork time (it
    survives exec on Linux), so /proc's VmHWM where there is one."""
    if Path("/proc/self/status").exists():
        return status_mib("self", "VmHWM")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the render processes)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class ChildSampler(threading.Thread):
    """Samples the resident memory of this process's children (the render processes) every
    20 ms: the largest one, and the most this process and its children held at one moment."""

    def __init__(self):
        super().__init__(daemon=True)
        self.largest = self.together = 0.0
        self.running = True

    def children(self) -> list[str]:
        found = []
        for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
            found += task.read_text().split()
        return found

    def run(self) -> None:
        while self.running:
            sizes = [status_mib(pid, "VmRSS") for pid in self.children()]
            if sizes:
                self.largest = max(self.largest, *sizes)
            self.together = max(self.together, status_mib("self", "VmRSS") + sum(sizes))
            time.sleep(0.02)


def name(n: int) -> str:
    kind = n % 10
    if kind < 6:
        return f"{random.choice(LATIN)} {random.choice(SURNAMES)}"
    if kind < 8:
        return random.choice(CHINESE)
    return random.choice(CYRILLIC if kind == 8 else ARABIC)


def seed() -> None:
    from django.utils import timezone

    from events.models import AttendanceMode, Event, Organization
    from registrations.models import Registration, State
    from tests.factories import EventFactory
    from tests.factories.registrations import TicketTypeFactory

    if Event.objects.filter(slug=SLUG).exists():
        print(f"event {SLUG} already there: reusing its registrations")
        return
    random.seed(5)
    started = time.perf_counter()
    event = EventFactory(slug=SLUG, title="Asia-Pacific Regional Consultation on ICT in Education")
    ticket = TicketTypeFactory(event=event, name="Delegate")
    organisations = Organization.objects.bulk_create(
        Organization(name=f"University {n}", country="KE") for n in range(200)
    )
    organisations.append(Organization.objects.create(name="清华大学", country="CN"))
    now = timezone.now()
    Registration.objects.bulk_create(
        (
            Registration(
                event=event,
                ticket=ticket,
                state=State.CONFIRMED,
                mode=AttendanceMode.IN_PERSON,
                name=name(n),
                email=f"p{n}@example.org",
                organization=random.choice(organisations),
                country=random.choice(["KE", "CN", "RU", "EG", "FR", "BR"]),
                badge_secret=secrets.token_urlsafe(24),
                consent_at=now,
                consent_version="bench",
            )
            for n in range(BADGES)
        ),
        batch_size=1000,
    )
    print(f"seeded {BADGES} registrations in {time.perf_counter() - started:.1f} s")


def one_badge() -> None:
    from registrations.badges.content import badge_pdf, badge_png, badges_for
    from registrations.badges.pdf import Layout, render
    from registrations.badges.qr import qr_matrix
    from registrations.models import Registration

    codes = [secrets.token_urlsafe(24) for _ in range(500)]
    started = time.perf_counter()
    for code in codes:
        qr_matrix(code)
    print(f"QR codes: {len(codes) / (time.perf_counter() - started):.0f} per second")
    registration = Registration.objects.select_related("event", "ticket", "organization").filter(
        event__slug=SLUG, name__in=["王小明", "李华"]
    )[0]
    for label, make in (("PDF", badge_pdf), ("PNG", badge_png)):
        started = time.perf_counter()
        content = make(registration)
        milliseconds = 1000 * (time.perf_counter() - started)
        size = len(content) >> 10
        print(f"one badge as {label} (Chinese name): {milliseconds:.0f} ms, {size} kB")
    [badge] = badges_for(registration.event, [registration])
    started = time.perf_counter()
    content = render([replace(badge, name=LONG_NAME)], Layout.A6)
    milliseconds = 1000 * (time.perf_counter() - started)
    print(f"one badge as PDF ({len(LONG_NAME)}-character name): {milliseconds:.0f} ms")


def render_run(layout: str) -> dict:
    """In its own process: one print run of every badge, the task called directly."""
    import pikepdf
    from django.db import transaction

    from events.models import Event
    from registrations.badges.print_runs import (
        badge_print_run_create,
        badge_print_run_render,
        run_file,
    )
    from registrations.models import BadgePrintRun

    event = Event.objects.get(slug=SLUG)
    BadgePrintRun.objects.filter(event=event).delete()
    with transaction.atomic():
        run = badge_print_run_create(event=event, by=None, layout=layout)
    sampler = ChildSampler()
    sampler.start()
    started, cpu = time.perf_counter(), cpu_seconds()
    outcome = badge_print_run_render.call(run.pk)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    sampler.running = False
    run.refresh_from_db()
    peak_task = own_peak_mib()  # before the page count below reads the file
    path = run_file(run)
    with pikepdf.Pdf.open(path) as document:
        pages = len(document.pages)
    return {
        "outcome": outcome,
        "error": run.error,
        "seconds": seconds,
        "cpu": cpu,
        "badges": run.done,
        "pages": pages,
        "mib": path.stat().st_size / 2**20,
        "peak_task": peak_task,
        "peak_renderer": sampler.largest,
        "peak_together": sampler.together,
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        setup_django()
        print(json.dumps(render_run(sys.argv[2])))
        return
    scratch = setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from registrations.badges import print_runs

    print(
        f"database: {connection.vendor}; render processes: {print_runs.PROCESSES}; "
        f"load average: {os.getloadavg()[0]:.1f}"
    )
    call_command("migrate", verbosity=0)
    seed()
    one_badge()
    environment = dict(os.environ, CONFMAN_VAR_DIR=str(settings.VAR_DIR))
    if scratch is not None:
        environment["BENCH_DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'confman.sqlite3'}"
    failed = False
    for layout, label in (("a6", "A6, one per page"), ("a4_4up", "A4, four per sheet")):
        answer = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--run", layout],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(answer.stdout.strip().splitlines()[-1])
        if result["outcome"] != "done":
            print(f"{label}: {result['outcome']}: {result['error']}")
            failed = True
            continue
        peak = max(result["peak_task"], result["peak_renderer"])
        ok = result["seconds"] < TARGET_SECONDS and peak < TARGET_MIB
        failed |= not ok
        print(
            f"print run {result['badges']} badges, {label}: {result['seconds']:.1f} s "
            f"({result['badges'] / result['seconds']:.0f} badges/s, {result['cpu']:.0f} s of CPU), "
            f"{result['pages']} pages, "
            f"{result['mib']:.1f} MiB; peak RSS {result['peak_task']:.0f} MiB task process, "
            f"{result['peak_renderer']:.0f} MiB largest render process, "
            f"{result['peak_together']:.0f} MiB all at once "
            f"[{'within' if ok else 'OVER'} {TARGET_SECONDS} s / {TARGET_MIB} MB per process]"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
